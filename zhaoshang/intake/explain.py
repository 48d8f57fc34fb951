"""The explanation workbook a clerk receives beside a rejected file (DESIGN §2).

One .xlsx: a first sheet 错误汇总 listing every finding in Chinese, then the
submitter's own workbook with each offending cell filled (error red, warning yellow)
and commented. An .xlsx original is copied with openpyxl (keeping its formatting);
anything else (.xls, .csv, a file openpyxl cannot open) is rebuilt from the values the
reader saw. No text from the submitter ever becomes a formula: every string this
module writes is stored as a string cell, whatever it starts with.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from copy import copy
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from transforms.contract import ERROR_SUMMARY_SHEET
from transforms.findings import Finding, column_letter
from zhaoshang.visible import excel_string, has_unshowable, visible_controls

log = logging.getLogger(__name__)

AUTHOR = "招商引资报送系统"
SEVERITY_TEXT = {"error": "错误", "warning": "警告"}
# Fills of offending cells in the submitter's sheets, and of rows in 错误汇总.
CELL_FILL = {"error": "FF9999", "warning": "FFFF66"}
ROW_FILL = {"error": "FFC7CE", "warning": "FFEB9C"}
HEADER_FILL = "D9D9D9"

SUMMARY_HEADERS = ("序号", "级别", "工作表", "行", "列", "列名", "单元格内容", "问题说明", "修改建议")
# (narrowest, widest) width of each column, in Excel character units (a Chinese character counts 2):
# a column is as wide as its widest cell within these bounds, then the text wraps.
SUMMARY_WIDTH_BOUNDS = ((5, 6), (5, 6), (8, 16), (4, 8), (4, 5), (8, 20), (10, 30), (16, 46), (16, 46))
SUMMARY_WIDTHS = tuple(widest for _, widest in SUMMARY_WIDTH_BOUNDS)  # the widest each column may become
# Row heights, in points: what one line of 11-point text takes in Excel, WPS and LibreOffice (CJK faces
# are taller than Calibri: 等线/宋体 ~14.3, Noto Sans CJK ~16), plus the cell's top and bottom padding.
LINE_HEIGHT = 16.0
ROW_PADDING = 4.0
DEFAULT_ROW_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit
# A Chinese character is ~2.1 digit widths wide in the CJK faces, and a wrapped line loses a character
# at its end now and then: lines are counted against 90 % of the column, less its padding.
USABLE_WIDTH = 0.9
SUMMARY_HEADER_ROW = 3  # row 1: heading, row 2: how to read it, row 3: table header
VALUE_COLUMN = SUMMARY_HEADERS.index("单元格内容") + 1

MAX_ROW, MAX_COL, MAX_TEXT = 1_048_576, 16_384, 32_767
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
# openpyxl holds a whole workbook (and much more) in memory and takes minutes over one formatted
# down to row 1,048,576: larger originals are rebuilt from the values the reader saw instead.
MAX_COPY_BYTES = 8 * 1024 * 1024
ILLEGAL_TITLE_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
CONTROL_NOTE = "注：原内容含不可见的控制字符，已显示为 \\x07 这样的形式。"
TRUNCATED_NOTE = "注：原内容过长，只显示了前 32767 个字符。"


# ── safe text ───────────────────────────────────────────────────────────────
def visible_text(value: str) -> tuple[str, list[str]]:
    """The text with control characters shown as `\\xHH` and cut to Excel's limit, plus notes."""
    notes: list[str] = []
    if has_unshowable(value):
        value = visible_controls(value)  # the same form as in the reports (zhaoshang/visible.py)
        notes.append(CONTROL_NOTE)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
        notes.append(TRUNCATED_NOTE)
    return value, notes


def write_text(cell: Cell, value: object) -> list[str]:
    """Store `value` as a plain string cell (never a formula or error); return notes on changes."""
    text, notes = visible_text(str(value))
    cell.value = excel_string(text)
    cell.data_type = "s"  # openpyxl turns "=…" into a formula and "#N/A" into an error
    return notes


