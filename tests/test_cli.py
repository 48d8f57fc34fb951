"""The `zhaoshang` command as a user runs it (a real process), including the demo."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import openpyxl
import pytest

from zhaoshang.settings import PROJECT_DIR

ZHAOSHANG = str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang")
COMMANDS = ["ingest", "templates", "suites", "demo", "bulletin", "digest", "appraisal", "remind", "status", "serve"]


@pytest.fixture
def env(prefect_server) -> dict[str, str]:
    """The environment of a user's shell, pointed at the session's Prefect test server."""
    from prefect.settings import PREFECT_API_URL

    values = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    values["PREFECT_API_URL"] = PREFECT_API_URL.value()
    return values


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ZHAOSHANG, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command: str | None, tmp_path: Path) -> None:
    result = subprocess.run([ZHAOSHANG, *([command] if command else []), "--help"], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0 and "Usage" in result.stdout


def test_ingest_that_cannot_run_exits_non_zero(env: dict[str, str], tmp_path: Path) -> None:
    env["ZHAOSHANG_WAREHOUSE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/nowhere?connect_timeout=2"
    result = run(["ingest", "--root", str(tmp_path / "share")], env, tmp_path)
    assert result.returncode == 1
    assert "本次处理未能完成" in result.stdout


def test_templates_writes_every_kind(tmp_path: Path) -> None:
    result = subprocess.run([ZHAOSHANG, "templates", "--out", str(tmp_path / "t")], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted([
        "招商工作月报（模板）.xlsx", "项目周报（模板）.xlsx", "项目周报（CSV模板）.csv", "项目库（模板）.xlsx",
        "半年述职评议（模板）.xlsx"])


# Expected figures of the demo year, computed independently from the generated files (not from the warehouse).
DEMO_MARTS = {
    ("energy", "2021-01"): (6, 3, 1, 12000.0, 8540.0), ("energy", "2021-05"): (6, 4, 2, 203000.0, 5770.0),
    ("energy", "2021-06"): (8, 3, 1, 12000.0, 5620.0), ("equipment", "2021-03"): (9, 2, 2, 11800.0, 10510.0),
    ("equipment", "2021-07"): (8, 2, 1, 35000.0, 9400.0), ("corn", "2021-04"): (4, 1, 1, 150000.0, 5890.0),
    ("corn", "2021-08"): (5, 1, 1, 120000.0, 6790.0),
}


def test_demo_runs_end_to_end_with_exact_figures(env: dict[str, str], tmp_path: Path) -> None:
    result = run(["demo", "--root", str(tmp_path / "data")], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "入库 100 个，退回 7 个，重复 0 个，被更正替代 3 个。" in result.stdout.replace("\n", "")

    db = sqlite3.connect(tmp_path / "data" / "warehouse.sqlite")
    marts = {(g, m): (c, k, s, w, e) for g, m, c, _, k, s, w, e, _ in db.execute("SELECT * FROM mart_group_month")}
    assert len(marts) == 22  # 3 groups × 8 months, less energy 2021-04 (never sent) and equipment 2021-02 (rejected)
    for key, expected in DEMO_MARTS.items():
        assert marts[key] == expected, key
    late_or_missing = db.execute("SELECT subject, period, status FROM mart_submission "
                                 "WHERE kind = '月报' AND status <> 'on_time' ORDER BY period, subject").fetchall()
    # equipment's February report arrived but was rejected and never corrected: rejected, not missing (DESIGN §5)
    assert late_or_missing == [("equipment", "2021-02", "rejected"), ("corn", "2021-03", "late"),
                               ("energy", "2021-04", "missing"), ("equipment", "2021-05", "late"),
                               ("energy", "2021-07", "late")]
    # the last demo week, computed independently from the generated weekly files
    last_week = db.execute("SELECT project_code, invest_week_wan, invest_cum_wan, stage, procedures_done, "
                           "procedures_overdue, open_problems FROM mart_project_week WHERE week_start = '2021-08-30' "
                           "ORDER BY project_code").fetchall()
    assert last_week == [
        ("KFQ2021-001", 0.0, 1360.0, "前期手续", 3, 0, 1), ("KFQ2021-002", 0.0, 150.0, "前期手续", 3, 1, 1),
        ("KFQ2021-004", 910.0, 39530.0, "设备安装", 7, 0, 0), ("KFQ2021-006", 1020.0, 25880.0, "设备安装", 8, 0, 0),
        ("KFQ2021-007", 420.0, 1205.0, "开工建设", 7, 0, 0), ("KFQ2021-010", 70.0, 18930.0, "竣工验收", 6, 0, 0),
        ("KFQ2021-012", 0.0, 2830.0, "前期手续", 4, 1, 2), ("KFQ2021-013", 560.0, 11350.0, "设备安装", 9, 0, 0),
        ("KFQ2021-014", 1380.0, 68260.0, "设备安装", 8, 0, 0)]
    weekly = dict(db.execute("SELECT status, COUNT(*) FROM mart_submission WHERE kind = '周报' GROUP BY status"))
    # of the two weeks without an accepted report, one had a rejected (never corrected) file
    assert weekly == {"on_time": 72, "late": 4, "missing": 1, "rejected": 1}
    # every rejected file has its explanation beside it, first sheet 错误汇总
    rejected = db.execute("SELECT stored_path, explanation_path FROM ingested_file WHERE status = 'rejected'").fetchall()
    assert len(rejected) == 7
    for stored, explanation in rejected:
        assert (tmp_path / "data" / stored).exists()
        assert openpyxl.load_workbook(tmp_path / "data" / explanation).sheetnames[0] == "错误汇总"
