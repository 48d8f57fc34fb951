"""The bulletin's key-projects and open-problems sections, from the weekly marts (pure)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from zhaoshang.reports.printed import number_text


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


def weeks_covered(weeks: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """The first Monday and the last Sunday of the weeks read (None when there are none)."""
    if weeks.empty:
        return None
    starts = pd.to_datetime(weeks["week_start"]).dt.date
    return min(starts), max(starts) + dt.timedelta(days=6)


def day_text(day: dt.date) -> str:
    """"9月5日"."""
    return f"{day.month}月{day.day}日"


def projects_paragraph(month: str, rows: pd.DataFrame, covered: tuple[dt.date, dt.date] | None = None) -> str:
    """One sentence on the key projects' month, written from the numbers, naming the weeks it covers."""
    label = f"{int(month[5:])}月"
    if rows.empty:
        return f"{label}无项目周报数据。"
    span = f"（统计{day_text(covered[0])}至{day_text(covered[1])}各周周报）" if covered else ""
    until = f"截至{day_text(covered[1])}" if covered else "截至月末最近一周"
    return (f"{label}共有{len(rows)}个重点项目报送周报{span}，当月完成投资{fmt(rows['month_wan'].sum())}万元；"
            f"{until}，累计完成投资{fmt(rows['cum_wan'].sum())}万元，已办结手续{int(rows['procedures_done'].sum())}项，"
            f"超期未办结手续{int(rows['procedures_overdue'].sum())}项，未解决问题{int(rows['open_problems'].sum())}个。")


def overdue_procedure_lines(rows: pd.DataFrame, covered: tuple[dt.date, dt.date] | None) -> tuple[list[str], list[str]]:
    """存在问题 and 要求 lines for projects with overdue procedures in their latest week (none: two empty lists)."""
    late = rows.loc[rows["procedures_overdue"].fillna(0) > 0]
    if late.empty:
        return [], []
    until = f"截至{day_text(covered[1])}" if covered else "截至月末最近一周"
    items = "、".join(f"{r.project_name}（包联人{r.cadre}）{int(r.procedures_overdue)}项" for r in late.itertuples())
    cadres = "、".join(dict.fromkeys(f"{r.cadre}（{r.project_name}）" for r in late.itertuples()))
    return ([f"项目手续办理滞后。{until}，{len(late)}个项目有超期未办结手续共{int(late['procedures_overdue'].sum())}项："
             f"{items}。"],
            [f"请包联人{cadres}对照倒排工期，协调审批部门尽快办结超期手续。"])


def overdue_problem_lines(problems: pd.DataFrame, names: dict[str, str], as_of: dt.date) -> tuple[list[str], list[str]]:
    """存在问题 and 要求 lines for open problems past their deadline as of `as_of` (none: two empty lists)."""
    if problems.empty:
        return [], []
    frame = problems.assign(due=pd.to_datetime(problems["deadline"]).dt.date)
    late = frame.loc[frame["due"] < as_of].sort_values(["due", "project_code"], kind="stable")
    if late.empty:
        return [], []
    items = "；".join(f"{names.get(r.project_code, r.project_code)}{r.category}问题（责任领导{r.leader}，"
                     f"办结时限{day_text(r.due) if r.due.year == as_of.year else r.due.isoformat()}）"
                     for r in late.itertuples())
    leaders = "、".join(dict.fromkeys(late["leader"]))
    return ([f"项目问题超过办结时限。截至{day_text(as_of)}，{len(late)}个项目问题已超过办结时限仍未解决：{items}。"],
            [f"请责任领导{leaders}督促责任单位对已超过办结时限的问题明确新的办结时间，限期办结。"])


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