def write_value(cell: Cell, value: object) -> list[str]:
    """Store a value as read from a sheet: numbers, dates and booleans as such, the rest as text."""
    if isinstance(value, bool):
        cell.value = value
        return []
    if isinstance(value, int) and abs(value) <= 2**53:
        cell.value = value
        return []
    if isinstance(value, float) and math.isfinite(value):
        cell.value = value
        return []
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _write_temporal(cell, value)
    if isinstance(value, dt.timedelta):
        cell.value = value
        return []
    return write_text(cell, value)


def _write_temporal(cell: Cell, value: dt.date | dt.time) -> list[str]:
    """Store a date/time as Excel does; timezones dropped, dates Excel cannot show as text."""
    if isinstance(value, (dt.datetime, dt.time)) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if isinstance(value, dt.date) and (value.year, value.month) < (1900, 3):
        return write_text(cell, value.isoformat())
    cell.value = value
    return []


# ── the 错误汇总 sheet ───────────────────────────────────────────────────────
def _counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """Number of errors and of warnings."""
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors


def _heading(original: Path, findings: Sequence[Finding]) -> str:
    """The sheet's first line: which file, how many errors and warnings."""
    errors, warns = _counts(findings)
    return f"文件“{original.name}”检查结果：共 {errors} 个错误、{warns} 个警告"


def _guidance(has_copy: bool) -> str:
    """The second line: how to use this workbook."""
    if has_copy:
        return ("请按“修改建议”逐项改正原文件后重新放入原文件夹。后面的工作表是您提交的内容："
                "标红的单元格有错误，标黄的有警告，鼠标停在单元格上可查看说明；点击“工作表”一栏可跳转到该单元格。")
    return "请按下表列出的工作表、行、列在原文件中找到有问题的地方，按“修改建议”改正后重新放入原文件夹。"


def _style_row(ws: Worksheet, row: int, fill: str | None, bold: bool = False) -> None:
    """Wrap, border and optionally fill/bold one table row of 错误汇总 (the first cell styled, the rest copy it:
    openpyxl hashes every style it is given, which made a 1,000-error summary take seconds)."""
    thin = Side(style="thin", color="999999")
    first = ws.cell(row=row, column=1)
    first.alignment = Alignment(wrap_text=True, vertical="top")
    first.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    if fill:
        first.fill = PatternFill("solid", fgColor=fill)
    if bold:
        first.font = Font(bold=True)
    for col in range(2, len(SUMMARY_HEADERS) + 1):
        ws.cell(row=row, column=col)._style = copy(first._style)


def _link_to_cell(cell: Cell, finding: Finding, targets: Mapping[str, Worksheet]) -> None:
    """Make the 工作表 cell a link to the offending cell in the copied sheet, when there is one."""
    ws = targets.get(finding.sheet)
    if ws is None:
        return
    ref = finding.cell if _in_range(finding.row, finding.col) else "A1"
    title = ws.title.replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{title}'!{ref}")
    cell.font = Font(color="0563C1", underline="single")


def _summary_row(ws: Worksheet, row: int, seq: int, finding: Finding,
                 targets: Mapping[str, Worksheet]) -> None:
    """Write one finding as one row of the table."""
    ws.cell(row=row, column=1, value=seq)
    write_text(ws.cell(row=row, column=2), SEVERITY_TEXT.get(finding.severity, str(finding.severity)))
    write_text(ws.cell(row=row, column=3), finding.sheet or "")
    if finding.row is not None:
        ws.cell(row=row, column=4, value=finding.row)
        if finding.col is not None:
            write_text(ws.cell(row=row, column=5), column_letter(finding.col))
    write_text(ws.cell(row=row, column=6), finding.header or "")
    value_cell = ws.cell(row=row, column=VALUE_COLUMN)
    notes = write_text(value_cell, "" if finding.value is None else finding.value)
    if notes:
        value_cell.comment = _comment("\n".join(notes))
    write_text(ws.cell(row=row, column=8), finding.message or "")
    write_text(ws.cell(row=row, column=9), finding.fix or "")
    _style_row(ws, row, ROW_FILL.get(finding.severity, ROW_FILL["error"]))
    if finding.sheet:
        _link_to_cell(ws.cell(row=row, column=3), finding, targets)


