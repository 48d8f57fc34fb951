"""The gate every submission passes: read → stage → suites → cross-sheet rules → verdict.

Nothing reaches the warehouse from a file with an error; warnings load and are reported.
Works on a batch of files so each Great Expectations suite runs once per pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from transforms.findings import Finding, file_error
from transforms.rules import monthly as monthly_rules
from transforms.rules import review as review_rules
from transforms.rules import weekly as weekly_rules
from transforms.staging import submissions
from transforms.staging.workbook import (
    StagedWorkbook,
    guess_kind,
    stage_weekly_csv,
    stage_workbook,
    wrong_kind_finding,
)
from zhaoshang import readers
from zhaoshang.contract import WORKBOOKS
from zhaoshang.inbox import InboxFile, sha256_of
from zhaoshang.settings import Settings
from zhaoshang.validation import suite_findings, suite_parameters

log = logging.getLogger(__name__)


@dataclass
class Known:
    """What the warehouse already holds that the cross-file rules compare against."""

    signings: pd.DataFrame  # group_code, month, enterprise — current signings
    project_codes: set[str]  # every code in any project-library snapshot
    cumulative: pd.DataFrame  # project_code, week_start, invest_cum_wan — current weekly reports
    group_of: dict[str, str | None] = field(default_factory=dict)  # roster: person → group code
    group_names: dict[str, str] = field(default_factory=dict)  # group code → Chinese name

    @classmethod
    def empty(cls) -> Known:
        return cls(pd.DataFrame(columns=["group_code", "month", "enterprise"]), set(),
                   pd.DataFrame(columns=["project_code", "week_start", "invest_cum_wan"]))


@dataclass
class Examined:
    """One inbox file after reading and checking: its bytes, what was read, what is wrong."""

    file: InboxFile
    data: bytes
    sha: str
    raw: readers.RawWorkbook | None = None
    staged: StagedWorkbook | None = None
    findings: list[Finding] = field(default_factory=list)
    archived: Path | None = None  # where the original goes in the archive once stored (if it passes)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def accepted(self) -> bool:
        return self.staged is not None and not self.errors


def group_codes(settings: Settings) -> dict[str, str]:
    """What people may write in 工作组 → the group's code (name, code, both as written)."""
    mapping = {}
    for group in settings.groups:
        mapping[group.name] = group.code
        mapping[group.code] = group.code
    return mapping


def read_file(file: InboxFile) -> tuple[bytes, str] | None:
    """The file's bytes and hash, or None if it vanished before we could read it."""
    try:
        data = file.path.read_bytes()
    except FileNotFoundError:
        return None
    return data, sha256_of(data)


def examine(file: InboxFile, data: bytes, sha: str, codes: dict[str, str]) -> Examined:
    """Read and stage one file; file-level problems become findings, never exceptions."""
    examined = Examined(file, data, sha)
    spec = WORKBOOKS[file.kind]
    raw = readers.read_submission(file.path, data)
    if isinstance(raw, readers.ReadFailure):
        examined.findings.append(file_error(raw.message, raw.fix))
        return examined
    examined.raw = raw
    sheets = readers.sheet_rows(raw)
    if raw.format == "csv" and spec.kind == "周报":
        table = spec.sheet("项目进展").name
        raw.sheets = {table: readers.RawSheet(table, raw.sheets["CSV"].rows)}  # explanations name the sheet users know
        examined.staged = stage_weekly_csv(raw.sheets[table].rows, codes)
        examined.findings.extend(examined.staged.all_findings())
        return examined
    if raw.format == "csv" and spec.kind == "述职评议":
        table = spec.sheets[0].name
        raw.sheets = {table: readers.RawSheet(table, raw.sheets["CSV"].rows)}
        sheets = readers.sheet_rows(raw)
    if raw.format == "csv" and ".csv" not in spec.extensions:
        guessed = guess_kind(sheets)
        examined.findings.append(wrong_kind_finding(spec, guessed) if guessed and guessed != spec.kind
                                 else not_a_workbook(spec, file.path.suffix.lower()))
        return examined
    hidden = {name for name, sheet in raw.sheets.items() if sheet.hidden}
    examined.staged = stage_workbook(sheets, spec, codes, hidden)
    examined.findings.extend(examined.staged.all_findings())
    return examined


def not_a_workbook(spec, suffix: str) -> Finding:
    """A text/CSV file where an Excel workbook is required."""
    if suffix in (".xlsx", ".xls"):
        message = f"文件名是 {suffix}，但内容是纯文本，不是 Excel 工作簿。"
    else:
        message = f"“{spec.title}”须为 Excel 工作簿（.xlsx 或 .xls），不接受 CSV 或文本文件。"
    return file_error(message, f"请下载“{spec.title}”模板，在 Excel 或 WPS 中填写后以 .xlsx 格式保存再放入。")


