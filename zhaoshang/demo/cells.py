"""Writing demo workbooks the way people write them: titles, blank and 合计 rows, dates and
amounts in every style a clerk uses, the arrival time set on the file (shared by every demo kind)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from transforms import contract
from zhaoshang.settings import TIMEZONE

TEMPLATE_CREATED = dt.datetime(2021, 1, 4, 9, 0)  # docProps "created" of every demo workbook


EXCEL_EPOCH = dt.date(1899, 12, 30)


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


Row = dict[str, object]  # one sheet row keyed by contract.Column.field, canonical values


Override = Callable[[object], object]  # a planned quirk or mistake: canonical value -> written value


@dataclass(frozen=True)
class FileStyle:
    """How one workbook is written: the untidy habits of its author."""

    title_rows: int = 0
    blank_rows: bool = False
    total_row: bool = False
    date_style: str = "cell"  # cell | iso | slash | dot | cn | serial
    amount_style: str = "number"  # number | comma | wan | yuan | mixed
    month_style: str = "iso"  # iso | cn | date
    short_regions: bool = False
    instructions: bool = False
    dropped: frozenset[tuple[str, str]] = frozenset()  # (sheet, field) columns left out
    overrides: dict[tuple[str, int, str], Override] = field(default_factory=dict)


def render_date(day: dt.date, style: str) -> object:
    """A date the way this author writes dates."""
    return {
        "cell": day, "iso": day.isoformat(), "slash": f"{day.year}/{day.month}/{day.day}",
        "dot": f"{day.year}.{day.month}.{day.day}", "cn": f"{day.year}年{day.month}月{day.day}日",
        "serial": (day - EXCEL_EPOCH).days,
    }[style]


def render_amount(amount: int | float, unit: str, style: str, row: int) -> object:
    """An amount the way this author writes amounts ("1,200", "1.2万", "12000元", …)."""
    if style == "mixed":
        style = ("number", "comma", "wan", "yuan")[row % 4]
    if style == "comma" and abs(amount) >= 1000:
        return f"{amount:,}"
    if style == "wan" and unit == "yuan" and amount >= 1000 and amount % 100 == 0:
        return f"{(Decimal(amount) / 10000).normalize():f}万"
    if style == "yuan" and unit == "yuan":
        return f"{amount}元"
    return amount


def short_region(region: str) -> str:
    """吉林省 → 吉林, 北京市 → 北京, 内蒙古自治区 → 内蒙古 (the short forms people write)."""
    return "内蒙古" if region == "内蒙古自治区" else region.removesuffix("省").removesuffix("市")


def render(value: object, column: contract.Column, style: FileStyle, row: int) -> object:
    """A canonical value as the author writes it into the cell."""
    if isinstance(value, dt.date) and column.type == "date":
        return render_date(value, style.date_style)
    if isinstance(value, (int, float)) and column.type in ("wan", "yuan"):
        return render_amount(value, column.type, style.amount_style, row)
    if isinstance(value, str) and column.type == "region" and style.short_regions:
        return short_region(value)
    return value


def with_override(style: FileStyle, sheet: str, row: int, field_name: str, value: object) -> object:
    """The value after any deliberate quirk or mistake planned for this cell."""
    override = style.overrides.get((sheet, row, field_name))
    return override(value) if override else value


def cell_value(sheet: str, row: int, column: contract.Column, record: Row, style: FileStyle) -> object:
    """The value written for one table cell."""
    return render(with_override(style, sheet, row, column.field, record.get(column.field)), column, style, row)


def column_width(column: contract.Column) -> float:
    """A comfortable column width for the header and its typical content."""
    by_type = {"name": 34, "text": 26, "date": 14, "person": 10, "region": 12, "enum": 12, "wan": 14, "yuan": 12}
    return 6 if column.field == "seq" else max(by_type.get(column.type, 12), len(column.header) * 2 + 2)


def write_titles(ws: Worksheet, titles: list[str], width: int) -> None:
    """Title rows above the header: the first merged across and bold."""
    for i, text in enumerate(titles):
        ws.append([text])
        if i == 0:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
            ws.cell(ws.max_row, 1).font = Font(bold=True, size=14)
            ws.cell(ws.max_row, 1).alignment = Alignment(horizontal="center")


def write_header(ws: Worksheet, columns: list[contract.Column]) -> None:
    """The header row, styled like an office template."""
    ws.append([c.header for c in columns])
    for j, column in enumerate(columns, 1):
        cell = ws.cell(ws.max_row, j)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = column_width(column)


def write_table(ws: Worksheet, sheet: contract.Sheet, records: list[Row], style: FileStyle, titles: list[str]) -> None:
    """A table sheet: titles, header, one row per record, maybe blank rows and a 合计 row."""
    columns = [c for c in sheet.columns if (sheet.name, c.field) not in style.dropped]
    write_titles(ws, titles, len(columns))
    write_header(ws, columns)
    for i, record in enumerate(records):
        if style.blank_rows and i == 2:
            ws.append([])
        ws.append([cell_value(sheet.name, i, c, record, style) for c in columns])
    if style.blank_rows:
        ws.append([])
    if style.total_row and sheet.name == "经费支出" and records:
        write_total(ws, columns, records)


def write_total(ws: Worksheet, columns: list[contract.Column], records: list[Row]) -> None:
    """A trailing 合计 row under the amount column."""
    amount_at = next(j for j, c in enumerate(columns, 1) if c.field == "amount_yuan")
    ws.append(["合计"] + [None] * (amount_at - 2) + [sum(r["amount_yuan"] for r in records)])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=amount_at - 1)
    ws.cell(ws.max_row, 1).font = ws.cell(ws.max_row, amount_at).font = Font(bold=True)


def write_form(ws: Worksheet, sheet: contract.Sheet, values: dict[str, object]) -> None:
    """A 基本信息 sheet: 项目 | 内容, one row per column of the sheet."""
    ws.append(["项目", "内容"])
    for j in (1, 2):
        ws.cell(1, j).font, ws.cell(1, j).fill = Font(bold=True), HEADER_FILL
    for column in sheet.columns:
        ws.append([column.header, values.get(column.field)])
        if isinstance(values.get(column.field), dt.date) and column.type in ("month", "week"):
            ws.cell(ws.max_row, 2).number_format = "yyyy-mm" if column.type == "month" else "yyyy-mm-dd"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 26


def write_instructions(wb: Workbook, book: contract.Workbook) -> None:
    """The optional 填报说明 sheet, as the blank templates carry it."""
    ws = wb.create_sheet(contract.INSTRUCTIONS_SHEET)
    ws.append([f"{book.title}填报说明"])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for i, line in enumerate(book.instructions, 1):
        ws.append([f"{i}. {line}"])
    ws.column_dimensions["A"].width = 90


def save_stable(wb: Workbook, path: Path, author: str, received: dt.datetime) -> Path:
    """Save with fixed document properties and zip timestamps, then set mtime to `received`."""
    wb.properties.creator = wb.properties.lastModifiedBy = author
    wb.properties.created, wb.properties.modified = TEMPLATE_CREATED, received
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=received.timetuple()[:6])
            dst.writestr(stamped, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    return set_received(path, received)


def set_received(path: Path, received: dt.datetime) -> Path:
    """Set the file's mtime to `received`, read as Asia/Shanghai local time."""
    stamp = received.replace(tzinfo=TIMEZONE).timestamp()
    os.utime(path, (stamp, stamp))
    return path