# ── row heights and column widths ────────────────────────────────────────────
def text_width(text: str) -> int:
    """Width of text in Excel character units: Chinese (full-width) characters count 2, and so do the
    ambiguous ones (“”、…), which the Chinese faces draw full-width."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapping cell `width` characters wide."""
    usable = max(width * USABLE_WIDTH - 1, 1)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def row_height(lines: int) -> float:
    """The height (points) of a row whose tallest cell holds `lines` lines."""
    return min(MAX_ROW_HEIGHT, max(DEFAULT_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING))


def fit_rows(ws: Worksheet, first_row: int, last_row: int, widths: Sequence[float]) -> None:
    """Give each row an explicit height that shows its wrapped text whole (Excel, WPS and LibreOffice
    do not all grow a row by themselves: LibreOffice cut the 修改建议 of a file openpyxl wrote)."""
    for row in range(first_row, last_row + 1):  # ws.cell, not ws[row]: that measures the whole sheet each time
        values = ((ws.cell(row=row, column=col).value, width) for col, width in enumerate(widths, start=1))
        lines = max((wrapped_lines(value, width) for value, width in values if value not in (None, "")), default=1)
        ws.row_dimensions[row].height = row_height(lines)


def summary_widths(findings: Sequence[Finding]) -> list[int]:
    """Column widths of 错误汇总 suited to what the columns hold (行 and 列 narrow, the texts wide)."""
    columns: list[list[str]] = [[title] for title in SUMMARY_HEADERS]
    for seq, finding in enumerate(findings, start=1):
        values = (seq, SEVERITY_TEXT.get(finding.severity, finding.severity), finding.sheet, finding.row,
                  column_letter(finding.col) if finding.col else "", finding.header, finding.value,
                  finding.message, finding.fix)
        for texts, value in zip(columns, values):
            texts.append(max(str("" if value is None else value).split("\n"), key=text_width))
    return [max(low, min(high, fitting_width(max(text_width(t) for t in texts))))
            for texts, (low, high) in zip(columns, SUMMARY_WIDTH_BOUNDS)]


def fitting_width(units: int) -> int:
    """The narrowest column in which text `units` wide stays on one line (by `wrapped_lines`' measure)."""
    return math.ceil((units + 1) / USABLE_WIDTH)


def add_summary_sheet(wb: Workbook, original: Path, findings: Sequence[Finding],
                      targets: Mapping[str, Worksheet]) -> Worksheet:
    """Insert 错误汇总 as the first sheet of `wb`; `targets` maps finding sheets to copied sheets."""
    ws = wb.create_sheet(ERROR_SUMMARY_SHEET, 0)
    write_text(ws.cell(row=1, column=1), _heading(original, findings))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    write_text(ws.cell(row=2, column=1), _guidance(bool(targets)))
    ws.cell(row=2, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(SUMMARY_HEADERS))
    widths = summary_widths(findings)
    ws.row_dimensions[1].height = row_height(1) + 4  # the 14-point heading
    ws.row_dimensions[2].height = row_height(wrapped_lines(ws.cell(row=2, column=1).value, sum(widths)))
    for col, (title, width) in enumerate(zip(SUMMARY_HEADERS, widths), start=1):
        write_text(ws.cell(row=SUMMARY_HEADER_ROW, column=col), title)
        ws.column_dimensions[column_letter(col)].width = width
    _style_row(ws, SUMMARY_HEADER_ROW, HEADER_FILL, bold=True)
    for seq, finding in enumerate(findings, start=1):
        _summary_row(ws, SUMMARY_HEADER_ROW + seq, seq, finding, targets)
    ws.freeze_panes = ws.cell(row=SUMMARY_HEADER_ROW + 1, column=1)
    last = SUMMARY_HEADER_ROW + max(len(findings), 1)
    fit_rows(ws, SUMMARY_HEADER_ROW, SUMMARY_HEADER_ROW + len(findings), widths)
    ws.auto_filter.ref = f"A{SUMMARY_HEADER_ROW}:{column_letter(len(SUMMARY_HEADERS))}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{SUMMARY_HEADER_ROW}:{SUMMARY_HEADER_ROW}"
    return ws


