"""Cross-sheet and cross-week rules of the liaison cadres' weekly reports (DESIGN §3.2)."""

from __future__ import annotations

import bisect
import datetime as dt

import pandas as pd

from transforms.findings import Finding
from transforms.staging.submissions import basic_info
from transforms.staging.workbook import StagedWorkbook
from zhaoshang.contract import WEEKLY

CODED_SHEETS = ("项目进展", "手续办理", "问题清单")


def report_week(staged: StagedWorkbook) -> dt.date | None:
    """The reported week's Monday, if it could be read."""
    return basic_info(staged).get("week")


def unknown_project_codes(staged: StagedWorkbook, library_codes: set[str]) -> list[Finding]:
    """Every 项目编号 must exist in the project library."""
    findings = []
    for sheet_name in CODED_SHEETS:
        part = staged.sheets.get(sheet_name)
        if part is None or "project_code" not in part.columns:
            continue
        for row, code in zip(part.columns["_row"], part.columns["project_code"]):
            if code and code not in library_codes:
                findings.append(Finding(
                    "error", part.name, int(row), part.positions["project_code"], "项目编号", code,
                    f"项目编号“{code}”不在项目库中。",
                    "请核对编号；新项目请先由投资促进局录入项目库。"))
    return findings


def procedures_done_without_date(staged: StagedWorkbook) -> list[Finding]:
    """已办结 needs 实际办结日期, and that date is not after the report week (its Sunday)."""
    part, week = staged.sheets.get("手续办理"), report_week(staged)
    if part is None or "status" not in part.columns or "done_on" not in part.columns:
        return []
    header = WEEKLY.sheet("手续办理").column("done_on").header
    col = part.positions.get("done_on") or part.positions.get("status")
    findings = []
    for row, status, done_on in zip(part.columns["_row"], part.columns["status"], part.columns["done_on"]):
        if status != "已办结":
            continue
        if done_on is None:
            findings.append(Finding("error", part.name, int(row), col, header, "",
                                    "办理状态为“已办结”，但没有填写实际办结日期。", "请填写实际办结日期。"))
        elif week and done_on > week + dt.timedelta(days=6):
            findings.append(Finding("error", part.name, int(row), col, header, done_on.isoformat(),
                                    f"实际办结日期 {done_on.isoformat()} 晚于报告周（{week.isoformat()} 所在周）。",
                                    "已办结的日期不能晚于本周；尚未办结的请把状态改为“办理中”。"))
    return findings


def week_investment_above_cumulative(staged: StagedWorkbook) -> list[Finding]:
    """本周完成投资 cannot exceed 累计完成投资."""
    part = staged.sheets.get("项目进展")
    if part is None or not {"invest_week_wan", "invest_cum_wan"} <= set(part.columns):
        return []
    columns = part.columns
    return [Finding("error", part.name, row, part.positions["invest_week_wan"], "本周完成投资（万元）", f"{week:g}",
                    f"本周完成投资 {week:g} 万元大于累计完成投资 {cumulative:g} 万元。",
                    "累计完成投资应包含本周完成投资，请核对。")
            for row, week, cumulative in zip(columns["_row"], columns["invest_week_wan"], columns["invest_cum_wan"])
            if week is not None and cumulative is not None and week > cumulative]


def cumulative_history(history: pd.DataFrame) -> dict[str, list[tuple[dt.date, float]]]:
    """project → [(week, cumulative)] sorted by week, from rows project_code, week_start, invest_cum_wan."""
    index: dict[str, list[tuple[dt.date, float]]] = {}
    for code, week, cumulative in zip(history["project_code"], history["week_start"], history["invest_cum_wan"]):
        if week is not None and week == week:
            week = week if isinstance(week, dt.date) else dt.date.fromisoformat(str(week)[:10])
            index.setdefault(code, []).append((week, float(cumulative)))
    for weeks in index.values():
        weeks.sort()
    return index


def previous_report(weeks: list[tuple[dt.date, float]], week: dt.date) -> tuple[dt.date, float] | None:
    """The latest (week, cumulative) strictly before `week`."""
    at = bisect.bisect_left(weeks, (week, float("-inf")))
    return weeks[at - 1] if at else None


def cumulative_below_last_week(staged: StagedWorkbook, history: dict[str, list[tuple[dt.date, float]]]) -> list[Finding]:
    """累计完成投资 falling below the project's previous reported week is a warning.

    `history`: cumulative_history() of every other accepted report.
    """
    part, week = staged.sheets.get("项目进展"), report_week(staged)
    if part is None or week is None or not {"project_code", "invest_cum_wan"} <= set(part.columns):
        return []
    findings = []
    for row, code, cumulative in zip(part.columns["_row"], part.columns["project_code"], part.columns["invest_cum_wan"]):
        previous = previous_report(history.get(code, []), week)
        if previous and cumulative is not None and cumulative < previous[1]:
            findings.append(Finding(
                "warning", part.name, int(row), part.positions["invest_cum_wan"], "累计完成投资（万元）", f"{cumulative:g}",
                f"累计完成投资 {cumulative:g} 万元低于上次报告（{previous[0].isoformat()}）的 {previous[1]:g} 万元。",
                "累计数一般不应减少；如确需调减，请在备注中说明原因。"))
    return findings


def csv_rows_disagree(staged: StagedWorkbook) -> list[Finding]:
    """A CSV weekly report is one cadre's one week: every row must name the same 包联人 and 报告周."""
    part = staged.sheets.get("项目进展")
    if part is None or not part.record_count or not {"cadre", "week"} <= set(part.columns):
        return []
    first = {k: values[0] for k, values in part.columns.items()}
    findings = []
    for field, header in (("cadre", "包联人"), ("week", "报告周")):
        for row, value in zip(part.columns["_row"], part.columns[field]):
            if value is not None and value != first[field]:
                findings.append(Finding("error", part.name, int(row), part.positions[field], header, str(value),
                                        f"{header}与第{int(first['_row'])}行不一致（一份周报只能是一位包联人、一周）。",
                                        "请按包联人和报告周分别提交。"))
    return findings