def check_batch(batch: Sequence[Examined], settings: Settings, known: Known) -> None:
    """Run every suite once over the batch, then the cross-sheet rules of each file."""
    parameters = suite_parameters(settings)
    staged = [e for e in batch if e.staged is not None]
    for kind, workbook in WORKBOOKS.items():
        of_kind = [e for e in staged if e.staged.kind == kind]
        for sheet in workbook.sheets:
            by_file = suite_findings([e.staged for e in of_kind], sheet, parameters)
            for index, found in by_file.items():
                of_kind[index].findings.extend(found)
    known = with_batch(known, [e.staged for e in staged if not e.errors])  # a refused file's figures are no history
    history = weekly_rules.cumulative_history(known.cumulative)
    known.group_of = known.group_of or {p.name: p.group for p in settings.people}
    known.group_names = known.group_names or {g.code: g.name for g in settings.groups}
    for examined in staged:
        examined.findings.extend(rule_findings(examined.staged, known, history))


def with_batch(known: Known, staged: Sequence[StagedWorkbook]) -> Known:
    """What the warehouse holds plus what this batch brings (library codes, weekly cumulative figures)."""
    codes = set(known.project_codes)
    weekly = {"project_code": [], "week_start": [], "invest_cum_wan": []}
    for workbook in staged:
        part = workbook.sheets.get("项目库" if workbook.kind == "项目库" else "项目进展")
        if part is None or "project_code" not in part.columns:
            continue
        if workbook.kind == "项目库":
            codes |= {code for code in part.columns["project_code"] if code is not None}
        elif workbook.kind == "周报" and "invest_cum_wan" in part.columns:
            weekly["project_code"] += part.columns["project_code"]
            weekly["invest_cum_wan"] += part.columns["invest_cum_wan"]
            weekly["week_start"] += [weekly_rules.report_week(workbook)] * part.record_count
    frames = [frame for frame in (known.cumulative, pd.DataFrame(weekly)) if len(frame)]
    cumulative = pd.concat(frames, ignore_index=True) if len(frames) == 2 else (frames or [known.cumulative])[0]
    return Known(known.signings, codes, cumulative, known.group_of, known.group_names)


def rule_findings(staged: StagedWorkbook, known: Known, history: dict | None = None) -> list[Finding]:
    """The cross-row and cross-sheet rules of the file's kind."""
    if staged.kind == "月报":
        return (monthly_rules.dates_outside_month(staged)
                + monthly_rules.contacts_signed_without_signing(staged, known.signings))
    if staged.kind == "项目库":
        return submissions.duplicate_project_codes(staged)
    if staged.kind == "周报":
        return (weekly_rules.csv_rows_disagree(staged)
                + weekly_rules.unknown_project_codes(staged, known.project_codes)
                + weekly_rules.procedures_done_without_date(staged)
                + weekly_rules.week_investment_above_cumulative(staged)
                + weekly_rules.cumulative_below_last_week(
                    staged, history if history is not None else weekly_rules.cumulative_history(known.cumulative)))
    if staged.kind == "述职评议":
        return (review_rules.mixed_halves(staged) + review_rules.repeated_rater(staged)
                + review_rules.group_not_the_persons(staged, known.group_of, known.group_names))
    return []


def in_reading_order(findings: Sequence[Finding], kind: str) -> list[Finding]:
    """File-level problems first, then sheet by sheet as the workbook is laid out, row by row, column by column."""
    order = {sheet.name: i for i, sheet in enumerate(WORKBOOKS[kind].sheets)}
    return sorted(findings, key=lambda f: (f.sheet != "", order.get(f.sheet, len(order)), f.sheet,
                                           f.row or 0, f.col or 0))


def rows_with_errors(examined: Examined) -> int:
    """Data rows refused: every data row of a rejected file (the file is refused whole)."""
    if examined.staged is None or examined.accepted:
        return 0
    return examined.staged.rows_read - examined.staged.rows_skipped


def skipped_rows(staged: StagedWorkbook | None) -> list[tuple[str, int, str]]:
    """(sheet, row, reason) of every blank or 合计 row skipped."""
    if staged is None:
        return []
    return [(part.name, row, reason) for part in staged.sheets.values() for row, reason in part.skipped]


def describe_period(staged: StagedWorkbook | None, received_at: dt.datetime) -> tuple[str | None, str | None]:
    """(subject, period) when they could be read, for the ledger (also for rejected files)."""
    return submissions.subject_and_period(staged, received_at) if staged is not None else (None, None)