# ── marking the submitter's cells ────────────────────────────────────────────
def _comment(text: str) -> Comment:
    """A readable-sized comment signed by the system."""
    text, _ = visible_text(text)
    lines = sum(1 + len(line) // 20 for line in text.splitlines() or [""])
    return Comment(text, AUTHOR, height=min(40 + 18 * lines, 400), width=320)


def _in_range(row: int | None, col: int | None) -> bool:
    """True when (row, col) is a real Excel cell position."""
    return (row is not None and col is not None
            and 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL)


def _finding_text(finding: Finding) -> str:
    """What the comment says about one finding."""
    text = f"【{SEVERITY_TEXT.get(finding.severity, '错误')}】{finding.message}"
    if finding.fix:
        text += f"\n修改建议：{finding.fix}"
    return text


def _anchor(ws: Worksheet, row: int, col: int) -> Cell:
    """The cell to mark: the top-left cell when (row, col) lies inside a merged range."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return ws.cell(row=merged.min_row, column=merged.min_col)
    return ws.cell(row=row, column=col)


def _targets_of(finding: Finding, ws: Worksheet, first_col: int) -> tuple[Cell | None, list[Cell]]:
    """The cell that gets the comment and the cells that get the fill, for one finding."""
    if _in_range(finding.row, finding.col):
        cell = _anchor(ws, finding.row, finding.col)
        return cell, [cell]
    if finding.row is not None and 1 <= finding.row <= MAX_ROW and finding.col is None:
        last = max(ws.max_column, first_col)
        cells = [_anchor(ws, finding.row, c) for c in range(first_col, last + 1)]
        return cells[0], cells
    return None, []


def mark_cells(ws: Worksheet, findings: Sequence[Finding], first_col: int = 1,
               notes: Mapping[tuple[int, int], Sequence[str]] | None = None) -> None:
    """Fill and comment the cells of `ws` the findings point at (several findings per cell merge)."""
    comments: dict[str, list[str]] = {}
    worst: dict[str, str] = {}
    anchors: dict[str, Cell] = {}
    for finding in findings:
        anchor, cells = _targets_of(finding, ws, first_col)
        if anchor is None:
            continue
        anchors[anchor.coordinate] = anchor
        comments.setdefault(anchor.coordinate, []).append(_finding_text(finding))
        for cell in cells:
            if worst.get(cell.coordinate) != "error":
                worst[cell.coordinate] = finding.severity
                cell.fill = PatternFill("solid", fgColor=CELL_FILL.get(finding.severity, CELL_FILL["error"]))
    for coordinate, texts in comments.items():
        cell = anchors[coordinate]
        texts = texts + list((notes or {}).get((cell.row, cell.column), ()))
        if cell.comment is not None and cell.comment.author != AUTHOR:
            texts.append(f"（原批注）{cell.comment.text}")
        cell.comment = _comment("\n\n".join(texts))


def _findings_by_sheet(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by the sheet they name (file-level ones left out)."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.sheet and finding.row is not None:
            grouped.setdefault(finding.sheet, []).append(finding)
    return grouped


# ── copying an .xlsx original ────────────────────────────────────────────────
def _load_original(original: Path) -> Workbook | None:
    """The original opened with openpyxl (formatting kept), or None when it cannot be."""
    if original.suffix.lower() not in OPENPYXL_SUFFIXES or not original.is_file():
        return None
    if not _small_enough(original):
        log.info("explanation: %s unpacks to more than %d bytes; rebuilding", original, MAX_COPY_BYTES)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(original)
    except Exception as exc:  # noqa: BLE001 — any failure means "rebuild instead"
        log.info("explanation: cannot open %s with openpyxl (%s); rebuilding", original, exc)
        return None
    wb.template = False  # an .xltx-flavoured package would not open as .xlsx
    return wb


def _small_enough(path: Path) -> bool:
    """True when the package unpacks to at most MAX_COPY_BYTES, as its zip directory declares."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(m.file_size for m in archive.infolist()) <= MAX_COPY_BYTES
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _drop_old_summary(wb: Workbook) -> bool:
    """Remove a 错误汇总 sheet left in a resubmitted explanation workbook; True if there was one."""
    old = [s for s in wb._sheets if s.title.casefold() == ERROR_SUMMARY_SHEET.casefold()]
    for sheet in old:
        wb.remove(sheet)
    return bool(old)


def _clear_old_marks(ws: Worksheet) -> None:
    """Remove the fills and comments an earlier explanation put on a resubmitted sheet."""
    ours = {f"FF{rgb}" for rgb in CELL_FILL.values()} | {f"00{rgb}" for rgb in CELL_FILL.values()}
    for cell in ws._cells.values():
        if cell.comment is not None and cell.comment.author == AUTHOR:
            cell.comment = None
        fill = cell.fill
        if fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str) and fill.fgColor.rgb.upper() in ours:
            cell.fill = PatternFill(fill_type=None)


