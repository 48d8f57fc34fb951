"""Blank templates staff start from (DESIGN §3): one .xlsx per workbook kind, plus a CSV weekly report.

Each template carries the instructions sheet 填报说明 first, then the workbook's
sheets with their headers, and a drop-down list on every enumerated column. All
lists live on a hidden sheet 下拉选项 and are referenced by range: an inline list is
limited to 255 characters, which a growing roster can exceed (the 35 regions alone
take 165), and one mechanism for every list keeps the templates uniform.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from transforms import contract, kinds
from transforms.contract import Column, Sheet
from transforms.findings import column_letter
from transforms.kinds import weekly
from zhaoshang.intake.explain import write_text
from zhaoshang.settings import Settings

LISTS_SHEET = "下拉选项"
LAST_TEMPLATE_ROW = 1000  # drop-down lists cover rows 2..1000 of table sheets
FORM_HEADERS = ("项目", "内容")
INSTRUCTION_HEADERS = ("工作表", "列名", "是否必填", "填写要求")
INSTRUCTION_WIDTHS = (14, 24, 10, 70)
HEADER_FILL = "DDEBF7"
CSV_TEMPLATE_NAME = f"{weekly.CONTRACT.title}（CSV模板）.csv"

# Column formats so Excel keeps what staff type: text stays text (项目编号 "001",
# a month "2021-08" not turned into a date), dates show as dates.
TEXT_FORMAT, DATE_FORMAT = "@", "yyyy-mm-dd"
COLUMN_FORMATS = {
    "text": TEXT_FORMAT, "name": TEXT_FORMAT, "enum": TEXT_FORMAT, "region": TEXT_FORMAT,
    "group": TEXT_FORMAT, "person": TEXT_FORMAT, "month": TEXT_FORMAT, "week": TEXT_FORMAT,
    "half": TEXT_FORMAT, "date": DATE_FORMAT,
}

# What each column type asks for; the example is left out when the column has its own hint.
TYPE_TEXT = {
    "text": ("文本", ""),
    "name": ("名称，填写全称", ""),
    "date": ("日期，如 2021-08-03", ""),
    "month": ("月份", "，如 2021-08 或 2021年8月"),
    "week": ("报告周", "，填该周星期一的日期，如 2021-08-30，或 2021年第35周"),
    "half": ("考核期", "，如 2021H1 或 2021年上半年"),
    "wan": ("金额（万元），可写 1,200 或 1.2万", ""),
    "yuan": ("金额（元），可写 1,200、1.2万 或 12000元", ""),
    "score": ("得分", "，0–100 的数字"),
    "enum": ("从下拉列表中选择", ""),
    "region": ("从下拉列表中选择", "，省级行政区全称（如 吉林省、北京市）或“境外”"),
    "group": ("工作组名称，从下拉列表中选择", ""),
    "person": ("姓名，从人员名单（下拉列表）中选择", ""),
}

GENERAL_LINES = (
    "请勿修改工作表名称和表头文字；表头上方可以加标题行，空行和末尾的合计行会被忽略。",
    "本“填报说明”工作表和隐藏的“下拉选项”工作表仅供填写参考，系统读取时忽略。",
)


# ── small helpers ────────────────────────────────────────────────────────────
def display_width(text: str) -> int:
    """Width of text in Excel character units: Chinese (full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(texts: Sequence[str], minimum: int = 8, maximum: int = 40) -> int:
    """A column width that fits the widest of `texts` (within bounds)."""
    widest = max((display_width(t) for t in texts), default=0)
    return max(minimum, min(maximum, widest + 3))


def _header_style(cell: Cell) -> None:
    """Bold, shaded, bordered, centred header cell."""
    thin = Side(style="thin", color="808080")
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def choices(column: Column, settings: Settings) -> tuple[str, ...]:
    """The values a drop-down offers for `column` (empty when it has none)."""
    if column.type == "enum":
        return tuple(column.enum)
    if column.type == "region":
        return contract.REGIONS
    if column.type == "group":
        return tuple(g.name for g in settings.groups)
    if column.type == "person":
        return tuple(p.name for p in settings.people)
    return ()


def requirement(column: Column, settings: Settings) -> str:
    """The 填写要求 text of a column: its type in Chinese, its hint and its allowed values."""
    base, example = TYPE_TEXT.get(column.type, ("文本", ""))
    text = base + ("" if column.hint else example)
    values = choices(column, settings)
    if values and column.type != "region":
        text += "：" + "、".join(values)
    if column.hint:
        text += f"；{column.hint}"
    return text


# ── the hidden list sheet ────────────────────────────────────────────────────
class ListSheet:
    """The hidden sheet 下拉选项: one column per distinct list, header in row 1."""

    def __init__(self, wb: Workbook) -> None:
        """Create the (hidden) sheet at the end of `wb`."""
        self.ws = wb.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_of(self, title: str, values: Sequence[str]) -> str:
        """The absolute range holding `values`, written once per distinct list."""
        key = tuple(values)
        if key not in self.ranges:
            col = len(self.ranges) + 1
            write_text(self.ws.cell(row=1, column=col), title)
            for row, value in enumerate(values, start=2):
                write_text(self.ws.cell(row=row, column=col), value)
            letter = column_letter(col)
            self.ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[key]


def _validation(column: Column, formula: str) -> DataValidation:
    """A drop-down list check: a hard stop, or only a warning for roster names."""
    soft = column.type == "person"
    error = (f"“{column.header}”不在人员名单中。如确为新人员，可选择“是”继续，并请联系投资促进局更新名单。"
             if soft else f"“{column.header}”请从下拉列表中选择。")
    return DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorStyle="warning" if soft else "stop", errorTitle="输入有误", error=error,
    )


