"""Helpers every report shares: the Chinese font for charts, writing a file without a half-written
moment, submitted text made safe for .docx and .xlsx, docx building blocks, and reading query rows
back with the same types on both databases."""

from __future__ import annotations

import datetime as dt
import math
import os
import pickle
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from zhaoshang.visible import visible_controls

# matplotlib family names, most preferred first (fonts-noto-cjk, fonts-wqy-zenhei, Windows, Adobe)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "SimHei", "Source Han Sans SC")


def preload() -> None:
    """Import what rendering any report needs (matplotlib and its font list, python-docx, docxtpl),
    for a command to do while Prefect's temporary server starts rather than inside the flow."""
    import docx.shared  # noqa: F401 — the import is the point
    import docxtpl  # noqa: F401
    import matplotlib.figure  # noqa: F401

    try:
        chinese_font()
    except MissingChineseFont:
        pass  # the report says so itself, where it draws


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


def partial_file(path: Path) -> Path:
    """A new empty file beside `path` to write it through, with the permissions the folder's other files
    get (the process's umask; mkstemp's owner-only files could not be opened by staff on the share)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        partial = path.with_name(f".tmp-{uuid.uuid4().hex[:12]}{path.suffix}")
        try:
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return partial
        except FileExistsError:
            continue


def replace_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temporary file in the same folder, then rename over `path` (readers never see half a file)."""
    tmp = partial_file(path)
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


def _plain(value: object) -> object:
    """A frame's value as the companion writer takes it: text; None for a missing value; a bool; a
    finite number as a float; a date, or a date and time without its zone; anything else as its text."""
    if value is None or isinstance(value, str):
        return value
    if value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating, Decimal)) and math.isfinite(value):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime(warn=False).replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return str(value)


def _width(values: Iterable[object], per_char: float, widest: float) -> float:
    """A column as wide as the first line of its longest text (at least 8, at most `widest`)."""
    return min(widest, max([8.0, *(len(str(v).split("\n")[0]) * per_char for v in values if v is not None)]))


class SourceWorkbook:
    """A companion workbook being written by its child interpreter (reports.companion)."""

    def __init__(self, path: Path, job: Path, partial: Path, process: subprocess.Popen) -> None:
        self.path, self.job, self.partial, self.process = path, job, partial, process

    def finish(self) -> Path:
        """Wait for the child; put the workbook in place (replacing an earlier one at once) or raise why it failed."""
        _, errors = self.process.communicate()
        if self.process.returncode != 0:
            self.discard()
            raise RuntimeError(f"companion workbook {self.path.name} was not written: {errors.strip()[-2000:]}")
        os.replace(self.partial, self.path)
        self.job.unlink(missing_ok=True)
        return self.path

    def discard(self) -> None:
        """Stop the child if it still runs and remove what it left."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.partial.unlink(missing_ok=True)
        self.job.unlink(missing_ok=True)

    def __enter__(self) -> SourceWorkbook:
        return self

    def __exit__(self, *failure: object) -> None:
        if failure[0] is not None:
            self.discard()


def start_source_workbook(path: Path, sheets: Mapping[str, pd.DataFrame], widest: float = 60, per_char: float = 1.6,
                          judged_rows: int = 200) -> SourceWorkbook:
    """Start writing a companion workbook (数据来源) beside the report: one sheet per frame, in order.

    Each sheet has a bold frozen header; columns as wide as their text on the first `judged_rows`
    rows (up to `widest`); text that does not fit its column wrapped. Every text cell is stored as
    the text it is (xlsxwriter writes strings as strings, so "=1+1" is never a formula), with
    characters XML cannot carry shown as `visible_controls` shows them. A child interpreter writes
    it (reports.companion) while this one goes on with the report; `finish()` waits for it and
    renames it into place, so a reader never sees half a workbook and a failure leaves the earlier one.
    """
    plain = []
    for name, frame in sheets.items():
        raw = [frame[c].tolist() for c in frame.columns]
        widths = [_width([header, *values[:judged_rows]], per_char, widest) for header, values in zip(frame.columns, raw)]
        plain.append((name, [str(h) for h in frame.columns], widths, [[_plain(v) for v in values] for values in raw]))
    with tempfile.NamedTemporaryFile("wb", prefix="zhaoshang-companion-", suffix=".pickle", delete=False) as job:
        pickle.dump({"sheets": plain, "per_char": per_char}, job, protocol=pickle.HIGHEST_PROTOCOL)
    partial = partial_file(path)
    try:
        process = subprocess.Popen([sys.executable, "-m", "zhaoshang.reports.companion", job.name, partial],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError:
        partial.unlink(missing_ok=True)
        Path(job.name).unlink(missing_ok=True)
        raise
    return SourceWorkbook(path, Path(job.name), partial, process)


def write_source_workbook(path: Path, sheets: Mapping[str, pd.DataFrame], widest: float = 60,
                          per_char: float = 1.6, judged_rows: int = 200) -> Path:
    """start_source_workbook, waited for."""
    with start_source_workbook(path, sheets, widest, per_char, judged_rows) as workbook:
        return workbook.finish()


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
        elif column in counts:  # a count nobody reported (a CSV week's procedures) stays unknown: pandas' Int64 and <NA>
            numbers = pd.to_numeric(frame[column])
            frame[column] = numbers.astype("Int64" if numbers.isna().any() else "int64")
    return frame


# ── the last steps of every report: fonts, layout, the file, its PDF ──

def finish_report(settings, document, path: Path, pdf: bool | None = None) -> Path | None:
    """Give a rendered document (python-docx Document, or a DocxTemplate) its fallback faces
    (reports/fonts.py) and the layout pass (reports/layout.py), write it to `path` atomically, then its
    PDF beside it (reports/pdf.py) unless `pdf` or settings.report_pdf says not; returns the PDF (None: none)."""
    from zhaoshang.reports.fonts import add_font_fallbacks
    from zhaoshang.reports.layout import tidy_layout
    from zhaoshang.reports.pdf import convert_to_pdf, pdf_path

    docx = getattr(document, "docx", None) or document  # DocxTemplate keeps the Document it filled in as .docx
    add_font_fallbacks(docx)
    tidy_layout(docx)
    replace_atomically(path, lambda tmp: document.save(str(tmp)))
    if not (settings.report_pdf if pdf is None else pdf):
        pdf_path(path).unlink(missing_ok=True)
        return None
    return convert_to_pdf([path])[0]