def _annotate_copy(wb: Workbook, findings: Sequence[Finding]) -> dict[str, Worksheet]:
    """Mark the findings in the loaded original; return its worksheets by name."""
    resubmitted = _drop_old_summary(wb)
    sheets = {ws.title: ws for ws in wb.worksheets}
    if resubmitted:
        for ws in sheets.values():
            _clear_old_marks(ws)
    for name, sheet_findings in _findings_by_sheet(findings).items():
        if name in sheets:
            mark_cells(sheets[name], sheet_findings, first_col=sheets[name].min_column)
    return sheets


# ── rebuilding from the values read ──────────────────────────────────────────
def _safe_title(name: str, used: set[str]) -> str:
    """A sheet title Excel accepts, unique in the workbook and not 错误汇总."""
    title = ILLEGAL_TITLE_CHARS.sub("_", str(name)).strip("'")[:31] or "Sheet"
    base, n = title, 1
    while title.casefold() in used:
        n += 1
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title.casefold())
    return title


def _origin(origins: Mapping[str, tuple[int, int]] | None, name: str) -> tuple[int, int]:
    """Excel position (row, col) of the first value read from sheet `name`."""
    row, col = (origins or {}).get(name, (1, 1))
    return max(int(row), 1), max(int(col), 1)


def _fill_sheet(ws: Worksheet, rows: Sequence[Sequence[object]],
                origin: tuple[int, int]) -> dict[tuple[int, int], list[str]]:
    """Write the values read at their Excel positions; return notes on values shown changed."""
    notes: dict[tuple[int, int], list[str]] = {}
    first_row, first_col = origin
    for i, values in enumerate(rows):
        for j, value in enumerate(values or ()):
            if value is None or value == "":
                continue
            row, col = first_row + i, first_col + j
            if not _in_range(row, col):
                continue
            changed = write_value(ws.cell(row=row, column=col), value)
            if changed:
                notes[(row, col)] = changed
    return notes


