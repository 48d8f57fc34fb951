"""Helpers every report shares: the Chinese font for charts, writing a file without a half-written
moment, submitted text made safe for .docx and .xlsx, docx building blocks, and reading query rows
back with the same types on both databases."""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from zhaoshang.visible import visible_controls

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


def _cell_writer(sheet, formats: Mapping[str, object]) -> Callable[[int, int, object, bool], None]:
    """How one value is written: text always as a string (never a formula), control characters shown;
    numbers, booleans and dates as what they are; missing values left blank."""
    def write(row: int, column: int, value: object, wrapped: bool) -> None:
        if isinstance(value, str):
            sheet.write_string(row, column, visible_controls(value), formats["wrapped"] if wrapped else None)
        elif value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            return
        elif isinstance(value, (bool, np.bool_)):
            sheet.write_boolean(row, column, bool(value))
        elif isinstance(value, (int, float, np.integer, np.floating, Decimal)) and math.isfinite(value):
            sheet.write_number(row, column, float(value))
        elif isinstance(value, dt.datetime):  # pd.Timestamp included
            sheet.write_datetime(row, column, value.replace(tzinfo=None), formats["time"])
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, column, value, formats["date"])
        else:
            sheet.write_string(row, column, visible_controls(str(value)))
    return write


def _width(values: Iterable[object], per_char: float, widest: float) -> float:
    """A column as wide as the first line of its longest text (at least 8, at most `widest`)."""
    return min(widest, max([8.0, *(len(str(v).split("\n")[0]) * per_char for v in values if v is not None)]))


def write_source_workbook(path: Path, sheets: Mapping[str, pd.DataFrame], widest: float = 60,
                          per_char: float = 1.6, judged_rows: int = 200) -> Path:
    """A companion workbook (数据来源): one sheet per frame, in order, written atomically.

    Each sheet has a bold frozen header; columns as wide as their text on the first
    `judged_rows` rows (up to `widest`); text that does not fit its column wrapped. Every text
    cell is stored as the text it is (xlsxwriter writes strings as strings, so "=1+1" is never a
    formula), with characters XML cannot carry shown as `visible_controls` shows them.
    xlsxwriter streams the rows (constant memory): a year's source rows are tens of thousands
    of cells, written about three times as fast as through pandas and openpyxl.
    """
    import xlsxwriter

    def write(target: Path) -> None:
        book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
        formats = {"header": book.add_format({"bold": True}), "wrapped": book.add_format({"text_wrap": True, "valign": "top"}),
                   "date": book.add_format({"num_format": "yyyy-mm-dd"}),
                   "time": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})}
        for name, frame in sheets.items():
            sheet = book.add_worksheet(name[:31])
            sheet.freeze_panes(1, 0)
            columns = [frame[c].tolist() for c in frame.columns]
            widths = [_width([header, *values[:judged_rows]], per_char, widest) for header, values in zip(frame.columns, columns)]
            for j, (header, width) in enumerate(zip(frame.columns, widths)):
                sheet.set_column(j, j, width)
                sheet.write_string(0, j, visible_controls(str(header)), formats["header"])
            cell = _cell_writer(sheet, formats)
            for i, row in enumerate(zip(*columns), 1):
                for j, value in enumerate(row):
                    cell(i, j, value, isinstance(value, str) and ("\n" in value or len(value) * per_char > widths[j]))
        book.close()

    return replace_atomically(path, write)


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
