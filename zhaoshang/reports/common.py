"""Helpers every report shares: the Chinese font for charts, writing a file without a half-written
moment, submitted text made safe for .docx and .xlsx, docx building blocks, and reading query rows
back with the same types on both databases."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

import pandas as pd

from zhaoshang.visible import excel_string, visible_controls

# matplotlib family names, most preferred first (fonts-noto-cjk, fonts-wqy-zenhei, Windows, Adobe)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "SimHei", "Source Han Sans SC")


class MissingChineseFont(RuntimeError):
    """No Chinese font is installed for the charts."""


def chinese_font(candidates: tuple[str, ...] = CJK_FONTS) -> str:
    """The first installed CJK font matplotlib can use; a clear error when there is none."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in candidates:
        if name in installed:
            return name
    raise MissingChineseFont(
        f"No Chinese font for the report charts: install one of {', '.join(candidates)} "
        "(e.g. `apt-get install fonts-noto-cjk`), then delete matplotlib's font cache (~/.cache/matplotlib).")


def replace_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temporary file in the same folder, then rename over `path` (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# ── submitted text in documents (zhaoshang/visible.py: control characters shown as \x01) ──

def visible_context(value: object) -> object:
    """A template context with every string's control characters shown as `\\x01` (docxtpl would drop them)."""
    if isinstance(value, str):
        return visible_controls(value)
    if isinstance(value, Mapping):
        return {key: visible_context(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [visible_context(item) for item in value]
    return value  # numbers, dates, InlineImage …


def write_frame(xl: pd.ExcelWriter, frame: pd.DataFrame, sheet_name: str) -> None:
    """`frame` as a sheet of an openpyxl ExcelWriter, every text cell stored as the text it is.

    openpyxl would raise on a control character and store text starting with "=" as a
    formula ("#N/A" as an error value): text is shown as `visible_controls` shows it, and no
    cell of a companion workbook is ever a formula.
    """
    frame.map(lambda v: excel_string(v) if isinstance(v, str) else v).to_excel(xl, sheet_name=sheet_name, index=False)
    for row in xl.book[sheet_name].iter_rows():
        for cell in row:
            if cell.data_type in ("f", "e"):
                cell.data_type = "s"


def lay_out_source_sheets(book, widest: float = 60, per_char: float = 1.6) -> None:
    """Companion-workbook sheets made readable: bold frozen header, columns as wide as their text
    (up to `widest`), and text that does not fit a column wrapped.

    Widths are judged on the first rows, and only the cells that need wrapping get a style of
    their own: a year's source rows are tens of thousands of cells.
    """
    from openpyxl.styles import Alignment, Font

    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for sheet in book.worksheets:
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = bold
        for column in sheet.iter_cols():
            width = min(widest, max(8, *(len(str(c.value or "").split("\n")[0]) * per_char for c in column[:200])))
            sheet.column_dimensions[column[0].column_letter].width = width
            for cell in column:
                if isinstance(cell.value, str) and ("\n" in cell.value or len(cell.value) * per_char > width):
                    cell.alignment = wrapped


# ── small .docx builders for documents laid out in code on a template's styles ──
# (appended by the half-year appraisal's 述职数据摘要; styles such as 正文, 一级标题, 表头, 表格文字 are
# those templates/build_templates.py defines, with their Chinese fonts, so runs need no fonts of their own)

def start_blank(document) -> None:
    """Empty a document opened from a report template: keep its styles and its first section's page setup and footer."""
    from docx.oxml.ns import qn

    body = document.element.body
    first = body.find(f".//{qn('w:pPr')}/{qn('w:sectPr')}")  # the first section's, when the template has several
    final = body.find(qn("w:sectPr"))
    for child in list(body):
        if child is not final:
            body.remove(child)
    if first is not None and final is not None:
        body.replace(final, first)


def docx_paragraph(document, text: str, style: str):
    """Append a paragraph of `text` in the named style."""
    return document.add_paragraph(visible_controls(text), style=style)


def docx_table(document, header: list[str], rows: list[list[str]], widths_mm: list[float],
               header_style: str = "表头", cell_style: str = "表格文字"):
    """Append a bordered, centred table: a header row repeated on every page, then `rows`; no row splits."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    style_ids = [document.styles[header_style].style_id, document.styles[cell_style].style_id]  # looked up once: slow
    for r, values in enumerate([header, *rows]):
        row = table.rows[r]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if r == 0:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, value, width in zip(row.cells, values, widths_mm):
            cell.paragraphs[0]._p.style = style_ids[0 if r == 0 else 1]
            cell.paragraphs[0].add_run(visible_controls(str(value)))
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    return table


# ── rows read back the same on SQLite and PostgreSQL ──

def as_date(value: object) -> dt.date | None:
    """A date from SQLite's text or PostgreSQL's date (None stays None)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def typed_frame(frame: pd.DataFrame, *, dates: Collection[str] = (), times: Collection[str] = (),
                amounts: Collection[str] = (), counts: Collection[str] = ()) -> pd.DataFrame:
    """Same types on SQLite and PostgreSQL: dates as datetime.date, times as Timestamps, amounts as float
    (PostgreSQL returns Decimal for NUMERIC), counts as int."""
    frame = frame.copy()
    for column in frame.columns:
        if column in dates:
            frame[column] = pd.Series([as_date(v) for v in frame[column]], index=frame.index, dtype=object)
        elif column in times:
            frame[column] = pd.to_datetime(frame[column])
        elif column in amounts:
            frame[column] = pd.to_numeric(frame[column].map(lambda v: None if v is None else float(v))).astype(float)
        elif column in counts:
            frame[column] = pd.to_numeric(frame[column]).astype("int64")
    return frame
