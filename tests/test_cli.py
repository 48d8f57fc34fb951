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

    # the appraisal counts equipment's refused February report under its own word, and the counts add up to the due
    from docx import Document

    appraisal = Document(str(tmp_path / "data" / "reports" / "考核" / "2021年上半年招商引资工作考核汇总.docx"))
    assert ("报送及时性计入考核：考核期内应报月报18份，按时报送14份、逾期报送2份、已报送被退回（待更正）1份、未报送1份；"
            "应报周报24份，按时报送23份、逾期报送1份、未报送0份。") in [p.text for p in appraisal.paragraphs]

    # `status` in the four words of DESIGN §5, listing the two refusals no submission could hold
    env["ZHAOSHANG_ROOT"] = str(tmp_path / "data")
    env["COLUMNS"] = "120"
    shown = run(["status", "--month", "2021-02"], env, tmp_path)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in shown.stdout.splitlines() if line.startswith("│")]
    assert [(r[1], r[3], r[4]) for r in rows] == [("玉米深加工组", "按时报送", "03-04 11:46"),
                                                  ("清洁能源和新型建材组", "按时报送", "03-04 14:19"),
                                                  ("装备制造组", "已报送被退回（待更正）", "")]
    text = shown.stdout.replace("\n", "")
    assert "合计：按时报送 2，逾期报送 0，已报送被退回（待更正） 1，未报送 0" in text
    assert "另有 2 个退回文件读不出报送主体或期间，未归入上表（已通知办公室）：" in text
    assert "月报/2021年08月_对接企业名单.xlsx（收到 2021-09-01 08:50）" in text