def _add_list(ws: Worksheet, lists: ListSheet, column: Column, settings: Settings, ref: str) -> None:
    """Attach a drop-down to cells `ref` when the column is enumerated."""
    values = choices(column, settings)
    if not values:
        return
    dv = _validation(column, lists.range_of(column.header, values))
    dv.add(ref)
    ws.add_data_validation(dv)


# ── sheets ───────────────────────────────────────────────────────────────────
def _table_sheet(ws: Worksheet, sheet: Sheet, lists: ListSheet, settings: Settings) -> None:
    """A header row of labels, frozen, with drop-downs on rows 2..1000."""
    for col, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=col)
        write_text(cell, column.label)
        _header_style(cell)
        letter = column_letter(col)
        dim = ws.column_dimensions[letter]
        dim.width = _fit([column.label, *choices(column, settings)[:40]],
                         minimum=12 if column.type == "date" else 8, maximum=30)
        if column.type in COLUMN_FORMATS:
            dim.number_format = COLUMN_FORMATS[column.type]
        _add_list(ws, lists, column, settings, f"{letter}2:{letter}{LAST_TEMPLATE_ROW}")
    ws.freeze_panes = "A2"


def _form_sheet(ws: Worksheet, sheet: Sheet, lists: ListSheet, settings: Settings) -> None:
    """Two columns 项目 | 内容, one row per column, drop-downs on the 内容 cells."""
    for col, title in enumerate(FORM_HEADERS, start=1):
        cell = ws.cell(row=1, column=col)
        write_text(cell, title)
        _header_style(cell)
    for row, column in enumerate(sheet.columns, start=2):
        label = ws.cell(row=row, column=1)
        write_text(label, column.label)
        label.font = Font(bold=True)
        content = ws.cell(row=row, column=2)
        if column.type in COLUMN_FORMATS:
            content.number_format = COLUMN_FORMATS[column.type]
        _add_list(ws, lists, column, settings, f"B{row}")
    ws.column_dimensions["A"].width = _fit([c.label for c in sheet.columns] + list(FORM_HEADERS))
    ws.column_dimensions["B"].width = 30
    ws.freeze_panes = "A2"


def _instructions_sheet(ws: Worksheet, wb_def: contract.Workbook, settings: Settings) -> None:
    """Title, the workbook's instructions and a table of every sheet's columns."""
    write_text(ws.cell(row=1, column=1), f"{wb_def.title}填报说明")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    write_text(ws.cell(row=2, column=1), f"{settings.zone.name}{settings.zone.office}")
    lines = list(wb_def.instructions) + list(GENERAL_LINES)
    lines += [f"“{s.name}”工作表为选填，没有内容时可留空。" for s in wb_def.sheets if s.optional]
    row = 4
    for n, line in enumerate(lines, start=1):
        write_text(ws.cell(row=row, column=1), f"{n}. {line}")
        row += 1
    row += 1
    for col, (title, width) in enumerate(zip(INSTRUCTION_HEADERS, INSTRUCTION_WIDTHS), start=1):
        _header_style(ws.cell(row=row, column=col))
        write_text(ws.cell(row=row, column=col), title)
        ws.column_dimensions[column_letter(col)].width = width
    for sheet in wb_def.sheets:
        for column in sheet.columns:
            row += 1
            values = (sheet.name, column.header, "是" if column.required else "否",
                      requirement(column, settings))
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col)
                write_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def build_template(wb_def: contract.Workbook, settings: Settings) -> Workbook:
    """The blank workbook of one kind: 填报说明, the sheets, the hidden 下拉选项."""
    wb = Workbook()
    instructions = wb.active
    instructions.title = contract.INSTRUCTIONS_SHEET
    _instructions_sheet(instructions, wb_def, settings)
    sheets = [(wb.create_sheet(s.name), s) for s in wb_def.sheets]
    lists = ListSheet(wb)
    for ws, sheet in sheets:
        build = _form_sheet if sheet.layout == "form" else _table_sheet
        build(ws, sheet, lists, settings)
    if not lists.ranges:
        wb.remove(lists.ws)
    wb.properties.title = f"{wb_def.title}（模板）"
    wb.properties.creator = settings.zone.office
    wb.active = 0
    return wb


def csv_headers(kind: kinds.Kind = weekly.KIND) -> list[str]:
    """Header line of a kind's CSV form: its CSV sheet's columns plus the extra ones (a weekly
    report's 项目进展 columns plus 包联人, 报告周)."""
    sheet = kind.contract.sheet(kind.csv_sheet)
    return [c.label for c in (*sheet.columns, *kind.csv_extra_columns)]


def write_csv_template(path: Path, kind: kinds.Kind = weekly.KIND) -> Path:
    """A CSV template: one header line, UTF-8 with BOM so Excel reads Chinese."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerow(csv_headers(kind))
    return path


def write_blank_templates(out_dir: Path, settings: Settings) -> list[Path]:
    """Write every blank template into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind in kinds.KINDS.values():
        path = out_dir / f"{kind.title}（模板）.xlsx"
        build_template(kind.contract, settings).save(path)
        written.append(path)
        if kind.csv_extra_columns:  # a CSV form that is more than one sheet saved as CSV gets its own template
            written.append(write_csv_template(out_dir / f"{kind.title}（CSV模板）.csv", kind))
    return written