def _rebuild(sheets: Mapping[str, Sequence[Sequence[object]]],
             origins: Mapping[str, tuple[int, int]] | None,
             findings: Sequence[Finding]) -> tuple[Workbook, dict[str, Worksheet]]:
    """A workbook holding the values read from the original, with the findings marked."""
    wb = Workbook()
    wb.remove(wb.active)
    used = {ERROR_SUMMARY_SHEET.casefold()}
    by_sheet = _findings_by_sheet(findings)
    targets: dict[str, Worksheet] = {}
    for name, rows in sheets.items():
        ws = wb.create_sheet(_safe_title(name, used))
        origin = _origin(origins, name)
        notes = _fill_sheet(ws, rows or (), origin)
        mark_cells(ws, by_sheet.get(name, ()), first_col=origin[1], notes=notes)
        _mark_changed_values(ws, notes)
        targets[name] = ws
    return wb, targets


def _mark_changed_values(ws: Worksheet, notes: Mapping[tuple[int, int], Sequence[str]]) -> None:
    """Comment on cells whose value had to be shown differently, when no finding did already."""
    for (row, col), texts in notes.items():
        cell = ws.cell(row=row, column=col)
        if cell.comment is None:
            cell.comment = _comment("\n".join(texts))


# ── assembling and saving ────────────────────────────────────────────────────
def _finish(wb: Workbook, original: Path, findings: Sequence[Finding],
            targets: Mapping[str, Worksheet]) -> None:
    """Add 错误汇总 first and make it the one selected, active sheet."""
    summary = add_summary_sheet(wb, original, findings, targets)
    for sheet in wb._sheets:
        view = getattr(sheet, "sheet_view", None)
        if view is not None:
            view.tabSelected = sheet is summary
    wb.active = summary
    for view in wb.views:
        view.firstSheet = 0
        view.activeTab = 0


def _save(wb: Workbook, out_path: Path) -> None:
    """Save through a temporary file so a half-written workbook never appears at out_path."""
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)


def _try_copy(original: Path, findings: Sequence[Finding], out_path: Path, label: Path) -> bool:
    """Write the explanation on a copy of an .xlsx original; False when that is not possible."""
    wb = _load_original(original)
    if wb is None:
        return False
    try:
        targets = _annotate_copy(wb, findings)
        _finish(wb, label, findings, targets)
        _save(wb, out_path)
    except Exception as exc:  # noqa: BLE001 — fall back to the rebuilt sheets
        log.warning("explanation: cannot annotate a copy of %s (%s); rebuilding", original, exc)
        return False
    return True


def _try_rebuild(label: Path, findings: Sequence[Finding], out_path: Path,
                 sheets: Mapping[str, Sequence[Sequence[object]]] | None,
                 origins: Mapping[str, tuple[int, int]] | None) -> bool:
    """Write the explanation on sheets rebuilt from the values read; False when there are none."""
    if not sheets:
        return False
    try:
        wb, targets = _rebuild(sheets, origins, findings)
        _finish(wb, label, findings, targets)
        _save(wb, out_path)
    except Exception as exc:  # noqa: BLE001 — fall back to the summary alone
        log.warning("explanation: cannot rebuild the sheets of %s (%s)", label, exc)
        return False
    return True


def write_explanation(original: Path, findings: Sequence[Finding], out_path: Path,
                      sheets: Mapping[str, Sequence[Sequence[object]]] | None = None,
                      origins: Mapping[str, tuple[int, int]] | None = None, display_name: str | None = None,
                      copy_original: bool = True) -> Path:
    """Write the explanation workbook for `original` to `out_path` (.xlsx) and return out_path.

    `display_name` is the file name the submitter used (the stored copy's name carries a prefix).
    `copy_original=False` when the reader refused the file (a zip bomb, entity expansion …): no
    other parser may open it then, and the explanation is rebuilt from `sheets` or is the summary.
    """
    original, out_path = Path(original), Path(out_path)
    label = Path(display_name) if display_name else original
    out_path.parent.mkdir(parents=True, exist_ok=True)
    findings = list(findings)
    if copy_original and _try_copy(original, findings, out_path, label):
        return out_path
    if _try_rebuild(label, findings, out_path, sheets, origins):
        return out_path
    wb = Workbook()
    wb.remove(wb.active)
    _finish(wb, label, findings, {})
    _save(wb, out_path)
    return out_path
