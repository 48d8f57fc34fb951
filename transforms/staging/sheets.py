"""Staging: one raw sheet → typed records (one per data row, held as columns) plus findings.

Staging only locates, renames, casts and normalises; it applies no business rule.
Every record keeps `_row`, the Excel row it came from, for lineage and for
explanations. Rows that are blank or a 合计 line are skipped and counted.

Records are kept as plain column lists: a pass stages thousands of small sheets, and
building a DataFrame per sheet would cost more than the sheet's data. The batch steps
(suites, loading) join the columns of many files into one frame; per-file rules that
want a DataFrame get one from `StagedSheet.frame`, built on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from transforms.contract import TOTAL_ROW_MARKERS, Column, Sheet, header_key
from transforms.findings import Finding
from transforms.staging import normalise as n

HEADER_SEARCH_ROWS = 15
@dataclass
class StagedSheet:
    """A sheet after staging: typed records, problems found, rows skipped and why."""

    name: str
    columns: dict[str, list[object]] = field(default_factory=dict)  # `_row` and each field → values per record
    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    rows_read: int = 0
    # cells whose value could not be parsed: (row, field) — the suite does not re-report them
    unreadable: set[tuple[int, str]] = field(default_factory=set)
    # where each column sits: field → 1-based Excel column (for form sheets: field → (row, col))
    positions: dict[str, object] = field(default_factory=dict)
    layout_is_table: bool = True

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The records as a DataFrame (columns `_row` and the fields present)."""
        return pd.DataFrame(self.columns)

    @property
    def record_count(self) -> int:
        return len(self.columns.get("_row", ()))

    def first_record(self) -> dict[str, object]:
        """The first record's fields (a form sheet has exactly one); empty if there is none."""
        if not self.record_count:
            return {}
        return {k: values[0] for k, values in self.columns.items() if k != "_row"}


def cell_parser(column: Column, group_codes: dict[str, str]) -> Callable[[object], n.Parsed]:
    """The normaliser for a column's type."""
    if column.type == "group":
        return lambda v: _unreadable(v) or (n.normalise_group(v, group_codes) or None, None)
    return _PARSERS[column.type]


def _cleaned(clean: Callable[[object], object]) -> Callable[[object], n.Parsed]:
    """A parser from a cleaner that cannot fail (text, names, tokens): only an unreadable cell is a problem."""
    return lambda v: _unreadable(v) or (clean(v) or None, None)


_PARSERS: dict[str, Callable[[object], n.Parsed]] = {
    "text": _cleaned(n.clean_text),
    "name": _cleaned(n.clean_name),
    "person": _cleaned(n.clean_name),
    "enum": _cleaned(n.clean_token),
    "region": _cleaned(n.normalise_region),
    "date": n.parse_date,
    "month": n.parse_month,
    "week": n.parse_week,
    "half": n.parse_half,
    "score": n.parse_score,
    "wan": lambda v: n.parse_amount(v, "万元"),
    "yuan": lambda v: n.parse_amount(v, "元"),
}


def _unreadable(value: object) -> n.Parsed | None:
    """(None, why) for a cell with no usable value at all (#REF!, a formula never computed), else None."""
    problem = n.cell_problem(value)
    return (None, problem) if problem else None


