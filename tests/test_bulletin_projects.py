"""The bulletin's key-projects and open-problems sections (pure parts), hand-checked."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from zhaoshang.reports.bulletin import projects as p

WEEKS = pd.DataFrame([
    # project, name, cadre, week, this week, cumulative, stage, done, overdue, open
    ("P1", "风电项目", "李明远", "2021-08-02", 100.0, 1100.0, "主体施工", 2, 0, 1),
    ("P1", "风电项目", "李明远", "2021-08-30", 50.5, 1150.5, "设备安装", 3, 1, 1),
    ("P2", "汽配项目", "陈静", "2021-08-09", 0.0, 300.0, "前期手续", 1, 2, 0),
], columns=["project_code", "project_name", "cadre", "week_start", "invest_week_wan", "invest_cum_wan", "stage",
            "procedures_done", "procedures_overdue", "open_problems"])


def test_month_rows_sum_the_weeks_and_keep_the_latest_state() -> None:
    rows = p.project_month_rows(WEEKS)
    # P1: 100 + 50.5 this month, latest cumulative 1150.5 (week 08-30); P2 a single week
    assert p.project_table_rows(rows) == [["风电项目", "李明远", "150.5", "1150.5", "设备安装", "3/1"],
                                          ["汽配项目", "陈静", "0", "300", "前期手续", "1/2"]]
    # the weeks read: Monday 08-02 to the Sunday of the week starting 08-30
    covered = p.weeks_covered(WEEKS)
    assert covered == (dt.date(2021, 8, 2), dt.date(2021, 9, 5))
    assert p.projects_paragraph("2021-08", rows, covered) == (
        "8月共有2个重点项目报送周报（统计8月2日至9月5日各周周报），当月完成投资150.5万元；截至9月5日，"
        "累计完成投资1450.5万元，已办结手续4项，超期未办结手续3项，未解决问题1个。")
    # P1 has 1 overdue procedure in its latest week (08-30), P2 2 in its only week
    assert p.overdue_procedure_lines(rows, covered) == (
        ["项目手续办理滞后。截至9月5日，2个项目有超期未办结手续共3项：风电项目（包联人李明远）1项、汽配项目（包联人陈静）2项。"],
        ["请包联人李明远（风电项目）、陈静（汽配项目）对照倒排工期，协调审批部门尽快办结超期手续。"])
    assert p.overdue_procedure_lines(rows.assign(procedures_overdue=0), covered) == ([], [])


def test_open_problems_overdue_first_and_marked() -> None:
    problems = pd.DataFrame([("P1", "用地指标", "韩卫东", "2021-09-30", "推进中"), ("P2", "能评", "宋志刚", "2021-08-31", "未解决")],
                            columns=["project_code", "description", "leader", "deadline", "status"])
    as_of = dt.date(2021, 9, 8)
    assert p.problems_paragraph(problems, as_of) == "目前尚有2个项目问题未解决，其中1个已超过办结时限，请责任领导督促责任单位限期办结。"
    assert p.problem_table_rows(problems, {"P1": "风电项目"}, as_of) == [
        ["P2", "能评", "宋志刚", "2021-08-31（已超期）", "未解决"], ["风电项目", "用地指标", "韩卫东", "2021-09-30", "推进中"]]
    # only P2's problem is past its deadline on 09-08
    categorised = problems.assign(category=["用地手续", "能评手续"])
    assert p.overdue_problem_lines(categorised, {"P1": "风电项目", "P2": "汽配项目"}, as_of) == (
        ["项目问题超过办结时限。截至9月8日，1个项目问题已超过办结时限仍未解决：汽配项目能评手续问题（责任领导宋志刚，办结时限8月31日）。"],
        ["请责任领导宋志刚督促责任单位对已超过办结时限的问题明确新的办结时间，限期办结。"])
    assert p.overdue_problem_lines(categorised, {}, dt.date(2021, 8, 31)) == ([], [])  # the deadline day itself is not past


def test_month_bounds() -> None:
    assert p.month_bounds("2021-02") == (dt.date(2021, 2, 1), dt.date(2021, 2, 28))
    assert p.month_bounds("2021-12") == (dt.date(2021, 12, 1), dt.date(2021, 12, 31))
