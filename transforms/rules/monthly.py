"""Cross-row and cross-sheet rules of the groups' monthly report (DESIGN §3.1)."""

from __future__ import annotations

import pandas as pd

from transforms.findings import Finding
from transforms.staging.workbook import StagedWorkbook
from zhaoshang.contract import MONTHLY

# sheet → the date column that must fall inside 报告月份
DATED_SHEETS = {"对接企业": "contact_date", "签约项目": "signed_on", "经费支出": "spent_on"}


def report_month(staged: StagedWorkbook) -> str | None:
    """The 报告月份 of a staged monthly report ("YYYY-MM"), if it could be read."""
    basic = staged.sheets.get("基本信息")
    if basic is None or basic.frame.empty:
        return None
    return basic.frame.iloc[0].get("month")


def dates_outside_month(staged: StagedWorkbook) -> list[Finding]:
    """Contacts, signings and spending dated outside the report month are errors."""
    month = report_month(staged)
    if not month:
        return []
    findings = []
    for sheet_name, field in DATED_SHEETS.items():
        part = staged.sheets.get(sheet_name)
        if part is None or part.frame.empty or field not in part.frame:
            continue
        header = MONTHLY.sheet(sheet_name).column(field).header
        for row, day in zip(part.frame["_row"], part.frame[field]):
            if day is None or day != day or f"{day.year:04d}-{day.month:02d}" == month:
                continue
            findings.append(Finding(
                "error", part.name, int(row), part.positions[field], header, day.isoformat(),
                f"{header} {day.isoformat()} 不在报告月份 {month} 之内。",
                f"本月报只填写 {month} 发生的事项；其他月份的请填入相应月份的月报。",
            ))
    return findings


def signed_enterprises(staged: StagedWorkbook) -> set[str]:
    """Enterprises with a row in this report's 签约项目."""
    part = staged.sheets.get("签约项目")
    if part is None or part.frame.empty or "enterprise" not in part.frame:
        return set()
    return set(part.frame["enterprise"].dropna())


def contacts_signed_without_signing(staged: StagedWorkbook, earlier_signings: pd.DataFrame) -> list[Finding]:
    """A contact at 已签约 with no 签约项目 row this month or earlier (same group): a warning.

    `earlier_signings`: columns group_code, month, enterprise — signings already accepted.
    """
    part = staged.sheets.get("对接企业")
    month = report_month(staged)
    basic = staged.sheets.get("基本信息")
    if part is None or part.frame.empty or not month or basic is None or "stage" not in part.frame:
        return []
    group = basic.frame.iloc[0].get("group_code")
    known = signed_enterprises(staged) | set(
        earlier_signings.loc[(earlier_signings["group_code"] == group) & (earlier_signings["month"] <= month), "enterprise"]
    )
    header = MONTHLY.sheet("对接企业").column("stage").header
    return [
        Finding("warning", part.name, int(row), part.positions["stage"], header, "已签约",
                f"企业“{enterprise}”对接阶段为“已签约”，但本月及以前月份的“签约项目”中没有它的签约记录。",
                "请在“签约项目”中补填签约信息，或核对对接阶段。")
        for row, enterprise, stage in zip(part.frame["_row"], part.frame["enterprise"], part.frame["stage"])
        if stage == "已签约" and enterprise not in known
    ]
