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

from transforms import kinds
from transforms.findings import Finding, file_error
from transforms.kinds import Known
from transforms.staging.sheets import stage_table
from transforms.staging.workbook import StagedWorkbook, stage_workbook, wrong_kind_finding
from zhaoshang.intake import readers
from zhaoshang.intake.inbox import InboxFile, sha256_of
from zhaoshang.intake.validation import suite_findings, suite_parameters
from zhaoshang.settings import Settings

log = logging.getLogger(__name__)


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
    from_csv: bool = False  # staged from a CSV file (one table, no workbook around it)

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
    kind = kinds.kind_named(file.kind)
    spec = kind.contract
    raw = readers.read_submission(file.path, data)
    if isinstance(raw, readers.ReadFailure):
        # a text file where only workbooks are taken: that is the story, not the text's own trouble
        failure = not_a_workbook(spec, file.path.suffix.lower()) if raw.text and kind.csv_sheet is None else (
            file_error(raw.message, raw.fix))
        examined.findings.append(failure)
        return examined
    examined.raw = raw
    sheets = readers.sheet_rows(raw)
    guessed = kinds.guess_kind(sheets)  # a CSV too: a library table in a weekly folder is in the wrong folder, not short of columns
    if guessed and guessed != kind.name:
        examined.findings.append(wrong_kind_finding(spec, kinds.kind_named(guessed).contract))
        if raw.format != "csv":
            examined.staged = StagedWorkbook(kind=kind.name)
        return examined
    if raw.format == "csv" and kind.csv_sheet is not None:
        table = kind.csv_sheet
        raw.sheets = {table: readers.RawSheet(table, raw.sheets["CSV"].rows)}  # explanations name the sheet users know
        examined.staged = stage_csv(kind, raw.sheets[table].rows, codes)
        examined.from_csv = True
        examined.findings.extend(examined.staged.all_findings())
        return examined
    if raw.format == "csv":
        examined.findings.append(not_a_workbook(spec, file.path.suffix.lower()))
        return examined
    hidden = {name for name, sheet in raw.sheets.items() if sheet.hidden}
    examined.staged = stage_workbook(sheets, spec, codes, hidden)
    examined.findings.extend(examined.staged.all_findings())
    return examined


def stage_csv(kind: kinds.Kind, rows, codes: dict[str, str]) -> StagedWorkbook:
    """A CSV file of a kind that accepts one: the kind's own staging if it has one, else its CSV sheet as a table."""
    if hasattr(kind, "stage_csv"):
        return kind.stage_csv(rows, codes)
    sheet = kind.contract.sheet(kind.csv_sheet)
    staged = StagedWorkbook(kind=kind.name)
    staged.sheets[sheet.name] = stage_table(sheet.name, rows, sheet, codes)
    return staged


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def not_a_workbook(spec, suffix: str) -> Finding:
    """A text/CSV file where a workbook is required (the kind's workbook extensions named)."""
    if suffix in WORKBOOK_SUFFIXES:
        message = f"文件名是 {suffix}，但内容是纯文本，不是 Excel 工作簿。"
    else:
        accepted = [e for e in spec.extensions if e in WORKBOOK_SUFFIXES]
        listed = "、".join(accepted[:-1]) + f" 或 {accepted[-1]}" if len(accepted) > 1 else "".join(accepted)
        message = f"“{spec.title}”须为 Excel 工作簿（{listed}），不接受 CSV 或文本文件。"
    return file_error(message, f"请下载“{spec.title}”模板，在 Excel 或 WPS 中填写后以 .xlsx 格式保存再放入。")


def without_follow_ons(findings: Sequence[Finding]) -> list[Finding]:
    """A CSV refused as a whole (a file-level error from its staging) is not also told about its sheet's
    header or columns: those only restate the first error, about a worksheet a CSV does not have."""
    if not any(f.severity == "error" and not f.sheet for f in findings):
        return list(findings)
    return [f for f in findings if not f.sheet or f.col is not None]


def check_batch(batch: Sequence[Examined], settings: Settings, known: Known) -> None:
    """Run every suite once over the batch, then the cross-sheet rules of each file."""
    parameters = suite_parameters(settings)
    staged = [e for e in batch if e.staged is not None]
    for name, kind in kinds.KINDS.items():
        of_kind = [e for e in staged if e.staged.kind == name]
        for sheet in kind.contract.sheets:
            by_file = suite_findings([e.staged for e in of_kind], sheet, parameters, kind.expectations_dir)
            for index, found in by_file.items():
                of_kind[index].findings.extend(found)
    for examined in staged:  # a refused file's figures are no history
        if not examined.errors:
            kinds.kind_named(examined.staged.kind).add_to_known(examined.staged, known)
    known.group_of = known.group_of or {p.name: p.group for p in settings.people}
    known.group_names = known.group_names or {g.code: g.name for g in settings.groups}
    for examined in staged:
        examined.findings.extend(rule_findings(examined.staged, known))
        if examined.from_csv:
            examined.findings = without_follow_ons(examined.findings)


def rule_findings(staged: StagedWorkbook, known: Known) -> list[Finding]:
    """The cross-row, cross-sheet and cross-file rules of the file's kind."""
    return kinds.kind_named(staged.kind).rules(staged, known)


def in_reading_order(findings: Sequence[Finding], kind: str) -> list[Finding]:
    """File-level problems first, then sheet by sheet as the workbook is laid out, row by row, column by column."""
    order = {sheet.name: i for i, sheet in enumerate(kinds.kind_named(kind).contract.sheets)}
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
    return kinds.kind_named(staged.kind).subject_and_period(staged, received_at) if staged is not None else (None, None)
