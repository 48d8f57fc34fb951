"""The bulletin's key-projects and open-problems sections (pure parts), hand-checked."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from transforms.marts import bulletin_projects as p

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
    assert p.projects_paragraph("2021-08", rows) == (
        "8月共有2个重点项目报送周报，当月完成投资150.5万元，累计完成投资1450.5万元；截至月末最近一周，"
        "已办结手续4项，超期未办结手续3项，未解决问题1个。")


def test_open_problems_overdue_first_and_marked() -> None:
    problems = pd.DataFrame([("P1", "用地指标", "韩卫东", "2021-09-30", "推进中"), ("P2", "能评", "宋志刚", "2021-08-31", "未解决")],
                            columns=["project_code", "description", "leader", "deadline", "status"])
    as_of = dt.date(2021, 9, 8)
    assert p.problems_paragraph(problems, as_of) == "目前尚有2个项目问题未解决，其中1个已超过办结时限，请责任领导督促责任单位限期办结。"
    assert p.problem_table_rows(problems, {"P1": "风电项目"}, as_of) == [
        ["P2", "能评", "宋志刚", "2021-08-31（已超期）", "未解决"], ["风电项目", "用地指标", "韩卫东", "2021-09-30", "推进中"]]


def test_month_bounds() -> None:
    assert p.month_bounds("2021-02") == (dt.date(2021, 2, 1), dt.date(2021, 2, 28))
    assert p.month_bounds("2021-12") == (dt.date(2021, 12, 1), dt.date(2021, 12, 31))
