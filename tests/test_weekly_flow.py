"""Weekly project reports end to end: procedures, problems, CSV variants, supersede, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from tests.builders import PROGRESS_HEADERS, library, problem, procedure, progress, project, weekly
from tests.test_ingest_flow import query, run_pass
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")


def seed_library(settings: Settings) -> None:
    library(settings.inbox / "项目库" / "项目库.xlsx", [
        project("P1"), project("P2", status="已签约"), project("P3", cadre="陈静", group="装备制造组"),
        project("P4", cadre="陈静", status="在谈", group="装备制造组")], received=dt.datetime(2021, 6, 1, 9))


def li_week_0823(settings: Settings) -> None:
    weekly(settings.inbox / "周报" / "李明远-0823.xlsx", "李明远", "2021-08-23", received=dt.datetime(2021, 8, 30, 10),
           progress=[progress("P1", 100, 1000), progress("P2", 0, 0, stage="前期手续")],
           procedures=[procedure("P1", "环评", "已办结", "2021-08-20", "2021-08-25"),
                       procedure("P1", "能评", "办理中", "2021-08-25"),  # planned before Sunday 08-29: overdue
                       procedure("P1", "安评", "未启动", "2021-09-10"),  # not yet due
                       procedure("P1", "土地审批", "不涉及", "2021-08-01")],  # not applicable: never overdue
           problems=[problem("P1", "用地指标未落实", "2021-08-31")])


def li_week_0830(settings: Settings, name: str, cumulative: float, received: dt.datetime) -> None:
    weekly(settings.inbox / "周报" / name, "李明远", "2021年第35周", received=received,
           progress=[progress("P1", 50, cumulative, stage="设备安装")],
           procedures=[procedure("P1", "能评", "已办结", "2021-08-25", "2021-09-01"),
                       procedure("P1", "安评", "办理中", "2021-09-03")],  # before Sunday 09-05: overdue
           problems=[problem("P1", "用地指标未落实", "2021-08-31"),
                     problem("P1", "融资未到位", "2021-09-30", status="已解决", category="融资")])


def chen_csv(settings: Settings, encoding: str) -> None:
    header = ",".join(PROGRESS_HEADERS + ["包联人", "报告周"])
    row = ",".join(str(v) if v is not None else "" for v in progress("P3", 20, 300, name="汽配项目", builder="兴安汽配公司"))
    path = settings.inbox / "周报" / f"陈静-0830-{encoding}.csv"
    path.write_bytes(f"{header}\n{row},陈 静,2021-08-30\n".encode(encoding))
    stamp = dt.datetime(2021, 9, 6, 14, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    import os
    os.utime(path, (stamp, stamp))


def as_text(rows: list[tuple]) -> list[tuple]:
    """Dates come back as str on SQLite and date on PostgreSQL: compare their ISO text."""
    return [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in rows]


def test_weekly_marts_procedures_and_problems(settings: Settings) -> None:
    seed_library(settings)
    li_week_0823(settings)
    li_week_0830(settings, "李明远-0830.xlsx", 1050, dt.datetime(2021, 9, 6, 9))
    chen_csv(settings, "gbk")
    summary = run_pass(settings)
    assert all(f.status == "loaded" for f in summary.files), [(f.name, f.first_problem) for f in summary.files]

    rows = query(settings, "SELECT project_code, week_start, invest_week_wan, invest_cum_wan, stage, procedures_done, "
                           "procedures_overdue, open_problems FROM mart_project_week ORDER BY week_start, project_code")
    assert as_text(rows) == [
        ("P1", "2021-08-23", 100.0, 1000.0, "主体施工", 1, 1, 1),
        ("P2", "2021-08-23", 0.0, 0.0, "前期手续", 0, 0, 0),
        ("P1", "2021-08-30", 50.0, 1050.0, "设备安装", 1, 1, 1),
        # a CSV report has no 手续办理 sheet: its procedure figures are unknown (NULL), not zero
        ("P3", "2021-08-30", 20.0, 300.0, "主体施工", None, None, 0),
    ]
    problems = query(settings, "SELECT project_code, description, status, deadline, first_week, last_week, "
                               "resolved_week, weeks_reported FROM mart_problem ORDER BY description")
    assert as_text(problems) == [
        ("P1", "用地指标未落实", "推进中", "2021-08-31", "2021-08-23", "2021-08-30", None, 2),
        ("P1", "融资未到位", "已解决", "2021-09-30", "2021-08-30", "2021-08-30", "2021-08-30", 1),
    ]
    # 李明远 (P1, P2 active) and 陈静 (P3 在建) owe every week from 2021-06-07; the deadline is Monday 12:00
    due = query(settings, "SELECT subject, period, status FROM mart_submission WHERE kind = '周报' "
                          "AND period >= '2021-08-23' ORDER BY period, subject")
    assert due == [("李明远", "2021-08-23", "on_time"), ("陈静", "2021-08-23", "missing"),
                   ("李明远", "2021-08-30", "on_time"), ("陈静", "2021-08-30", "late")]
    assert query(settings, "SELECT COUNT(*) FROM mart_submission WHERE kind = '周报'") == [(2 * 13,)]


def test_weekly_rules_locate_every_error(settings: Settings) -> None:
    seed_library(settings)
    weekly(settings.inbox / "周报" / "有误.xlsx", "李明远", "2021-08-30", received=dt.datetime(2021, 9, 6, 9),
           progress=[progress("P9", 10, 5)],
           procedures=[procedure("P1", "环评", "已办结"), procedure("P1", "能评", "已办结", None, "2021-09-07")])
    summary = run_pass(settings)
    assert [(f.name, f.status) for f in summary.files if f.kind == "周报"] == [("有误.xlsx", "rejected")]
    found = query(settings, "SELECT sheet, row, col, header, message FROM file_finding WHERE severity = 'error' "
                            "ORDER BY sheet, row, col")
    assert found == [
        ("手续办理", 2, 5, "实际办结日期", "办理状态为“已办结”，但没有填写实际办结日期。"),
        ("手续办理", 3, 5, "实际办结日期", "实际办结日期 2021-09-07 晚于报告周（2021-08-30 所在周）。"),
        ("项目进展", 2, 1, "项目编号", "项目编号“P9”不在项目库中。"),
        ("项目进展", 2, 6, "本周完成投资（万元）", "本周完成投资 10 万元大于累计完成投资 5 万元。"),
    ]
    # it passed staging and only the rules refused it: the archive holds nothing of it, and the
    # explanation shows the cells as they were read
    assert [p.name for p in (settings.archive / "周报").rglob("*") if p.is_file()] == []
    assert sorted(p.name.split("_", 2)[2] for p in (settings.rejected / "周报").glob("*.xlsx")) == ["有误.xlsx", "有误_错误说明.xlsx"]
    explanation = openpyxl.load_workbook(next(settings.rejected.rglob("*_错误说明.xlsx")))
    assert [explanation["项目进展"].cell(2, column).value for column in (1, 6, 7)] == ["P9", 10, 5]


def test_correction_supersedes_and_falling_cumulative_warns(settings: Settings) -> None:
    seed_library(settings)
    li_week_0823(settings)
    li_week_0830(settings, "李明远-0830.xlsx", 1050, dt.datetime(2021, 9, 6, 9))
    run_pass(settings)
    li_week_0830(settings, "李明远-0830（更正）.xlsx", 990, dt.datetime(2021, 9, 6, 15))
    summary = run_pass(settings)

    assert [(f.status, f.warnings) for f in summary.files] == [("loaded", 1)]
    warning = query(settings, "SELECT sheet, row, col, message FROM file_finding WHERE severity = 'warning'")
    assert warning == [("项目进展", 2, 7, "累计完成投资 990 万元低于上次报告（2021-08-23）的 1000 万元。")]
    assert as_text(query(settings, "SELECT week_start, invest_cum_wan FROM mart_project_week WHERE project_code = 'P1' "
                                   "ORDER BY week_start")) == [("2021-08-23", 1000.0), ("2021-08-30", 990.0)]
    assert query(settings, "SELECT original_name, status FROM ingested_file WHERE kind = '周报' ORDER BY id") == [
        ("李明远-0823.xlsx", "loaded"), ("李明远-0830.xlsx", "superseded"), ("李明远-0830（更正）.xlsx", "loaded")]
    # timeliness counts the first accepted version
    assert query(settings, "SELECT status FROM mart_submission WHERE subject = '李明远' AND period = '2021-08-30'") == [
        ("on_time",)]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_weekly_report_in_gbk_and_utf8_bom(settings: Settings, encoding: str) -> None:
    seed_library(settings)
    chen_csv(settings, encoding)
    summary = run_pass(settings)
    assert [(f.kind, f.status, f.rows_loaded) for f in summary.files if f.kind == "周报"] == [("周报", "loaded", 1)]
    assert query(settings, "SELECT cadre, project_name, builder, invest_cum_wan FROM fact_project_week") == [
        ("陈静", "汽配项目", "兴安汽配公司", 300.0)]


def li_week(settings: Settings, name: str, week: str, cumulative: float, received: dt.datetime) -> None:
    weekly(settings.inbox / "周报" / name, "李明远", week, received=received,
           progress=[progress("P1", 10, cumulative, stage="设备安装")])


def test_a_late_correction_of_an_old_week_compares_with_the_week_before_it(settings: Settings) -> None:
    seed_library(settings)
    li_week(settings, "0816.xlsx", "2021-08-16", 900, dt.datetime(2021, 8, 23, 9))
    li_week(settings, "0823.xlsx", "2021-08-23", 1000, dt.datetime(2021, 8, 30, 9))
    li_week(settings, "0830.xlsx", "2021-08-30", 1050, dt.datetime(2021, 9, 6, 9))
    run_pass(settings)
    li_week(settings, "0823（更正）.xlsx", "2021-08-23", 880, dt.datetime(2021, 9, 7, 9))
    summary = run_pass(settings)
    assert [(f.name, f.status, f.warnings) for f in summary.files] == [("0823（更正）.xlsx", "loaded", 1)]
    assert query(settings, "SELECT message FROM file_finding WHERE severity = 'warning'") == [
        ("累计完成投资 880 万元低于上次报告（2021-08-16）的 900 万元。",)]


def test_a_pass_reads_only_the_weeks_its_files_can_compare_with(settings: Settings) -> None:
    import sqlalchemy as sa

    from zhaoshang.intake import ingest
    from zhaoshang.intake.helper import examine_all

    seed_library(settings)
    for day, cumulative in (("08-02", 700), ("08-09", 800), ("08-16", 900), ("08-23", 1000)):
        li_week(settings, f"{day}.xlsx", f"2021-{day}", cumulative, dt.datetime(2021, 9, 1, 9))
    run_pass(settings)
    li_week(settings, "0830.xlsx", "2021-08-30", 1050, dt.datetime(2021, 9, 6, 9))
    engine = sa.create_engine(settings.warehouse_url)
    try:
        fresh, _ = ingest.collect(settings, engine)
        known = ingest.known_facts(engine, examine_all(fresh, settings))
    finally:
        engine.dispose()
    # of four stored weeks only the last one before 08-30 is read
    assert as_text(known.cumulative.itertuples(index=False, name=None)) == [("P1", "2021-08-23", 1000.0)]
