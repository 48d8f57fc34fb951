"""Staging a whole submission: match its sheets to the contract and stage each one."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from transforms.contract import INSTRUCTIONS_SHEET, Workbook, header_key
from transforms.findings import Finding, file_error
from transforms.staging import normalise as n
from transforms.staging.sheets import StagedSheet, header_row, stage_form, stage_table

Rows = Sequence[Sequence[object]]

@dataclass
class StagedWorkbook:
    """Every sheet of one submission after staging, plus file-level findings."""

    kind: str
    sheets: dict[str, StagedSheet] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def all_findings(self) -> list[Finding]:
        """File-level and sheet-level findings together, in sheet order."""
        return self.findings + [f for s in self.sheets.values() for f in s.findings]

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets.values())

    @property
    def rows_skipped(self) -> int:
        return sum(len(s.skipped) for s in self.sheets.values())


def sheet_lookup(sheets: Mapping[str, Rows]) -> dict[str, str]:
    """Canonical sheet name → actual name, tolerating stray spaces and full-width forms."""
    return {header_key(name): name for name in sheets}


def wrong_kind_finding(expected: Workbook, found: Workbook) -> Finding:
    """The file sits in the wrong inbox folder: say what it looks like and where it belongs."""
    return file_error(
        f"此文件看起来是“{found.title}”，却放在了“{expected.kind}”文件夹中。",
        f"请把它放入 inbox/{found.kind}/ 文件夹。",
    )


def stage_workbook(sheets: Mapping[str, Rows], spec: Workbook, group_codes: dict[str, str],
                   hidden: Collection[str] = ()) -> StagedWorkbook:
    """Stage every sheet the contract names; missing required sheets are file-level errors.

    What the submitter cannot see is not loaded: a contract sheet that is hidden (`hidden`:
    names of hidden sheets) and holds data is refused, not read. What the submitter can see
    is not silently left out: a visible sheet carrying a contract table's headers and data
    under another name (a copy such as 对接企业（8月）) is refused too.
    """
    staged = StagedWorkbook(kind=spec.kind)
    lookup = sheet_lookup(sheets)
    used: set[str] = set()
    for sheet in spec.sheets:
        actual = lookup.get(header_key(sheet.name))
        if actual is not None and actual in hidden and _rows_with_content(sheets[actual]) > 1:
            used.add(actual)
            staged.findings.append(file_error(
                f"工作表“{actual}”是隐藏的，其中有数据，系统不会读取隐藏的工作表。",
                "请取消隐藏，核对其中是否为本期数据：是则保留（不要隐藏），否则删除这个工作表。"))
            continue
        if actual is None:
            if not sheet.optional:
                staged.findings.append(file_error(
                    f"缺少工作表“{sheet.name}”。",
                    f"请使用“{spec.title}”模板；没有内容的工作表也请保留（只留表头）。",
                ))
            continue
        used.add(actual)
        stage = stage_form if sheet.layout == "form" else stage_table
        staged.sheets[sheet.name] = stage(actual, sheets[actual], sheet, group_codes)
    staged.findings.extend(misnamed_tables(sheets, spec, used, hidden))
    return staged  # other sheets (填报说明, notes, pivots) are allowed and not read


_NOT_DATA_SHEETS = {header_key(INSTRUCTIONS_SHEET), header_key("下拉选项")}


def misnamed_tables(sheets: Mapping[str, Rows], spec: Workbook, used: Collection[str],
                    hidden: Collection[str]) -> list[Finding]:
    """Visible extra sheets holding one of the contract's tables (every required header, and data)."""
    findings = []
    tables = [s for s in spec.sheets if s.layout == "table"]
    for name, rows in sheets.items():
        if name in used or name in hidden or header_key(name) in _NOT_DATA_SHEETS:
            continue
        for table in tables:
            located = header_row(rows, table)
            if located is None or _rows_with_content(rows[located[0] + 1:]) == 0:
                continue
            if all(header_key(c.header) in located[1] for c in table.columns if c.required):
                findings.append(file_error(
                    f"工作表“{name}”的表头与“{table.name}”相同，但名称不是“{table.name}”，系统不会读取它。",
                    f"请把本期数据填在“{table.name}”工作表中，并删除多余的工作表。"))
                break
    return findings


def _rows_with_content(rows: Rows) -> int:
    """Rows holding anything at all."""
    return sum(1 for row in rows if not all(n.is_blank(v) for v in row))


def basic_info(staged: StagedWorkbook) -> dict[str, object]:
    """The 基本信息 fields of a staged workbook as a plain dict (empty if the sheet is missing)."""
    basic = staged.sheets.get("基本信息")
    return basic.first_record() if basic is not None else {}
