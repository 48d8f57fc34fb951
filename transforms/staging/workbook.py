"""Staging a whole submission: match its sheets to the contract and stage each one."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from transforms.findings import Finding, file_error
from transforms.staging import normalise as n
from transforms.staging.sheets import StagedSheet, header_row, stage_form, stage_table
from zhaoshang.contract import INSTRUCTIONS_SHEET, WEEKLY_CSV_EXTRA, WORKBOOKS, Workbook, header_key

Rows = Sequence[Sequence[object]]

# Sheet names that only one kind of workbook has: how a misplaced file is recognised.
_SIGNATURE_SHEETS = {"对接企业": "月报", "签约项目": "月报", "经费支出": "月报", "项目进展": "周报",
                     "手续办理": "周报", "问题清单": "周报", "项目库": "项目库", "评议得分": "述职评议"}


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


def guess_kind(sheets: Mapping[str, Rows]) -> str | None:
    """Which kind of workbook these sheets look like, by their signature sheet names or headers."""
    for name in sheets:
        kind = _SIGNATURE_SHEETS.get(header_key(name))
        if kind:
            return kind
    for rows in sheets.values():
        keys = {header_key(v) for row in rows[:HEADER_PEEK] for v in row}
        for kind, workbook in WORKBOOKS.items():
            table = next((s for s in workbook.sheets if s.layout == "table"), None)
            if table and sum(header_key(c.header) in keys for c in table.columns if c.required) >= 3:
                return kind
    return None


HEADER_PEEK = 15


def wrong_kind_finding(expected: Workbook, found_kind: str) -> Finding:
    """The file sits in the wrong inbox folder: say what it looks like and where it belongs."""
    found = WORKBOOKS[found_kind]
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
    guessed = guess_kind(sheets)
    if guessed and guessed != spec.kind:
        staged.findings.append(wrong_kind_finding(spec, guessed))
        return staged
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


def stage_weekly_csv(rows: Rows, group_codes: dict[str, str]) -> StagedWorkbook:
    """A CSV weekly report: the 项目进展 columns plus 包联人 and 报告周 on every row.

    Staged into the same shape as a workbook: 项目进展 from the rows, and 基本信息 from
    the first record's 包联人/报告周 (every row must agree; see rules.weekly).
    """
    spec = WORKBOOKS["周报"]
    progress = spec.sheet("项目进展")
    wide = replace(progress, columns=progress.columns + WEEKLY_CSV_EXTRA)
    staged = StagedWorkbook(kind="周报")
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
