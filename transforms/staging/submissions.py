"""Per-kind shaping of a staged workbook into warehouse rows: who/which period, header, facts.

Grain of the fact columns: one record per sheet row, `_row` being its Excel row.
"""

from __future__ import annotations

import datetime as dt

from transforms.findings import Finding
from transforms.staging.workbook import StagedWorkbook

# contract sheet → warehouse fact table, per kind
FACT_SHEETS = {
    "月报": {"对接企业": "fact_contact", "签约项目": "fact_signing", "经费支出": "fact_expense"},
    "项目库": {"项目库": "project_snapshot"},
    "周报": {"项目进展": "fact_project_week", "手续办理": "fact_procedure_week", "问题清单": "fact_problem_week"},
    "述职评议": {"评议得分": "fact_review_score"},
}
REVIEW_SUBJECT = "述职评议"  # one submission per half-year, from the office


def basic_info(staged: StagedWorkbook) -> dict[str, object]:
    """The 基本信息 fields of a staged workbook as a plain dict (empty if the sheet is missing)."""
    basic = staged.sheets.get("基本信息")
    return basic.first_record() if basic is not None else {}


def subject_and_period(staged: StagedWorkbook, received_at: dt.datetime) -> tuple[str | None, str | None]:
    """Which submission a file is: (group, month) for 月报; the snapshot day for 项目库."""
    if staged.kind == "月报":
        info = basic_info(staged)
        return info.get("group_code"), info.get("month")
    if staged.kind == "项目库":
        return "项目库", received_at.date().isoformat()
    if staged.kind == "周报":
        info = basic_info(staged)
        week = info.get("week")
        return info.get("cadre"), week.isoformat() if week else None
    if staged.kind == "述职评议":
        halves = review_halves(staged)
        return REVIEW_SUBJECT, halves[0] if len(halves) == 1 else None
    return None, None


def review_halves(staged: StagedWorkbook) -> list[str]:
    """The distinct 考核期 in a review-score file (one expected)."""
    part = staged.sheets.get("评议得分")
    if part is None or "half" not in part.columns:
        return []
    return sorted({half for half in part.columns["half"] if half is not None})


def weekly_header(staged: StagedWorkbook) -> dict[str, object]:
    """The weekly_report row: cadre, week_start, filed_on."""
    info = basic_info(staged)
    return {"cadre": info.get("cadre"), "week_start": info.get("week"), "filed_on": info.get("filed_on")}


def report_header(staged: StagedWorkbook) -> tuple[str, dict[str, object]] | None:
    """(table, row) of the per-report header table for kinds that have one."""
    if staged.kind == "月报":
        return "monthly_report", monthly_header(staged)
    if staged.kind == "周报":
        return "weekly_report", weekly_header(staged)
    return None


def monthly_header(staged: StagedWorkbook) -> dict[str, object]:
    """The monthly_report row: group, month, reporter, phone, filed_on."""
    info = basic_info(staged)
    return {k: info.get(k) for k in ("group_code", "month", "reporter", "phone", "filed_on")}


def fact_columns(staged: StagedWorkbook) -> dict[str, dict[str, list[object]]]:
    """Fact rows per warehouse table, as staged columns (the submission's keys are in `fact_stamp`)."""
    return {table: staged.sheets[sheet_name].columns
            for sheet_name, table in FACT_SHEETS.get(staged.kind, {}).items() if sheet_name in staged.sheets}


def fact_stamp(staged: StagedWorkbook, received_at: dt.datetime) -> dict[str, object]:
    """The submission's keys, stamped on every fact row it brings (group and month, the weekly
    report's cadre and week, the library snapshot's time)."""
    info = basic_info(staged)
    if staged.kind == "月报":
        return {"group_code": info.get("group_code"), "month": info.get("month")}
    if staged.kind == "项目库":
        return {"snapshot_at": received_at}
    if staged.kind == "周报":
        week = info.get("week")
        return {"cadre": info.get("cadre"), "week_start": week, "week_end": week + dt.timedelta(days=6) if week else None}
    return {}


def duplicate_project_codes(staged: StagedWorkbook) -> list[Finding]:
    """A project code listed twice in one library snapshot: every repeat is an error."""
    part = staged.sheets.get("项目库")
    if part is None or part.frame.empty or "project_code" not in part.frame:
        return []
    frame = part.frame
    repeats = frame[frame["project_code"].notna() & frame.duplicated("project_code", keep="first")]
    return [
        Finding("error", part.name, int(row), part.positions["project_code"], "项目编号", code,
                f"项目编号“{code}”在项目库中重复出现。", "每个项目只保留一行；编号不同的项目请改用新编号。")
        for row, code in zip(repeats["_row"], repeats["project_code"])
    ]


def submitter(staged: StagedWorkbook | None) -> str | None:
    """Who sent the file, as it says itself: 填报人 of a monthly report, 包联人 of a weekly one."""
    if staged is None:
        return None
    info = basic_info(staged)
    return info.get("reporter") or info.get("cadre")