def header_row(rows: Sequence[Sequence[object]], spec: Sheet) -> tuple[int, list[str]] | None:
    """(0-based index, header keys per column) of the row that best matches the spec's headers.

    A two-row header (a merged group title above the real headers) is read by letting
    an empty cell take the header written above it.
    """
    wanted = {header_key(c.header) for c in spec.columns}
    best: tuple[int, int, list[str]] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [header_key(v) for v in row]
        if i > 0:
            above = [header_key(v) for v in rows[i - 1]]
            keys = [k or (above[j] if j < len(above) else "") for j, k in enumerate(keys)]
        score = len(wanted & set(keys))
        if score and (best is None or score > best[0]):
            best = (score, i, keys)
        if score == len(wanted):
            break  # every header found: no later row can do better
    needed = max(2, sum(c.required for c in spec.columns) // 2)
    if best is None or best[0] < min(needed, len(wanted)):
        return None
    return best[1], best[2]


def skip_reason(row: Sequence[object]) -> str | None:
    """Why a data row is not a record: "空行" (blank) or "合计行" (a total line), else None."""
    if all(n.is_blank(v) for v in row):
        return "空行"
    leading = [n.clean_token(v) for v in row[:3] if not n.is_blank(v)]
    if leading and any(tok.startswith(TOTAL_ROW_MARKERS) for tok in leading[:2]):
        return "合计行"
    return None


def stage_table(name: str, rows: Sequence[Sequence[object]], spec: Sheet,
                group_codes: dict[str, str], row_offset: int = 0) -> StagedSheet:
    """Stage a table sheet: find the header, skip blank/合计 rows, normalise every cell."""
    last = _last_nonblank(rows)
    if last < 0:
        return StagedSheet(name=name)  # an empty sheet: nothing to report this period
    located = header_row(rows, spec)
    if located is None:
        return _missing_header(name, spec)
    head, keys = located
    col_of = {key: j for j, key in enumerate(keys) if key}
    findings: list[Finding] = []
    for column in spec.columns:
        if header_key(column.header) not in col_of and column.required:
            findings.append(Finding(
                "error", name, head + 1 + row_offset, None, column.header, "",
                f"缺少必填列“{column.header}”。",
                f"请使用最新模板，在第{head + 1 + row_offset}行表头中加入“{column.header}”列。",
            ))
    present = [(c, col_of[header_key(c.header)]) for c in spec.columns if header_key(c.header) in col_of]
    readers = [(c, j, cell_parser(c, group_codes)) for c, j in present]
    columns: dict[str, list[object]] = {"_row": [], **{c.field: [] for c, _ in present}}
    skipped: list[tuple[int, str]] = []
    unreadable: set[tuple[int, str]] = set()
    for i in range(head + 1, last + 1):
        row = rows[i]
        excel_row = i + 1 + row_offset
        reason = skip_reason(row)
        if reason:
            skipped.append((excel_row, reason))
            continue
        columns["_row"].append(excel_row)
        for column, j, parse in readers:
            raw = row[j] if j < len(row) else None
            value, problem = (None, None) if n.is_blank(raw) else parse(raw)
            if problem:
                unreadable.add((excel_row, column.field))
                findings.append(Finding(
                    "error", name, excel_row, j + 1, column.header, n.display(raw), problem.message, problem.fix,
                ))
            columns[column.field].append(value)
    return StagedSheet(name=name, columns=columns, findings=findings, skipped=skipped,
                       rows_read=last - head, unreadable=unreadable,
                       positions={c.field: j + 1 for c, j in present})


def _last_nonblank(rows: Sequence[Sequence[object]]) -> int:
    """0-based index of the last row holding anything (-1 if none)."""
    for i in range(len(rows) - 1, -1, -1):
        if not all(n.is_blank(v) for v in rows[i]):
            return i
    return -1


def _missing_header(name: str, spec: Sheet) -> StagedSheet:
    """A sheet in which no header row could be found."""
    expected = "、".join(c.header for c in spec.columns if c.required)
    return StagedSheet(name=name, findings=[Finding(
        "error", name, None, None, "", "",
        f"工作表“{name}”中找不到表头行（应包含：{expected}）。",
        "请使用系统提供的模板，不要修改表头文字。",
    )])


def stage_form(name: str, rows: Sequence[Sequence[object]], spec: Sheet,
               group_codes: dict[str, str]) -> StagedSheet:
    """Stage a two-column 项目 | 内容 sheet (基本信息) into a one-row frame."""
    wanted = {header_key(c.header): c for c in spec.columns}
    found: dict[str, tuple[int, int, object]] = {}
    for i, row in enumerate(rows):
        cells = [(j, v) for j, v in enumerate(row) if not n.is_blank(v)]
        if not cells or header_key(cells[0][1]) not in wanted:
            continue
        column = wanted[header_key(cells[0][1])]
        value_cell = cells[1] if len(cells) > 1 else (cells[0][0] + 1, None)
        found.setdefault(column.field, (i + 1, value_cell[0] + 1, value_cell[1]))
    findings: list[Finding] = []
    unreadable: set[tuple[int, str]] = set()
    positions: dict[str, object] = {}
    record: dict[str, object] = {"_row": 0}
    for column in spec.columns:
        if column.field not in found:
            record[column.field] = None
            if column.required:
                unreadable.add((0, column.field))
                findings.append(Finding(
                    "error", name, None, None, column.header, "",
                    f"缺少“{column.header}”一项。",
                    f"请在“{name}”表中增加一行：项目填“{column.header}”，内容填写相应信息。",
                ))
            continue
        row, col, raw = found[column.field]
        positions[column.field] = (row, col)
        value, problem = (None, None) if n.is_blank(raw) else cell_parser(column, group_codes)(raw)
        if problem:
            unreadable.add((0, column.field))
            findings.append(Finding("error", name, row, col, column.header, n.display(raw), problem.message, problem.fix))
        record[column.field] = value
    return StagedSheet(name=name, columns={k: [v] for k, v in record.items()}, findings=findings,
                       unreadable=unreadable, positions=positions, layout_is_table=False)  # a form holds no data rows
