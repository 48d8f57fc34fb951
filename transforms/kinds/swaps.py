"""A hint when two columns look swapped: the row would pass the kind's rules with their values exchanged.

E.g. a weekly report's 本周完成投资 35480 and 累计完成投资 700 where the previous week's 累计 was
34780: the rule "本周 ≤ 累计" refuses the row (and 累计 falls below last week's), while the two
values exchanged pass every rule. The findings on that row then close their 修改建议 with

    两列可能填反：“本周完成投资（万元）”填的是 35480，“累计完成投资（万元）”填的是 700，两者对调后即符合要求，请核对。

Only two numeric columns of the same type (两个万元数, 两个元数, 两个得分) are tried, so the
column-level checks (a number ≥ 0 …) hold either way, and the two must take in every amount column a
finding on the row points at. Pure: takes a staged workbook and the kind's rules, returns findings.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace

from transforms.contract import Workbook
from transforms.findings import Finding
from transforms.staging.sheets import StagedSheet
from transforms.staging.workbook import StagedWorkbook

NUMERIC_TYPES = ("wan", "yuan", "score")
MAX_ROWS_TRIED = 50  # rows per file searched for a swap: a file wrong on every row gets no hint past these
Rules = Callable[[StagedWorkbook], list[Finding]]


def swap_hint(first: str, first_value: float, second: str, second_value: float) -> str:
    """The sentence added to 修改建议."""
    return (f"两列可能填反：“{first}”填的是 {first_value:g}，“{second}”填的是 {second_value:g}，"
            "两者对调后即符合要求，请核对。")


def with_swap_hints(staged: StagedWorkbook, contract: Workbook, rules: Rules,
                    findings: Sequence[Finding] | None = None) -> list[Finding]:
    """`rules(staged)` (or the `findings` it returned), each finding on a row that would pass `rules`
    with two of its numeric columns exchanged getting the swap hint after its own 修改建议."""
    found = list(rules(staged) if findings is None else findings)
    hints: dict[tuple[str, int], tuple[set[int], str]] = {}
    tried = 0
    for (sheet_name, row), on_row in _failing_rows(found).items():
        part = staged.sheets.get(sheet_name)
        if part is None or not part.layout_is_table or tried >= MAX_ROWS_TRIED:
            continue
        tried += 1
        swap = _passing_swap(staged, part, contract, row, on_row, rules)
        if swap is not None:
            hints[(sheet_name, row)] = swap
    if not hints:
        return found
    out = []
    for finding in found:
        hint = hints.get((finding.sheet, finding.row))
        if hint is not None and finding.col in hint[0]:
            fix = f"{finding.fix}{'；' if finding.fix and not finding.fix.endswith('。') else ''}{hint[1]}"
            finding = replace(finding, fix=fix)
        out.append(finding)
    return out


def _failing_rows(findings: Sequence[Finding]) -> dict[tuple[str, int], list[Finding]]:
    """The findings of every row that has an error, by (sheet, row), in order."""
    rows: dict[tuple[str, int], list[Finding]] = {}
    for finding in findings:
        if finding.sheet and finding.row is not None:
            rows.setdefault((finding.sheet, finding.row), []).append(finding)
    return {key: on_row for key, on_row in rows.items() if any(f.severity == "error" for f in on_row)}


def _passing_swap(staged: StagedWorkbook, part: StagedSheet, contract: Workbook, row: int,
                  on_row: Sequence[Finding], rules: Rules) -> tuple[set[int], str] | None:
    """(the two columns, the hint) of the one exchange that clears the row, or None.

    Only an exchange that takes in every amount column the row's findings point at is tried (so a
    row flagged in 本周 and 累计 is never told to swap 计划总投资 and 累计), and it clears the row when
    the rules then find nothing on it; two that would (which two are swapped is then a guess) give no hint."""
    try:
        sheet = contract.sheet(part.name)
    except StopIteration:
        return None
    rows = part.columns.get("_row", [])
    if row not in rows:
        return None
    index = rows.index(row)
    flagged = {f.col for f in on_row}
    candidates = [c for c in sheet.columns if c.type in NUMERIC_TYPES and c.field in part.columns
                  and isinstance(part.positions.get(c.field), int)]
    flagged &= {part.positions[c.field] for c in candidates}
    passing: list[tuple[set[int], str]] = []
    for a, b in itertools.combinations(candidates, 2):
        cols = {part.positions[a.field], part.positions[b.field]}
        va, vb = part.columns[a.field][index], part.columns[b.field][index]
        if a.type != b.type or not flagged or not flagged <= cols or not _number(va) or not _number(vb) or va == vb:
            continue
        if not _row_findings(rules(_swapped(staged, part, index, a.field, b.field)), part.name, row):
            first, second = sorted(((part.positions[a.field], a.header, va), (part.positions[b.field], b.header, vb)))
            passing.append((cols, swap_hint(first[1], first[2], second[1], second[2])))
    return passing[0] if len(passing) == 1 else None


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _row_findings(findings: Sequence[Finding], sheet: str, row: int) -> list[Finding]:
    return [f for f in findings if f.sheet == sheet and f.row == row]


def _swapped(staged: StagedWorkbook, part: StagedSheet, index: int, a: str, b: str) -> StagedWorkbook:
    """A shallow copy of `staged` with fields `a` and `b` of one record of `part` exchanged."""
    columns = dict(part.columns)
    columns[a], columns[b] = list(columns[a]), list(columns[b])
    columns[a][index], columns[b][index] = part.columns[b][index], part.columns[a][index]
    copy = replace(part, columns=columns)
    copy.__dict__.pop("frame", None)  # the cached DataFrame is of the original values
    return replace(staged, sheets={**staged.sheets, part.name: copy})
