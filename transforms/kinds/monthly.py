"""招商工作月报 — one workbook per group per month (DESIGN §3.1).

Everything that is the monthly report's: its workbook, its rules, which submission a file is
(group and month), its tables, what is due (every group, every month from the configured start,
by the 5th of the next month, moved past holidays) and who is reminded (the group's secretaries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from transforms.contract import AGREEMENT_TYPES, CONTACT_METHODS, CONTACT_STAGES, EXPENSE_CATEGORIES, Column, Sheet, Workbook
from transforms.due import monthly_deadline, monthly_reminder_stage, monthly_reports_due
from transforms.findings import Finding
from transforms.kinds.base import Calendar, Kind, Known, Person
from transforms.staging.workbook import StagedWorkbook, basic_info

CONTRACT = Workbook(
    kind="月报",
    title="招商工作月报",
    extensions=(".xlsx", ".xls", ".xlsb", ".ods"),
    sheets=(
        Sheet(
            name="基本信息",
            layout="form",
            suite="monthly_basic",
            columns=(
                Column("工作组", "group_code", "group", True, hint="填写工作组全称，如“装备制造组”"),
                Column("报告月份", "month", "month", True, hint="如 2021-08 或 2021年8月"),
                Column("填报人", "reporter", "person", True),
                Column("联系电话", "phone", "text"),
                Column("填报日期", "filed_on", "date"),
            ),
        ),
        Sheet(
            name="对接企业",
            suite="monthly_contacts",
            columns=(
                Column("序号", "seq", "text"),
                Column("企业名称", "enterprise", "name", True),
                Column("所在地区", "region", "region", True, hint="省级行政区名称，或“境外”"),
                Column("所属产业", "industry", "text", True),
                Column("对接日期", "contact_date", "date", True, hint="须在报告月份之内"),
                Column("对接方式", "method", "enum", True, CONTACT_METHODS),
                Column("对接人", "contact_person", "person", True, hint="须为人员名单中的人员"),
                Column("洽谈内容", "content", "text"),
                Column("意向投资额（万元）", "intended_wan", "wan"),
                Column("对接阶段", "stage", "enum", True, CONTACT_STAGES),
                Column("备注", "note", "text"),
            ),
        ),
        Sheet(
            name="签约项目",
            suite="monthly_signings",
            columns=(
                Column("序号", "seq", "text"),
                Column("项目名称", "project_name", "text", True),
                Column("签约企业", "enterprise", "name", True),
                Column("签约日期", "signed_on", "date", True, hint="须在报告月份之内"),
                Column("协议类型", "agreement", "enum", True, AGREEMENT_TYPES),
                Column("协议投资额（万元）", "investment_wan", "wan", True),
                Column("所属产业", "industry", "text", True),
                Column("建设内容", "content", "text"),
                Column("计划开工日期", "planned_start", "date"),
                Column("包联人", "liaison", "name"),
                Column("备注", "note", "text"),
            ),
        ),
        Sheet(
            name="经费支出",
            suite="monthly_expenses",
            columns=(
                Column("序号", "seq", "text"),
                Column("支出日期", "spent_on", "date", True, hint="须在报告月份之内"),
                Column("支出类别", "category", "enum", True, EXPENSE_CATEGORIES),
                Column("金额（元）", "amount_yuan", "yuan", True),
                Column("事由", "purpose", "text", True),
                Column("经办人", "handler", "person", True, hint="须为人员名单中的人员"),
            ),
        ),
    ),
    instructions=(
        "每个工作组每月填报一份，于次月5日前放入共享文件夹 inbox/月报/。",
        "带 * 的列为必填项；有下拉列表的列请从列表中选择。",
        "对接日期、签约日期、支出日期须在报告月份之内。",
        "对接人、经办人须为人员名单中的人员；金额不得为负数。",
        "金额可写作 1200、1,200、1.2万 或 12000元；日期可写作 2021-08-03、2021/8/3、2021年8月3日。",
        "对接阶段为“已签约”的企业，应在本月或以前月份的“签约项目”中有对应记录。",
        "如需更正，修改后重新放入即可，系统以最后收到的版本为准。",
    ),
)


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
        header = CONTRACT.sheet(sheet_name).column(field).header
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
    header = CONTRACT.sheet("对接企业").column("stage").header
    return [
        Finding("warning", part.name, int(row), part.positions["stage"], header, "已签约",
                f"企业“{enterprise}”对接阶段为“已签约”，但本月及以前月份的“签约项目”中没有它的签约记录。",
                "请在“签约项目”中补填签约信息，或核对对接阶段。")
        for row, enterprise, stage in zip(part.frame["_row"], part.frame["enterprise"], part.frame["stage"])
        if stage == "已签约" and enterprise not in known
    ]


class Monthly(Kind):
    contract = CONTRACT
    facts = {"对接企业": "fact_contact", "签约项目": "fact_signing", "经费支出": "fact_expense"}
    header_table = "monthly_report"

    def subject_and_period(self, staged: StagedWorkbook, received_at: dt.datetime) -> tuple[str | None, str | None]:
        info = basic_info(staged)
        return info.get("group_code"), info.get("month")

    def header(self, staged: StagedWorkbook) -> dict[str, object]:
        info = basic_info(staged)
        return {k: info.get(k) for k in ("group_code", "month", "reporter", "phone", "filed_on")}

    def stamp(self, staged: StagedWorkbook, received_at: dt.datetime) -> dict[str, object]:
        info = basic_info(staged)
        return {"group_code": info.get("group_code"), "month": info.get("month")}

    def submitter(self, staged: StagedWorkbook) -> str | None:
        return basic_info(staged).get("reporter")

    def rules(self, staged: StagedWorkbook, known: Known) -> list[Finding]:
        return dates_outside_month(staged) + contacts_signed_without_signing(staged, known.signings)

    def due(self, calendar: Calendar, now: dt.datetime, snapshots: pd.DataFrame,
            first_received: dt.date | None) -> pd.DataFrame:
        return monthly_reports_due(self.name, calendar.groups, calendar.reporting_start, now, calendar.monthly_day,
                                   calendar.is_workday)

    def deadline(self, period: str, calendar: Calendar) -> dt.datetime:
        return monthly_deadline(period, calendar.monthly_day, calendar.is_workday)

    def reminder_stage(self, now: dt.datetime, calendar: Calendar) -> tuple[str, str] | None:
        stage = monthly_reminder_stage(now.date(), calendar.monthly_day, calendar.is_workday)
        return stage if stage and now.hour < 12 else None  # monthly reminders go out in the morning

    def owing(self, period: str, calendar: Calendar, snapshots: pd.DataFrame, accepted: set[str]) -> list[str]:
        return [code for code in calendar.groups if code not in accepted]

    def reminded(self, subject: str, people: Sequence[Person]) -> list[Person]:
        return [p for p in people if "secretary" in p.roles and p.group == subject and p.email]

    def period_label(self, period: str) -> str:
        return f"{period[:4]}年{int(period[5:7])}月{self.title}"


KIND = Monthly()
