"""The gate every submission passes: read → stage → suites → cross-sheet rules → verdict.

Nothing reaches the warehouse from a file with an error; warnings load and are reported.
Works on a batch of files so each Great Expectations suite runs once per pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from transforms.findings import Finding, file_error
from transforms.rules import monthly as monthly_rules
from transforms.staging import submissions
from transforms.staging.workbook import StagedWorkbook, guess_kind, stage_workbook, wrong_kind_finding
from zhaoshang import readers
from zhaoshang.contract import WORKBOOKS
from zhaoshang.inbox import InboxFile, sha256_of
from zhaoshang.settings import Settings
from zhaoshang.validation import suite_findings, suite_parameters

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
    if raw.format == "csv" and ".csv" not in spec.extensions:
        guessed = guess_kind(sheets)
        examined.findings.append(wrong_kind_finding(spec, guessed) if guessed and guessed != spec.kind
                                 else not_a_workbook(spec, file.path.suffix.lower()))
        return examined
    examined.staged = stage_workbook(sheets, spec, codes)
    examined.findings.extend(examined.staged.all_findings())
    return examined


def not_a_workbook(spec, suffix: str) -> Finding:
    """A text/CSV file where an Excel workbook is required."""
    if suffix in (".xlsx", ".xls"):
        message = f"文件名是 {suffix}，但内容是纯文本，不是 Excel 工作簿。"
    else:
        message = f"“{spec.title}”须为 Excel 工作簿（.xlsx 或 .xls），不接受 CSV 或文本文件。"
    return file_error(message, f"请下载“{spec.title}”模板，在 Excel 或 WPS 中填写后以 .xlsx 格式保存再放入。")


def check_batch(batch: Sequence[Examined], settings: Settings, earlier_signings: pd.DataFrame) -> None:
    """Run every suite once over the batch, then the cross-sheet rules of each file."""
    parameters = suite_parameters(settings)
    staged = [e for e in batch if e.staged is not None]
    for kind, workbook in WORKBOOKS.items():
        of_kind = [e for e in staged if e.staged.kind == kind]
        for sheet in workbook.sheets:
            by_file = suite_findings([e.staged for e in of_kind], sheet, parameters)
            for index, found in by_file.items():
                of_kind[index].findings.extend(found)
    for examined in staged:
        examined.findings.extend(rule_findings(examined.staged, earlier_signings))


def rule_findings(staged: StagedWorkbook, earlier_signings: pd.DataFrame) -> list[Finding]:
    """The cross-row and cross-sheet rules of the file's kind."""
    if staged.kind == "月报":
        return (monthly_rules.dates_outside_month(staged)
                + monthly_rules.contacts_signed_without_signing(staged, earlier_signings))
    if staged.kind == "项目库":
        return submissions.duplicate_project_codes(staged)
    return []


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
