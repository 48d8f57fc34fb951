"""项目周报 — one workbook (or CSV) per liaison cadre per week (DESIGN §3.2).

Everything that is the weekly report's: its workbook and CSV form, its rules (codes in the
project library, procedures, cumulative investment), which submission a file is (cadre and
week), its tables, what is due (DESIGN §5 *What is due*) and who is reminded (the cadre).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace

import pandas as pd

from transforms.contract import (
    BUILD_STAGES,
    PROBLEM_CATEGORIES,
    PROBLEM_STATUSES,
    PROCEDURE_STATUSES,
    PROCEDURES,
    PROJECT_TYPES,
    Column,
    Sheet,
    Workbook,
)
from transforms.due import ACTIVE_PROJECT_STATUSES, digest_week_on, library_as_of, weekly_deadline, weekly_reports_due
from transforms.findings import Finding, file_error
from transforms.kinds.base import Calendar, Kind, Known, Person
from transforms.kinds.swaps import with_swap_hints
from transforms.staging.sheets import StagedSheet, stage_table
from transforms.staging.workbook import StagedWorkbook, basic_info

PROGRESS_COLUMNS = (
    Column("项目编号", "project_code", "text", True, hint="须为项目库中已有的编号"),
    Column("项目名称", "project_name", "text", True),
    Column("建设单位", "builder", "name", True),
    Column("项目类型", "project_type", "enum", True, PROJECT_TYPES),
    Column("计划总投资（万元）", "planned_wan", "wan", True),
    Column("本周完成投资（万元）", "invest_week_wan", "wan", True),
    Column("累计完成投资（万元）", "invest_cum_wan", "wan", True, hint="不得小于本周完成投资"),
    Column("建设阶段", "stage", "enum", True, BUILD_STAGES),
    Column("本周进展", "progress", "text", True),
    Column("存在问题", "issues", "text"),
    Column("需协调事项", "coordination", "text"),
    Column("责任领导", "leader", "name"),
)

CONTRACT = Workbook(
    kind="周报",
    title="项目周报",
    extensions=(".xlsx", ".xls", ".xlsb", ".ods", ".csv"),
    sheets=(
        Sheet(
            name="基本信息",
            layout="form",
            suite="weekly_basic",
            columns=(
                Column("包联人", "cadre", "person", True),
                Column("报告周", "week", "week", True, hint="填该周星期一的日期，如 2021-08-30，或 2021年第35周"),
                Column("填报日期", "filed_on", "date"),
            ),
        ),
        Sheet(name="项目进展", suite="weekly_progress", columns=PROGRESS_COLUMNS),
        Sheet(
            name="手续办理",
            suite="weekly_procedures",
            columns=(
                Column("项目编号", "project_code", "text", True),
                Column("手续名称", "procedure", "enum", True, PROCEDURES),
                Column("办理状态", "status", "enum", True, PROCEDURE_STATUSES),
                Column("计划办结日期", "planned_on", "date"),
                Column("实际办结日期", "done_on", "date", hint="办理状态为“已办结”时必填，且不晚于报告周"),
                Column("备注", "note", "text"),
            ),
        ),
        Sheet(
            name="问题清单",
            suite="weekly_problems",
            optional=True,
            columns=(
                Column("项目编号", "project_code", "text", True),
                Column("问题描述", "description", "text", True),
                Column("问题类别", "category", "enum", True, PROBLEM_CATEGORIES),
                Column("责任领导", "leader", "name", True),
                Column("责任单位", "unit", "text"),
                Column("办结时限", "deadline", "date", True),
                Column("办理状态", "status", "enum", True, PROBLEM_STATUSES),
                Column("备注", "note", "text"),
            ),
        ),
    ),
    instructions=(
        "每位包联人每周填报一份，于下周一12:00前放入共享文件夹 inbox/周报/。",
        "项目编号须为项目库中已有的编号；一份周报可填写多个项目。",
        "手续办理状态为“已办结”的，须填写实际办结日期，且不晚于报告周。",
        "本周完成投资不得大于累计完成投资；累计完成投资一般不应小于上周。",
        "也可提交 CSV 文件（仅含项目进展各列，另加“包联人”“报告周”两列）。",
    ),
)

# A CSV weekly report: the 项目进展 columns plus who and which week on every row.
CSV_EXTRA_COLUMNS = (
    Column("包联人", "cadre", "person", True),
    Column("报告周", "week", "week", True),
)


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
    header = CONTRACT.sheet("手续办理").column("done_on").header
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


def cumulative_history(history: pd.DataFrame, more: Iterable[tuple] = ()) -> dict[str, list[tuple[dt.date, float]]]:
    """project → [(week, cumulative)] sorted by week, from rows project_code, week_start, invest_cum_wan
    (and `more` such rows as tuples)."""
    index: dict[str, list[tuple[dt.date, float]]] = {}
    rows = zip(history["project_code"], history["week_start"], history["invest_cum_wan"])
    for code, week, cumulative in itertools.chain(rows, more):
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


def stage_csv(rows: Sequence[Sequence[object]], group_codes: dict[str, str]) -> StagedWorkbook:
    """A CSV weekly report: the 项目进展 columns plus 包联人 and 报告周 on every row.

    Staged into the same shape as a workbook: 项目进展 from the rows, and 基本信息 from
    the first record's 包联人/报告周 (every row must agree; see csv_rows_disagree).
    """
    progress = CONTRACT.sheet("项目进展")
    wide = replace(progress, columns=progress.columns + CSV_EXTRA_COLUMNS)
    staged = StagedWorkbook(kind=CONTRACT.kind)
    table = stage_table(progress.name, rows, wide, group_codes)
    staged.sheets[progress.name] = table
    if not table.record_count or "cadre" not in table.columns or "week" not in table.columns:
        staged.findings.append(file_error(
            "CSV 周报缺少“包联人”或“报告周”列，或没有任何数据行。",
            "请使用“项目周报（CSV模板）”，每行都填写包联人和报告周。"))
        return staged
    first = {k: values[0] for k, values in table.columns.items()}
    basic = StagedSheet(name=progress.name, layout_is_table=False, columns={
        "_row": [0], "cadre": [first["cadre"]], "week": [first["week"]], "filed_on": [None]})
    basic.positions = {"cadre": (int(first["_row"]), table.positions["cadre"]),
                       "week": (int(first["_row"]), table.positions["week"])}
    basic.unreadable = {(0, f) for r, f in table.unreadable if r == int(first["_row"]) and f in ("cadre", "week")}
    staged.sheets["基本信息"] = basic
    return staged


class Weekly(Kind):
    contract = CONTRACT
    facts = {"项目进展": "fact_project_week", "手续办理": "fact_procedure_week", "问题清单": "fact_problem_week"}
    header_table = "weekly_report"
    csv_sheet = "项目进展"
    csv_extra_columns = CSV_EXTRA_COLUMNS

    def stage_csv(self, rows: Sequence[Sequence[object]], group_codes: dict[str, str]) -> StagedWorkbook:
        return stage_csv(rows, group_codes)

    def subject_and_period(self, staged: StagedWorkbook, received_at: dt.datetime) -> tuple[str | None, str | None]:
        info = basic_info(staged)
        week = info.get("week")
        return info.get("cadre"), week.isoformat() if week else None

    def header(self, staged: StagedWorkbook) -> dict[str, object]:
        info = basic_info(staged)
        return {"cadre": info.get("cadre"), "week_start": info.get("week"), "filed_on": info.get("filed_on"),
                "procedures_reported": "手续办理" in staged.sheets}  # a CSV report has none: unknown, not zero

    def stamp(self, staged: StagedWorkbook, received_at: dt.datetime) -> dict[str, object]:
        info = basic_info(staged)
        week = info.get("week")
        return {"cadre": info.get("cadre"), "week_start": week, "week_end": week + dt.timedelta(days=6) if week else None}

    def submitter(self, staged: StagedWorkbook) -> str | None:
        return basic_info(staged).get("cadre")

    def add_to_known(self, staged: StagedWorkbook, known: Known) -> None:
        part = staged.sheets.get("项目进展")
        if part is None or not {"project_code", "invest_cum_wan"} <= set(part.columns):
            return
        # kept as plain rows and indexed with the warehouse's once, when the rules first need them: a
        # DataFrame joined per file copied the whole history each time (4.8 s of a zone-year)
        week = report_week(staged)
        known.cumulative_added.extend((code, week, cumulative) for code, cumulative
                                      in zip(part.columns["project_code"], part.columns["invest_cum_wan"]))
        known.history = None

    def rules(self, staged: StagedWorkbook, known: Known) -> list[Finding]:
        """The rules below; a row they refuse that two exchanged amounts would clear says so (swaps.py)."""
        return with_swap_hints(staged, self.contract, lambda s: self.row_rules(s, known))

    def row_rules(self, staged: StagedWorkbook, known: Known) -> list[Finding]:
        if known.history is None:
            known.history = cumulative_history(known.cumulative, known.cumulative_added)
        return (csv_rows_disagree(staged)
                + unknown_project_codes(staged, known.project_codes)
                + procedures_done_without_date(staged)
                + week_investment_above_cumulative(staged)
                + cumulative_below_last_week(staged, known.history))

    def due(self, calendar: Calendar, now: dt.datetime, snapshots: pd.DataFrame,
            first_received: dt.date | None) -> pd.DataFrame:
        first_week = calendar.weekly_start or first_received
        if first_week is None:
            return pd.DataFrame(columns=["kind", "subject", "period", "due_at"])
        return weekly_reports_due(self.name, snapshots, first_week, now, calendar.weekly_weekday, calendar.weekly_hour,
                                  calendar.is_workday)

    def deadline(self, period: str, calendar: Calendar) -> dt.datetime:
        return weekly_deadline(dt.date.fromisoformat(period), calendar.weekly_weekday, calendar.weekly_hour,
                               calendar.is_workday)

    def reminder_stage(self, now: dt.datetime, calendar: Calendar) -> tuple[str, str] | None:
        week = digest_week_on(now.date(), calendar.weekly_weekday, calendar.is_workday)
        if week is None:
            return None
        return week.isoformat(), "before" if now < self.deadline(week.isoformat(), calendar) else "after"

    def owing(self, period: str, calendar: Calendar, snapshots: pd.DataFrame, accepted: set[str]) -> list[str]:
        week = dt.date.fromisoformat(period)
        library = library_as_of(snapshots, dt.datetime.combine(week + dt.timedelta(days=7), dt.time()))
        if library.empty:  # before the first snapshot the earliest one stands in (DESIGN §5)
            library = earliest_snapshot(snapshots)
        cadres = sorted(set(library.loc[library["status"].isin(ACTIVE_PROJECT_STATUSES), "cadre"]))
        return [cadre for cadre in cadres if cadre not in accepted]

    def reminded(self, subject: str, people: Sequence[Person]) -> list[Person]:
        return [p for p in people if p.name == subject and p.email]

    def period_label(self, period: str) -> str:
        return f"{period}所在周的{self.title}"


def earliest_snapshot(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The first project-library snapshot's rows (empty when there is none)."""
    if snapshots.empty:
        return snapshots
    taken = pd.to_datetime(snapshots["snapshot_at"])
    return snapshots[taken == taken.min()]


KIND = Weekly()
