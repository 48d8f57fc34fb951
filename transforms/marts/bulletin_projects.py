"""The bulletin's key-projects and open-problems sections, from the weekly marts (pure)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from transforms.marts.bulletin import number_text


def fmt(amount_wan: float) -> str:
    """An amount in 万元 as printed: up to 4 decimals, trailing zeros dropped."""
    return number_text(amount_wan, 4)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of "YYYY-MM"."""
    first = dt.date.fromisoformat(f"{month}-01")
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def project_month_rows(weeks: pd.DataFrame) -> pd.DataFrame:
    """One row per project: the month's investment (sum of its weeks) and its latest week's state."""
    if weeks.empty:
        return pd.DataFrame(columns=["project_code", "project_name", "cadre", "month_wan", "cum_wan", "stage",
                                     "procedures_done", "procedures_overdue", "open_problems"])
    ordered = weeks.sort_values(["project_code", "week_start"])
    latest = ordered.groupby("project_code").last()
    month_wan = ordered.groupby("project_code")["invest_week_wan"].sum()
    return (latest.assign(month_wan=month_wan, cum_wan=latest["invest_cum_wan"]).reset_index()
            [["project_code", "project_name", "cadre", "month_wan", "cum_wan", "stage", "procedures_done",
              "procedures_overdue", "open_problems"]])


def projects_paragraph(month: str, rows: pd.DataFrame) -> str:
    """One sentence on the key projects' month, written from the numbers."""
    label = f"{int(month[5:])}月"
    if rows.empty:
        return f"{label}无项目周报数据。"
    return (f"{label}共有{len(rows)}个重点项目报送周报，当月完成投资{fmt(rows['month_wan'].sum())}万元，"
            f"累计完成投资{fmt(rows['cum_wan'].sum())}万元；截至月末最近一周，已办结手续{int(rows['procedures_done'].sum())}项，"
            f"超期未办结手续{int(rows['procedures_overdue'].sum())}项，未解决问题{int(rows['open_problems'].sum())}个。")


def project_table_rows(rows: pd.DataFrame) -> list[list[str]]:
    """Table cells: 项目, 包联人, 本月完成投资, 累计完成投资, 建设阶段, 手续办结/超期."""
    return [[r.project_name, r.cadre, fmt(r.month_wan), fmt(r.cum_wan), r.stage,
             f"{int(r.procedures_done)}/{int(r.procedures_overdue)}"] for r in rows.itertuples()]


def problems_paragraph(problems: pd.DataFrame, as_of: dt.date) -> str:
    """How many problems are open and how many are past their deadline (限期办结) as of `as_of`."""
    if problems.empty:
        return "目前无未解决的项目问题。"
    overdue = int((pd.to_datetime(problems["deadline"]).dt.date < as_of).sum())
    return (f"目前尚有{len(problems)}个项目问题未解决，其中{overdue}个已超过办结时限，"
            "请责任领导督促责任单位限期办结。")


def problem_table_rows(problems: pd.DataFrame, names: dict[str, str], as_of: dt.date) -> list[list[str]]:
    """Table cells: 项目, 问题, 责任领导, 办结时限 (overdue ones marked), 状态; overdue first."""
    frame = problems.assign(due=pd.to_datetime(problems["deadline"]).dt.date)
    frame = frame.assign(overdue=frame["due"] < as_of).sort_values(["overdue", "due"], ascending=[False, True])
    return [[names.get(r.project_code, r.project_code), r.description, r.leader,
             r.due.isoformat() + ("（已超期）" if r.overdue else ""), r.status] for r in frame.itertuples()]
