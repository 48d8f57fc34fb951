"""The bad-input corpus: realistic mistakes and attacks, each with the outcome it must get.

Every case is a file as it would be dropped into <root>/inbox/<kind>/ — its name (which
may itself be the attack), its bytes and its arrival time — together with what the
ingest pass must make of it: loaded (with exact key values and row counts) or rejected
(with the exact sheet, row, column and header of every error, or the exact file-level
message), or ignored (left in the inbox, never read).

Nothing here is committed as binary: `build_cases()` makes every file from code, the same
bytes on every run (zip timestamps and document properties are pinned), and
`write_corpus(folder)` drops them into a folder laid out like the inbox.

    .venv/bin/python -m tests.corpus.make_corpus /tmp/corpus      # write the corpus, print the table
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlwt

from transforms.kinds.library import CONTRACT as LIBRARY
from transforms.kinds.monthly import CONTRACT as MONTHLY
from transforms.kinds.review import CONTRACT as REVIEW
from transforms.kinds.weekly import CONTRACT as WEEKLY
from transforms.kinds.weekly import CSV_EXTRA_COLUMNS as WEEKLY_CSV_EXTRA
from zhaoshang.settings import TIMEZONE

CONTACT_HEADERS = [c.header for c in MONTHLY.sheet("对接企业").columns]
SIGNING_HEADERS = [c.header for c in MONTHLY.sheet("签约项目").columns]
EXPENSE_HEADERS = [c.header for c in MONTHLY.sheet("经费支出").columns]
PROGRESS_HEADERS = [c.header for c in WEEKLY.sheet("项目进展").columns]
PROCEDURE_HEADERS = [c.header for c in WEEKLY.sheet("手续办理").columns]
PROBLEM_HEADERS = [c.header for c in WEEKLY.sheet("问题清单").columns]
LIBRARY_HEADERS = [c.header for c in LIBRARY.sheet("项目库").columns]
REVIEW_HEADERS = [c.header for c in REVIEW.sheet("评议得分").columns]
CSV_HEADERS = PROGRESS_HEADERS + [c.header for c in WEEKLY_CSV_EXTRA]

PINNED = (2021, 9, 1, 8, 0, 0)  # zip member timestamps: the same bytes on every run
FIRST_ARRIVAL = dt.datetime(2021, 9, 3, 8, 0)

# Messages the reader and staging give (asserted exactly).
EMPTY = "文件是空的（0 字节）。"
ENCRYPTED = "文件设置了打开密码（已加密），系统无法读取其中的内容。"
BOMB = "文件解压后体积异常巨大（疑似压缩炸弹），已拒绝读取。"
ENTITIES = "文件包含不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。"
FAR_CELL = "工作表中有数据的范围异常（到第 1048576 行、第 16384 列），已拒绝读取。"
CORRUPT = "文件已损坏，无法作为 Excel 工作簿打开。"
CORRUPT_INSIDE = "文件内部数据损坏，无法读取。"
IMAGE = "文件是一张图片，不是 Excel 工作簿。"
PDF = "文件是 PDF 文档，不是 Excel 工作簿，系统无法从中读取表格。"
WORD_DOCX = "文件是 Word 文档（.docx），不是 Excel 工作簿。"
BROKEN_OLE = "文件已损坏或结构不完整，系统无法读取其中的表格。"
TEXT_NAMED_XLSX = "文件名是 .xlsx，但内容是纯文本，不是 Excel 工作簿。"
NOT_UTF8_XML = "文件内部的工作表数据不是 UTF-8 编码（Excel、WPS 不会这样保存），已拒绝读取。"


# ── what a case must come to ─────────────────────────────────────────────────
Located = tuple[str, "int | None", "int | None", str]  # (sheet, row, col, header) of an error


@dataclass(frozen=True)
class Expect:
    """The outcome one file must get from an ingest pass."""

    status: str  # loaded | rejected | ignored
    rows: tuple[int, int, int, int] | None = None  # rows_read, rows_loaded, rows_rejected, rows_skipped
    errors: tuple[Located, ...] = ()  # rejected: every error finding, sorted
    message: str | None = None  # rejected: the one file-level message, exactly
    messages: tuple[str, ...] = ()  # further messages that must appear among the errors
    skipped: tuple[tuple[str, int, str], ...] = ()  # (sheet, row, reason) of every skipped row
    facts: dict[str, tuple[tuple[str, ...], list[tuple]]] = field(default_factory=dict)
    # table → (columns after sheet_row, expected rows ordered by sheet_row)
    period: str | None = None  # the ledger's subject period, when it matters
    warnings: int = 0
    hostile: bool = False  # must be refused within the resource bounds


_MADE: dict[str, bytes] = {}  # case id → bytes of the cases whose bytes are made on first use


@dataclass(frozen=True)
class Case:
    """One file of the corpus."""

    id: str
    kind: str  # inbox folder: 月报 | 周报 | 项目库 | 述职评议
    name: str | bytes  # as dropped; bytes for a name that is not UTF-8
    source: bytes | Callable[[], bytes]  # the bytes, or how to make them (the big ones are made on first use)
    expect: Expect
    what: str  # the mistake or attack, in a few words
    received: dt.datetime = FIRST_ARRIVAL

    @property
    def data(self) -> bytes:
        if isinstance(self.source, bytes):
            return self.source
        if self.id not in _MADE:
            _MADE[self.id] = self.source()
        return _MADE[self.id]

    @property
    def display_name(self) -> str:
        """The name as the ledger should record it (a GBK name decoded)."""
        return self.name.decode("gb18030") if isinstance(self.name, bytes) else self.name

    @property
    def fs_name(self) -> bytes:
        return self.name if isinstance(self.name, bytes) else os.fsencode(self.name)


# ── building files ────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Raw:
    """A cell written as raw SpreadsheetML: `inner` goes inside <c>, `t` is the cell type."""

    inner: str
    t: str | None = None


_PLACEHOLDER = 987_650_000


def xlsx(sheets: dict[str, Sequence[Sequence[object]]], hidden: Sequence[str] = (),
         merges: dict[str, Sequence[str]] | None = None, very_hidden: Sequence[str] = (),
         patch: Callable[[dict[str, bytes]], None] | None = None) -> bytes:
    """An .xlsx of `sheets` (rows from A1); Raw cells become hand-written XML; same bytes every run."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    raws: dict[int, Raw] = {}
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, Raw):
                    raws[_PLACEHOLDER + len(raws)] = value
                    value = _PLACEHOLDER + len(raws) - 1
                cells.append(value)
            ws.append(cells)
        for ref in (merges or {}).get(name, ()):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
        if name in very_hidden:
            ws.sheet_state = "veryHidden"
    buffer = io.BytesIO()
    book.save(buffer)
    parts = unzip(buffer.getvalue())
    for member, xml in parts.items():
        if member.startswith("xl/worksheets/"):
            parts[member] = re.sub(rb'<c r="([A-Z]+[0-9]+)"[^>]*><v>(98765\d{4})</v></c>',
                                   lambda m: _raw_cell(m.group(1), raws[int(m.group(2))]), xml)
    if patch:
        patch(parts)
    return rezip(parts)


def _raw_cell(ref: bytes, raw: Raw) -> bytes:
    kind = f' t="{raw.t}"' if raw.t else ""
    return b'<c r="' + ref + b'"' + kind.encode() + b">" + raw.inner.encode() + b"</c>"


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    """Pack members with pinned timestamps and document dates, so the bytes never change."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2021-09-01T08:00:00Z", content)
            archive.writestr(zipfile.ZipInfo(name, PINNED), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def sheet_xml(parts: dict[str, bytes], title: str) -> str:
    """The member name of the worksheet called `title` (openpyxl numbers sheets in workbook order)."""
    workbook = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), parts["xl/workbook.xml"].decode())
    names = re.findall(r'<sheet [^>]*name="([^"]*)"', workbook)
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def xls(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """A legacy .xls (BIFF8) of `sheets`, dates as real date cells."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for name, rows in sheets.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (dt.date, dt.datetime)):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def encrypted_ooxml() -> bytes:
    """An OLE2 compound file as Office writes a password-protected .xlsx: EncryptionInfo + EncryptedPackage.

    Hand-built (no olefile/msoffcrypto in the environment): CFB v3, 512-byte sectors, one FAT
    sector, one directory sector, both streams ≥ 4096 bytes so they live in normal sectors.
    """
    info = (struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
            b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
            b'hashAlgorithm="SHA512" saltValue="c2FsdHNhbHRzYWx0c2FsdA=="/></encryption>').ljust(4096, b"\x00")
    package = struct.pack("<Q", 9000) + bytes((i * 73 + 41) % 256 for i in range(8192 - 8))
    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    info_start, info_sectors = 2, len(info) // 512
    package_start, package_sectors = info_start + info_sectors, len(package) // 512
    fat = [fat_sect, end]
    for start, count in ((info_start, info_sectors), (package_start, package_sectors)):
        fat += [start + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", left, right, child) + b"\x00" * 16 + struct.pack("<IQQ", 0, 0, 0)
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, nostream, nostream, 2, end, 0)
                 + entry("EncryptionInfo", 2, nostream, nostream, nostream, info_start, len(info))
                 + entry("EncryptedPackage", 2, 1, nostream, nostream, package_start, len(package))
                 + b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", nostream, nostream, nostream)
                 + b"\x00" * 36 + struct.pack("<IQ", 0, 0))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    assert len(header) == 512 and len(directory) == 512
    return header + struct.pack("<128I", *fat) + directory + info + package


# ── valid base content ────────────────────────────────────────────────────────
GROUPS = {"energy": ("清洁能源和新型建材组", "张海涛", ("李明远", "王晓东")),
          "equipment": ("装备制造组", "刘志强", ("陈静", "杨帆")),
          "corn": ("玉米深加工组", "周丽娜", ("吴国庆", "郑凯"))}


def contact(enterprise: str, day: object, person: str, region: object = "吉林省", stage: str = "初步接触",
            method: str = "上门拜访", intended: object = None, industry: str = "汽车配套") -> list[object]:
    return [1, enterprise, region, industry, day, method, person, "洽谈合作", intended, stage, None]


def signing(project: str, enterprise: str, day: object, wan: object, agreement: str = "投资协议") -> list[object]:
    return [1, project, enterprise, day, agreement, wan, "汽车配套", "厂房及生产线", None, None, None]


def expense(day: object, yuan: object, handler: str, category: str = "交通") -> list[object]:
    return [1, day, category, yuan, "外出招商", handler]


def basic(group: str, month: object, reporter: str) -> list[list[object]]:
    return [["项目", "内容"], ["工作组", group], ["报告月份", month], ["填报人", reporter]]


def monthly_sheets(code: str, month: str, contacts=None, signings=(), expenses=None,
                   month_cell: object = None) -> dict[str, list[list[object]]]:
    """A valid monthly report for group `code` and month "YYYY-MM" (two contacts, two expenses by default)."""
    group, reporter, (first, second) = GROUPS[code]
    year, mon = map(int, month.split("-"))
    day = lambda d: f"{year}-{mon:02d}-{d:02d}"  # noqa: E731
    if contacts is None:
        contacts = [contact("兴安某某科技有限公司", day(3), first), contact("中车集团兴安分公司", day(10), second)]
    if expenses is None:
        expenses = [expense(day(5), 1200, first), expense(day(6), 860.5, second, "住宿")]
    return {
        "基本信息": basic(group, month if month_cell is None else month_cell, reporter),
        "对接企业": [CONTACT_HEADERS, *contacts],
        "签约项目": [SIGNING_HEADERS, *signings],
        "经费支出": [EXPENSE_HEADERS, *expenses],
    }


def weekly_sheets(cadre: str, week: object, codes: Sequence[str], cumulative: float = 1200.0,
                  procedures: Sequence[Sequence[object]] | None = None,
                  problems: Sequence[Sequence[object]] | None = None) -> dict[str, list[list[object]]]:
    progress = [[code, "风电装备项目", "兴安风电有限公司", "新建", 50000, 300, cumulative, "主体施工", "主体结构施工",
                 None, None, "林振华"] for code in codes]
    if procedures is None:
        procedures = [[codes[0], "环评", "已办结", "2021-06-30", "2021-06-28", None]]
    sheets = {"基本信息": [["项目", "内容"], ["包联人", cadre], ["报告周", week]],
              "项目进展": [PROGRESS_HEADERS, *progress],
              "手续办理": [PROCEDURE_HEADERS, *procedures]}
    if problems is not None:
        sheets["问题清单"] = [PROBLEM_HEADERS, *problems]
    return sheets


def csv_rows(cadre: str, week: object, codes: Sequence[str], builder: str = "兴安风电有限公司",
             cumulative: object = 1200) -> list[list[object]]:
    return [CSV_HEADERS] + [[code, "风电装备项目", builder, "新建", 50000, 300, cumulative, "主体施工",
                             "主体结构施工", None, None, "林振华", cadre, week] for code in codes]


LIBRARY_PROJECTS = [  # code, cadre, group
    ("KFQ2021-001", "李明远", "清洁能源和新型建材组"), ("KFQ2021-002", "李明远", "清洁能源和新型建材组"),
    ("KFQ2021-003", "王晓东", "清洁能源和新型建材组"), ("KFQ2021-004", "陈静", "装备制造组"),
    ("KFQ2021-005", "杨帆", "装备制造组"), ("KFQ2021-006", "吴国庆", "玉米深加工组"),
    ("KFQ2021-007", "郑凯", "玉米深加工组"), ("KFQ2021-008", "陈静", "装备制造组"),
    ("KFQ2021-009", "杨帆", "装备制造组"), ("KFQ2021-010", "吴国庆", "玉米深加工组"),
    ("KFQ2021-011", "王晓东", "清洁能源和新型建材组"), ("KFQ2021-012", "郑凯", "玉米深加工组"),
]


def library_row(code: str, cadre: str, group: str) -> list[object]:
    return [code, f"项目{code[-3:]}", "兴安风电有限公司", group, "风电装备", "新建", 50000, "2021-03-01",
            "2022-12-31", cadre, "林振华", "在建"]


def blank_template_with(kind_sheets: dict[str, list[list[object]]], workbook_kind: str) -> bytes:
    """The pipeline's own blank template, filled in: 填报说明 first, the hidden 下拉选项 list sheet."""
    from transforms.kinds import workbooks
    from zhaoshang.intake.forms import build_template
    from zhaoshang.settings import load_settings

    settings = load_settings({"ZHAOSHANG_ROOT": "/nonexistent-corpus-root"})
    book = build_template(workbooks()[workbook_kind], settings)
    for name, rows in kind_sheets.items():
        ws = book[name]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if r == 1 or (ws.title == "基本信息" and c == 1):
                    continue  # the template's own header / labels stay as they are
                ws.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return rezip(unzip(buffer.getvalue()))


# ── the cases ─────────────────────────────────────────────────────────────────
def _ok(rows: tuple[int, int, int, int], facts=None, skipped=(), period=None, warnings=0, hostile=False) -> Expect:
    return Expect("loaded", rows=rows, facts=facts or {}, skipped=tuple(skipped), period=period,
                  warnings=warnings, hostile=hostile)


def _refused(message: str, hostile: bool = False) -> Expect:
    return Expect("rejected", rows=(0, 0, 0, 0), message=message, hostile=hostile)


def _errors(rows: tuple[int, int, int, int], *errors: Located, messages: Sequence[str] = (), skipped=()) -> Expect:
    return Expect("rejected", rows=rows, errors=tuple(sorted(errors, key=_sort_key)), messages=tuple(messages),
                  skipped=tuple(skipped))


def _sort_key(e: Located) -> tuple:
    return (e[0], e[1] or 0, e[2] or 0, e[3])


EXPENSE_COLS = ("spent_on", "amount_yuan", "handler")
CONTACT_COLS = ("enterprise", "region", "contact_date", "contact_person")
D = dt.date



def monthly_cases() -> list[Case]:
    cases: list[Case] = []

    def add(case_id: str, name: str | bytes, data: bytes | Callable[[], bytes], expect: Expect, what: str) -> None:
        cases.append(Case(case_id, "月报", name, data, expect, what))

    # 1. the office's own template, filled in: 填报说明 first, hidden 下拉选项 sheet
    add("template-filled", "装备制造组2021年1月招商工作月报.xlsx",
        lambda: blank_template_with(monthly_sheets("equipment", "2021-01"), "月报"),
        _ok((4, 4, 0, 0), {"fact_expense": (EXPENSE_COLS, [(2, D(2021, 1, 5), 1200.0, "陈静"),
                                                           (3, D(2021, 1, 6), 860.5, "杨帆")])}, period="2021-01"),
        "the blank template filled in (instructions sheet, hidden list sheet)")

    # 2. title rows and a two-row merged header
    sheets = monthly_sheets("equipment", "2021-02")
    sheets["对接企业"] = [["装备制造组2021年2月对接企业情况"], [None],
                          CONTACT_HEADERS[:8] + ["意向投资", None, "备注"],
                          [None] * 8 + ["意向投资额（万元）", "对接阶段", None],
                          contact("兴安某某科技有限公司", "2021-02-03", "陈静", intended="1.5万"),
                          contact("中车集团兴安分公司", "2021-02-10", "杨帆", intended=800)]
    merges = [f"{c}3:{c}4" for c in "ABCDEFGHK"] + ["I3:J3", "A1:K1"]
    add("title-merged-header", "装备2月月报（带标题）.xlsx", xlsx(sheets, merges={"对接企业": merges}),
        _ok((4, 4, 0, 0), {"fact_contact": (("enterprise", "intended_wan", "stage"),
                                            [(5, "兴安某某科技有限公司", 1.5, "初步接触"),
                                             (6, "中车集团兴安分公司", 800.0, "初步接触")])}, period="2021-02"),
        "a title row above the table and a two-row header (merged group title over 意向投资额/对接阶段)")

    # 3. blank rows and 合计 rows (with a SUM formula that has no cached value)
    sheets = monthly_sheets("equipment", "2021-03", expenses=[
        expense("2021-03-05", 1200, "陈静"), [None] * 6, expense("2021-03-08", "1,500", "杨帆"),
        ["合计", None, None, "=SUM(D2:D4)", None, None], [None, None, None, None, None, None],
        ["", "　", "\u200b", None, None, None], ["总计（元）", None, None, 2700, None, None]])
    add("total-and-blank-rows", "装备3月月报.xlsx", xlsx(sheets),
        _ok((9, 4, 0, 5), {"fact_expense": (EXPENSE_COLS, [(2, D(2021, 3, 5), 1200.0, "陈静"),
                                                           (4, D(2021, 3, 8), 1500.0, "杨帆")])},
            skipped=[("经费支出", 3, "空行"), ("经费支出", 5, "合计行"), ("经费支出", 6, "空行"),
                     ("经费支出", 7, "空行"), ("经费支出", 8, "合计行")], period="2021-03"),
        "blank rows, a row of only spaces and zero-width characters, a 合计 row with =SUM() and a 总计 row")

    # 4. formulas whose cached values Excel saved: the values are read
    sheets = monthly_sheets("energy", "2021-01", expenses=[
        [1, "2021-01-05", "交通", Raw("<f>600*2</f><v>1200</v>"), "外出招商", "李明远"],
        [2, "2021-01-06", "住宿", Raw("<f>D2/2+0.5</f><v>600.5</v>"), "外出招商", "王晓东"],
        ["合计", None, None, Raw("<f>SUM(D2:D3)</f><v>1800.5</v>"), None, None]])
    sheets["签约项目"].append(signing("风电塔筒项目", "中车集团兴安分公司", Raw("<f>DATE(2021,1,20)</f><v>44216</v>"),
                                      Raw('<f>"1.2万"</f><v>1.2万</v>', "str")))
    add("formulas-with-values", "能源1月月报（含公式）.xlsx", xlsx(sheets),
        _ok((6, 5, 0, 1), {"fact_expense": (EXPENSE_COLS, [(2, D(2021, 1, 5), 1200.0, "李明远"),
                                                           (3, D(2021, 1, 6), 600.5, "王晓东")]),
                           "fact_signing": (("signed_on", "investment_wan"), [(2, D(2021, 1, 20), 1.2)])},
            skipped=[("经费支出", 4, "合计行")], period="2021-01"),
        "formulas with the values Excel cached (numbers, a date serial, a string result)")

    # 5. formulas with no cached value (written by a program, never opened in Excel)
    sheets = monthly_sheets("energy", "2021-02", expenses=[
        expense("2021-02-05", "=600*2", "李明远"), expense("=DATE(2021,2,6)", 300, "王晓东")])
    add("formulas-without-values", "能源2月月报（公式未计算）.xlsx", xlsx(sheets),
        _errors((4, 0, 4, 0), ("经费支出", 2, 4, "金额（元）"), ("经费支出", 3, 2, "支出日期"),
                messages=["单元格中的公式“=600*2”没有计算结果（文件未经 Excel/WPS 计算保存）。"]),
        "formulas without cached values in an amount and a date column")

    # 6. cached error values: #DIV/0!, #REF!, #N/A, #VALUE!
    sheets = monthly_sheets("energy", "2021-03", expenses=[
        [1, "2021-03-05", "交通", Raw("<f>1/0</f><v>#DIV/0!</v>", "e"), "外出招商", "李明远"],
        [2, Raw("<v>#VALUE!</v>", "e"), "住宿", 300, "外出招商", "王晓东"]])
    sheets["签约项目"].append(signing("风电塔筒项目", "中车集团兴安分公司", "2021-03-20",
                                      Raw("<f>#REF!*2</f><v>#REF!</v>", "e")))
    sheets["对接企业"][1][6] = Raw("<f>VLOOKUP(A2,名单!A:B,2,0)</f><v>#N/A</v>", "e")
    add("error-values", "能源3月月报（#REF!）.xlsx", xlsx(sheets),
        _errors((5, 0, 5, 0), ("经费支出", 2, 4, "金额（元）"), ("经费支出", 3, 2, "支出日期"),
                ("签约项目", 2, 6, "协议投资额（万元）"), ("对接企业", 2, 7, "对接人"),
                messages=["单元格是 Excel 错误值“#DIV/0!”（公式出错），不是有效内容。"]),
        "cells holding #DIV/0!, #VALUE!, #REF! and #N/A (in amount, date and person columns)")

    # 6b. an error value in a free-text column must not be loaded as text
    sheets = monthly_sheets("energy", "2021-04")
    sheets["对接企业"][1][1] = Raw("<f>Sheet2!B3</f><v>#REF!</v>", "e")
    sheets["对接企业"][2][7] = "=CONCATENATE(B3,\"洽谈\")"  # optional text column, formula never computed
    add("error-in-text-column", "能源4月月报（企业名称#REF!）.xlsx", xlsx(sheets),
        _errors((4, 0, 4, 0), ("对接企业", 2, 2, "企业名称"), ("对接企业", 3, 8, "洽谈内容")),
        "#REF! in 企业名称 and a never-computed formula in 洽谈内容 (text columns)")

    # 7. full-width text and zero-width characters everywhere
    sheets = {
        "基本信息": basic("玉米深加工组\u200b", "２０２１年１月", "周\u3000丽娜"),
        "对接企业": [CONTACT_HEADERS,
                     [1, "中粮集团\u200b（吉林）有限公司", "吉林", "玉米淀粉", "２０２１－０１－０５", "上门拜访",
                      "吴\u200b国庆", "洽谈合作", "１，２００", "初步接触", None],
                     [2, " 丰原集团 (安徽)\u00a0有限公司 ", "安徽\ufeff", "聚乳酸", "２０２１年１月１２日", "来访接待",
                      "郑　凯", None, "０.５万", "深入洽谈", None]],
        "签约项目": [SIGNING_HEADERS],
        "经费支出": [EXPENSE_HEADERS, [1, "2021-01-15\u200b", "交\u200b通", "１２００元", "外出招商", "郑\u2060凯"]],
    }
    add("fullwidth-zerowidth", "玉米１月月报.xlsx", xlsx(sheets),
        _ok((3, 3, 0, 0), {"fact_contact": (CONTACT_COLS + ("intended_wan",), [
            (2, "中粮集团（吉林）有限公司", "吉林省", D(2021, 1, 5), "吴国庆", 1200.0),
            (3, "丰原集团（安徽）有限公司", "安徽省", D(2021, 1, 12), "郑凯", 0.5)]),
            "fact_expense": (("category", "amount_yuan", "handler"), [(2, "交通", 1200.0, "郑凯")])},
            period="2021-01"),
        "full-width digits and punctuation, ideographic and no-break spaces, zero-width characters, short regions")

    # 7b. zero-width characters inside a header and a sheet name (pasted from a chat message)
    sheets = monthly_sheets("corn", "2021-08")
    sheets["经费支出"][0] = [h.replace("金额", "金\u200b额") for h in EXPENSE_HEADERS]
    sheets["对接企业\u200b"] = sheets.pop("对接企业")
    add("zero-width-header", "玉米8月月报（表头有零宽字符）.xlsx", xlsx(sheets),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-08"),
        "a zero-width space inside the header 金额（元） and inside the sheet name 对接企业")

    # 8. every date style of DESIGN §3.5, and a month cell Excel turned into a date
    days = ["2021-04-01", "2021/4/2", "2021.4.3", "2021年4月4日", dt.datetime(2021, 4, 5), 44292, "44293",
            "２０２１－０４－０８", "20210409", " 2021-04-10 ", "2021-04-11 00:00:00", "2021/4/12 0:00"]
    sheets = monthly_sheets("energy", "2021-04", contacts=[
        contact(f"企业{i:02d}", day, "李明远") for i, day in enumerate(days, start=1)],
        month_cell=dt.datetime(2021, 4, 1))
    add("date-styles", "能源4月月报（各种日期写法）.xlsx", xlsx(sheets),
        _ok((14, 14, 0, 0), {"fact_contact": (("contact_date",), [(i + 1, D(2021, 4, i)) for i in range(1, 13)])},
            period="2021-04"),
        "dates as 2021-04-01, 2021/4/2, 2021.4.3, 2021年4月4日, a date cell, serials 44292 and '44293', "
        "full-width, 20210409, padded, with a midnight time; 报告月份 a date cell 2021-04-01")

    # 9. every amount style
    amounts = [1200, "1,200", "1.2万", "12000元", "¥1,200.50", "１２００", "1.5万元", "￥ 860.505", "1，200"]
    sheets = monthly_sheets("energy", "2021-05", expenses=[
        expense(f"2021-05-{i:02d}", a, "王晓东") for i, a in enumerate(amounts, start=1)],
        signings=[signing("风电塔筒项目", "中车集团兴安分公司", "2021-05-20", "0.5亿"),
                  signing("储能电站项目", "远景能源有限公司", "2021-05-21", "12000元"),
                  signing("光伏组件项目", "金风科技", "2021-05-22", "3,500.5")])
    add("amount-styles", "能源5月月报（各种金额写法）.xlsx", xlsx(sheets),
        _ok((14, 14, 0, 0), {
            "fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 1200.0), (4, 12000.0), (5, 12000.0), (6, 1200.5),
                                                 (7, 1200.0), (8, 15000.0), (9, 860.51), (10, 1200.0)]),
            "fact_signing": (("investment_wan",), [(2, 5000.0), (3, 1.2), (4, 3500.5)])}, period="2021-05"),
        "amounts as 1,200 / 1.2万 / 12000元 / ¥1,200.50 / full-width / 1.5万元 / 0.5亿 / 12000元 in 万元")

    # 10. ambiguous and impossible dates
    sheets = monthly_sheets("equipment", "2021-04", contacts=[
        contact("甲公司", "04/03/2021", "陈静"), contact("乙公司", "3/4/21", "杨帆"),
        contact("丙公司", "2021-04-31", "陈静"), contact("丁公司", "4月5日", "杨帆"),
        contact("戊公司", "2021-04-06", "陈静")])
    add("ambiguous-dates", "装备4月月报.xlsx", xlsx(sheets),
        _errors((7, 0, 7, 0), ("对接企业", 2, 5, "对接日期"), ("对接企业", 3, 5, "对接日期"),
                ("对接企业", 4, 5, "对接日期"), ("对接企业", 5, 5, "对接日期"),
                messages=["日期“04/03/2021”有歧义（无法确定年、月、日的顺序）。", "日期“2021-04-31”不存在。"]),
        "dates 04/03/2021 and 3/4/21 (day or month first?), 2021-04-31, 4月5日 (no year)")

    # 11. a month that cannot be read, a full date in the month cell
    sheets = monthly_sheets("equipment", "2021-05", month_cell="5月")
    add("month-without-year", "装备5月月报.xlsx", xlsx(sheets),
        _errors((4, 0, 4, 0), ("基本信息", 3, 2, "报告月份"), messages=["无法识别的月份“5月”。"]),
        "报告月份 written as 5月 (no year)")
    sheets = monthly_sheets("equipment", "2021-05", month_cell=dt.datetime(2021, 5, 15))
    add("month-as-full-date", "装备5月月报（月份填成日期）.xlsx", xlsx(sheets),
        _errors((4, 0, 4, 0), ("基本信息", 3, 2, "报告月份"),
                messages=["报告月份填成了具体日期“2021-05-15”，无法确定所指月份。"]),
        "报告月份 as the date 2021-05-15")

    # 12. a wrong (old) template: renamed and missing columns
    sheets = monthly_sheets("equipment", "2021-06")
    sheets["对接企业"] = [[h for h in CONTACT_HEADERS if h != "对接阶段"]] + [r[:9] + r[10:] for r in sheets["对接企业"][1:]]
    sheets["经费支出"][0] = [("金额" if h == "金额（元）" else h) for h in EXPENSE_HEADERS]
    add("old-template", "装备6月月报（旧模板）.xlsx", xlsx(sheets),
        _errors((4, 0, 4, 0), ("对接企业", 1, None, "对接阶段"), ("经费支出", 1, None, "金额（元）"),
                messages=["缺少必填列“对接阶段”。", "缺少必填列“金额（元）”。"]),
        "last year's template: no 对接阶段 column, 金额 instead of 金额（元）")

    # 13. a different workbook altogether (a roster) in 月报/
    add("unrelated-workbook", "人员名单.xlsx", xlsx({"人员名单": [["姓名", "部门", "电话"], ["陈静", "装备制造组", "138"]]}),
        _errors((0, 0, 0, 0), ("", None, None, ""), ("", None, None, ""), ("", None, None, ""), ("", None, None, ""),
                messages=["缺少工作表“基本信息”。", "缺少工作表“对接企业”。", "缺少工作表“签约项目”。", "缺少工作表“经费支出”。"]),
        "a workbook that is not a monthly report at all")

    # 14. a weekly report dropped into 月报/
    add("weekly-in-monthly-folder", "李明远第35周周报.xlsx",
        xlsx(weekly_sheets("李明远", "2021-08-30", ["KFQ2021-001"])),
        _refused("此文件看起来是“项目周报”，却放在了“月报”文件夹中。"),
        "a weekly report in the monthly folder")

    # 15. wrong extensions
    add("xls-real", "玉米2月月报.xls", xls(monthly_sheets("corn", "2021-02") | {
        "经费支出": [EXPENSE_HEADERS, expense(dt.date(2021, 2, 5), 1200, "吴国庆"), expense("2021-02-06", "860.5", "郑凯")]}),
        _ok((4, 4, 0, 0), {"fact_expense": (EXPENSE_COLS, [(2, D(2021, 2, 5), 1200.0, "吴国庆"),
                                                           (3, D(2021, 2, 6), 860.5, "郑凯")])}, period="2021-02"),
        "a real legacy .xls (BIFF8) with date cells")
    add("xlsx-named-xls", "玉米3月月报.xls", xlsx(monthly_sheets("corn", "2021-03")),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-03"),
        "an .xlsx saved with the .xls extension")
    add("xls-named-xlsx", "玉米4月月报.xlsx", xls(monthly_sheets("corn", "2021-04")),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-04"),
        "a legacy .xls renamed to .xlsx")
    add("csv-named-xlsx", "玉米5月月报.xlsx", csv_bytes(monthly_sheets("corn", "2021-05")["经费支出"], "gbk"),
        _refused(TEXT_NAMED_XLSX), "a CSV export renamed to .xlsx (monthly reports must be workbooks)")

    # 16. WPS-style wrong declared dimensions
    def shrink(parts: dict[str, bytes]) -> None:
        for member in [m for m in parts if m.startswith("xl/worksheets/")]:
            parts[member] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', parts[member])
    add("wps-dimension-too-small", "玉米5月月报（WPS）.xlsx", xlsx(monthly_sheets("corn", "2021-05"), patch=shrink),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-05"),
        "WPS wrote <dimension ref=\"A1\"/> although the data reach row 3")

    def grow(parts: dict[str, bytes]) -> None:
        for member in [m for m in parts if m.startswith("xl/worksheets/")]:
            parts[member] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', parts[member])
    add("huge-declared-dimension", "玉米6月月报.xlsx", xlsx(monthly_sheets("corn", "2021-06"), patch=grow),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-06",
            hostile=True),
        "a declared dimension of A1:XFD1048576 over a small table (read by content, within bounds)")

    # 17. formatting down to row 1,048,576
    add("formatted-to-last-row", "玉米7月月报.xlsx",
        lambda: xlsx(monthly_sheets("corn", "2021-07"), patch=lambda parts: _format_to_the_end(parts, 4)),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-07",
            hostile=True),
        "row heights set on every row down to 1,048,576 and styled empty cells in the last row")

    # 18. hidden sheets
    stale = monthly_sheets("equipment", "2021-07")
    current = monthly_sheets("equipment", "2021-08")
    sheets = {"基本信息": current["基本信息"], "对接企业": stale["对接企业"], "对接企业（8月）": current["对接企业"],
              "签约项目": current["签约项目"], "经费支出": current["经费支出"]}
    add("hidden-stale-sheet", "装备8月月报.xlsx", xlsx(sheets, hidden=["对接企业"]),
        _errors((2, 0, 2, 0), ("", None, None, ""), ("", None, None, ""),
                messages=["工作表“对接企业”是隐藏的，其中有数据，系统不会读取隐藏的工作表。",
                          "工作表“对接企业（8月）”的表头与“对接企业”相同，但名称不是“对接企业”，系统不会读取它。"]),
        "last month's 对接企业 hidden, this month's data in a visible copy 对接企业（8月）")
    sheets = monthly_sheets("energy", "2021-06") | {"旧数据": [["随便写的"], ["=1/0"]], "草稿": [["x", 1]]}
    add("hidden-extra-sheets", "能源6月月报.xlsx", xlsx(sheets, hidden=["旧数据"], very_hidden=["草稿"]),
        _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])}, period="2021-06"),
        "a hidden and a very hidden scratch sheet beside the contract sheets (ignored)")
    return cases


def hostile_monthly_cases() -> list[Case]:
    """Files that are attacks on the reader (or simply not a workbook): refused before any parser runs."""
    base = xlsx(monthly_sheets("equipment", "2021-07"))
    cases: list[Case] = []

    def add(case_id: str, name: str, data: bytes | Callable[[], bytes], expect: Expect, what: str) -> None:
        cases.append(Case(case_id, "月报", name, data, expect, what))

    def patched(fn: Callable[[dict[str, bytes]], None]) -> Callable[[], bytes]:
        def make() -> bytes:
            parts = unzip(base)
            fn(parts)
            return rezip(parts)
        return make

    add("zero-bytes", "装备7月月报（空文件）.xlsx", b"", _refused(EMPTY, hostile=True), "a file of zero bytes")
    add("encrypted", "装备7月月报（加密）.xlsx", encrypted_ooxml(), _refused(ENCRYPTED, hostile=True),
        "a password-protected workbook (OLE container with EncryptionInfo/EncryptedPackage)")

    def bomb(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        parts[member] = parts[member].replace(b"</sheetData>", b"</sheetData>" + b" " * (100 * 1024 * 1024), 1)
    add("zip-bomb", "装备7月月报（压缩炸弹）.xlsx", patched(bomb), _refused(BOMB, hostile=True),
        "100 MB of whitespace deflated to a few hundred KB inside a sheet")
    add("zip-bomb-lying-sizes", "装备7月月报（炸弹2）.xlsx", lambda: _lying_sizes(patched(bomb)()),
        _refused(CORRUPT_INSIDE, hostile=True),
        "the same bomb with the zip directory claiming the member is 1 KB")

    def far(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        parts[member] = parts[member].replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    add("far-cell", "装备7月月报（远端单元格）.xlsx", patched(far), _refused(FAR_CELL, hostile=True),
        "a value at XFD1048576: a sheet of 17 billion cells to whoever allocates the range")

    laughs = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
              + b"]>")

    def billion_laughs(parts: dict[str, bytes]) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<workbook", laughs + b"<workbook", 1)
    add("entity-expansion", "装备7月月报（实体扩展）.xlsx", patched(billion_laughs), _refused(ENTITIES, hostile=True),
        "billion laughs: nested entities in a DOCTYPE of xl/workbook.xml")

    def laughs_after_comment(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        body = parts[member]
        body = body.replace(b"<worksheet", b"<!--" + b"x" * 8192 + b"-->" + laughs.replace(b"lolz", b"worksheet")
                            + b"<worksheet", 1)
        parts[member] = body.replace(b"<v>1200</v>", b"<v>&lol9;</v>", 1)
    add("entity-expansion-late", "装备7月月报（实体扩展2）.xlsx", patched(laughs_after_comment),
        _refused(ENTITIES, hostile=True), "the DOCTYPE hidden behind an 8 KB comment in a worksheet, used in a cell")

    def external_entity(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        parts[member] = parts[member].replace(
            b"<worksheet", b'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet', 1).replace(
            b"<v>1200</v>", b"<v>&xxe;</v>", 1)
    add("external-entity", "装备7月月报（外部实体）.xlsx", patched(external_entity), _refused(ENTITIES, hostile=True),
        "an external entity (XXE) pointing at /etc/passwd")

    def utf16_sheet(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        text = parts[member].decode("utf-8").replace('<?xml version="1.0" encoding="UTF-8"?>', "")
        text = text.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
        parts[member] = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    add("utf16-xml", "装备7月月报（UTF-16）.xlsx", patched(utf16_sheet), _refused(NOT_UTF8_XML, hostile=True),
        "a worksheet encoded as UTF-16, where byte scans for far cells and DOCTYPE see nothing")

    def shared_string_bomb(parts: dict[str, bytes]) -> None:
        parts["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                                         b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
                                         + "招商".encode() * 500_000 + b"</t></si></sst>")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
                                 b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        member = sheet_xml(parts, "经费支出")
        cells = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (c, r) for c in (b"A", b"B", b"C", b"D", b"E", b"F", b"G", b"H", b"I", b"J"))
                         + b"</row>" for r in range(10, 210))
        parts[member] = parts[member].replace(b"</sheetData>", cells + b"</sheetData>")
    add("shared-string-bomb", "装备7月月报（共享字符串）.xlsx", patched(shared_string_bomb),
        _refused("工作表中的文字内容展开后体积异常巨大（疑似共享字符串炸弹），已拒绝读取。", hostile=True),
        "one 3 MB shared string used by 2,000 cells: a 30 KB file that expands to 6 GB in the parser")

    def rows_without_positions(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        parts[member] = parts[member].replace(
            b"</sheetData>", b"<row/>" * 300_000 + b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row></sheetData>")
    add("rows-without-positions", "装备7月月报（无行号）.xlsx", patched(rows_without_positions),
        _refused("工作表中有数据的范围异常（到第 300004 行、第 206 列），已拒绝读取。", hostile=True),
        "300,000 empty <row/> without r= and then a row of 200 cells without r=: a 60-million-cell range")

    def prefixed_far_cell(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        body = parts[member].replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="').replace(b"</worksheet>", b"</x:worksheet>")
        body = re.sub(rb"<(/?)(sheetData|row|c|v|is|t|dimension|sheetViews|sheetView|selection|sheetFormatPr|pageMargins|"
                      rb"sheetPr|outlinePr|pageSetUpPr)\b", rb"<\1x:\2", body)
        parts[member] = body.replace(b"</x:sheetData>", b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c>'
                                                        b"</x:row></x:sheetData>")
    add("prefixed-far-cell", "装备7月月报（前缀）.xlsx", patched(prefixed_far_cell), _refused(FAR_CELL, hostile=True),
        "the far cell again, in a sheet whose elements carry a namespace prefix (<x:c r=…>)")

    def sheet_elsewhere(parts: dict[str, bytes]) -> None:
        member = sheet_xml(parts, "经费支出")
        body = parts.pop(member).replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
        parts["xl/media/image1.png"] = body
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            member.removeprefix("xl/").encode(), b"media/image1.png")
    add("sheet-disguised-as-image", "装备7月月报（伪装）.xlsx", patched(sheet_elsewhere), _refused(FAR_CELL, hostile=True),
        "the far cell in a sheet stored as xl/media/image1.png (scans that only look at worksheets/ miss it)")

    add("truncated-xlsx", "装备7月月报（下载中断）.xlsx", base[: len(base) // 2], _refused(CORRUPT, hostile=True),
        "a workbook cut off half way (an interrupted copy)")
    add("png-named-xlsx", "装备7月月报截图.xlsx", _png(), _refused(IMAGE, hostile=True),
        "a screenshot saved as .xlsx")
    add("pdf-named-xlsx", "装备7月月报.pdf.xlsx", _pdf(), _refused(PDF, hostile=True),
        "a PDF print of the report renamed to .xlsx")
    add("docx-in-inbox", "装备7月工作总结.docx", _docx(), _refused(WORD_DOCX, hostile=True),
        "a Word document (a zip, but not a workbook)")
    add("ole-garbage", "装备7月月报（旧格式损坏）.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40,
        _refused(BROKEN_OLE, hostile=True),
        "an .xls whose OLE header leads nowhere (parsed in a memory-capped child with a time-out)")

    sheets = monthly_sheets("equipment", "2021-07", expenses=[expense("2021-07-05", "约一千", "陈静")])
    cases.append(Case("formatted-to-last-row-with-error", "月报", "装备7月月报（格式到底且有错）.xlsx",
                      lambda: xlsx(sheets, patch=lambda parts: _format_to_the_end(parts, 3)),
                      _errors((3, 0, 3, 0), ("经费支出", 2, 4, "金额（元）")),
                      "formatting down to row 1,048,576 and one unreadable amount: the explanation must stay bounded"))
    return cases


def _format_to_the_end(parts: dict[str, bytes], first: int) -> None:
    """Row heights on every row of 经费支出 from `first` down to 1,048,576, styled empty cells in the last."""
    member = sheet_xml(parts, "经费支出")
    rows = b"".join(b'<row r="%d" spans="1:6" ht="20.1" customHeight="1"/>' % r for r in range(first, 1_048_576))
    last = b'<row r="1048576" spans="1:6" ht="20.1" customHeight="1"><c r="A1048576" s="0"/><c r="F1048576" s="0"/></row>'
    parts[member] = parts[member].replace(b"</sheetData>", rows + last + b"</sheetData>")
    parts[member] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:F1048576"/>', parts[member])


def _lying_sizes(data: bytes) -> bytes:
    """Rewrite the zip so every header claims the largest member inflates to 1 KB."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    biggest = max(archive.infolist(), key=lambda m: m.file_size)
    out = bytearray(data)
    real = struct.pack("<I", biggest.file_size)
    fake = struct.pack("<I", 1024)
    local = biggest.header_offset
    out[local + 22:local + 26] = fake  # local file header: uncompressed size
    start = 0
    while (central := data.find(b"PK\x01\x02", start)) != -1:
        name_len = struct.unpack("<H", data[central + 28:central + 30])[0]
        if data[central + 46:central + 46 + name_len].decode() == biggest.filename:
            assert data[central + 24:central + 28] == real
            out[central + 24:central + 28] = fake
        start = central + 4
    return bytes(out)


def _png() -> bytes:
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * 16 for _ in range(16)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _pdf() -> bytes:
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _docx() -> bytes:
    return rezip({"[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
                  "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body/></w:document>'})


# ── names that attack how destinations are built ─────────────────────────────
def name_cases() -> list[Case]:
    """Valid reports under names that must never steer where copies are written."""
    long_mixed = "能源组2月月报_" + ("final_version_v2_" * 13)[:202] + ".xlsx"  # 215 characters, 227 bytes
    long_chinese = "清洁能源和新型建材组二〇二一年八月份招商引资工作月度报告" * 2 + "最终版本请审阅谢谢各位领导辛苦了各位同事一起努力加油.xlsx"
    assert len(long_mixed) >= 200 and len(long_mixed.encode()) <= 255, (len(long_mixed), len(long_mixed.encode()))
    assert len(long_chinese.encode()) <= 255 and len(long_chinese.encode()) > 200
    specs = [
        ("name-backslashes", "月报\\..\\..\\..\\..\\tmp\\装备7月.xlsx", ("equipment", "2021-07")),
        ("name-windows-path", "C:\\Windows\\System32\\装备6月.xlsx", ("equipment", "2021-06")),
        ("name-control-chars", "能源\x01\x1b[31m7月\x7f\n月报\r.xlsx", ("energy", "2021-07")),
        ("name-200-chars", long_mixed, ("energy", "2021-02")),
        ("name-long-chinese", long_chinese, ("energy", "2021-08")),
        ("name-gbk-bytes", "能源3月份月报.xlsx".encode("gbk"), ("energy", "2021-03")),
        ("name-windows-reserved", 'CON<装备>:"5月"|?*.xlsx', ("equipment", "2021-05")),
    ]
    cases = []
    for case_id, name, (code, month) in specs:
        sheets = monthly_sheets(code, month)
        sheets["对接企业"][1][7] = f"洽谈合作（{case_id}）"  # distinct bytes for every case
        cases.append(Case(case_id, "月报", name, xlsx(sheets),
                          _ok((4, 4, 0, 0), {"fact_expense": (("amount_yuan",), [(2, 1200.0), (3, 860.5)])},
                              period=month), "a valid report under a hostile file name"))
    dotted = monthly_sheets("corn", "2021-06")
    cases.append(Case("name-dot-dot", "月报", "..\\..\\..\\etc\\cron.d\\月报.xlsx", xlsx(dotted), Expect("ignored"),
                      "a name starting with '..' (hidden file): never read, left in the inbox"))
    cases.append(Case("name-appledouble", "月报", "._装备7月月报.xlsx", b"\x00\x05\x16\x07" + b"\x00" * 80,
                      Expect("ignored"), "a macOS AppleDouble companion file"))
    cases.append(Case("name-office-lock", "月报", "~$装备7月月报.xlsx", b"\x08\x00\xe5\x88\x98" + b" " * 100,
                      Expect("ignored"), "an Excel lock file left by an open workbook"))
    return cases


# ── project library, weekly reports, review scores ────────────────────────────
def library_cases() -> list[Case]:
    rows = [library_row(*p) for p in LIBRARY_PROJECTS]
    sheets = {"项目库": [["兴安盟经济技术开发区重点项目库"], ["更新日期：2021年8月31日"], LIBRARY_HEADERS, *rows,
                         [None] * 12, ["合计", None, None, None, None, None, 600000, None, None, None, None, None]]}
    library = Case("library", "项目库", "项目库2021-08-31.xlsx", xlsx(sheets, merges={"项目库": ["A1:L1", "A2:L2"]}),
                   _ok((14, 12, 0, 2), {"project_snapshot": (("project_code", "cadre", "planned_wan"), [
                       (4 + i, code, cadre, 50000.0) for i, (code, cadre, _) in enumerate(LIBRARY_PROJECTS)])},
                       skipped=[("项目库", 16, "空行"), ("项目库", 17, "合计行")]),
                   "the project library with title rows and a 合计 row (needed by the weekly reports)")
    fullwidth = [["ＫＦＱ２０２１－０１３", "项目013", "兴安新材料有限公司", "清洁能源和新型建材组", "新型建材", "新建",
                  "２亿", None, None, "王晓东", "林振华", "在建"]]
    extra = Case("library-fullwidth-code", "项目库", "项目库补充（全角编号）.xls",
                 xls({"项目库": [LIBRARY_HEADERS, *fullwidth]}),
                 _ok((1, 1, 0, 0), {"project_snapshot": (("project_code", "planned_wan"), [(2, "KFQ2021-013", 20000.0)])}),
                 "a library addition as .xls with the code typed in full-width (ＫＦＱ２０２１－０１３)")
    cells = "".join(f"<td>{h}</td>" for h in LIBRARY_HEADERS)
    values = "".join(f"<td>{v}</td>" for v in library_row("KFQ2021-014", "李明远", "清洁能源和新型建材组"))
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
            f"<table border=1><tr>{cells}</tr><tr>{values}</tr></table></body></html>").encode()
    web = Case("html-disguised-as-xls", "项目库", "项目库导出（OA系统）.xls", html,
               _refused("文件是网页（HTML）格式的表格，只是扩展名像 Excel 文件，系统无法可靠读取。"),
               "an 'Excel export' of a web system: an HTML table saved as .xls")
    return [library, extra, web]


def weekly_cases() -> list[Case]:
    cases: list[Case] = []

    def add(case_id: str, name: str, data: bytes, expect: Expect, what: str) -> None:
        cases.append(Case(case_id, "周报", name, data, expect, what))

    progress_cols = ("project_code", "builder", "invest_cum_wan")
    add("weekly-xlsx", "李明远2021年8月30日周报.xlsx",
        xlsx(weekly_sheets("李明远", "2021-08-30", ["KFQ2021-001", "KFQ2021-002"], problems=[
            ["KFQ2021-001", "用地指标未落实", "用地手续", "韩卫东", "自然资源局", "2021年9月30日", "推进中", None]])),
        _ok((4, 4, 0, 0), {"fact_project_week": (progress_cols, [(2, "KFQ2021-001", "兴安风电有限公司", 1200.0),
                                                                 (3, "KFQ2021-002", "兴安风电有限公司", 1200.0)]),
                           "fact_problem_week": (("deadline",), [(2, D(2021, 9, 30))])}, period="2021-08-30"),
        "a weekly report with two projects, a procedure and a problem")
    add("weekly-iso-week", "王晓东第34周周报.xlsx", xlsx(weekly_sheets("王晓东", "２０２１年第３４周", ["KFQ2021-003"])),
        _ok((2, 2, 0, 0), {"fact_project_week": (("project_code",), [(2, "KFQ2021-003")])}, period="2021-08-23"),
        "报告周 written as ２０２１年第３４周 (full-width)")
    add("weekly-fullwidth-library-code", "王晓东第35周周报.xlsx",
        xlsx(weekly_sheets("王晓东", "2021-08-30", ["KFQ2021-013", "ＫＦＱ２０２１－０１１"])),
        _ok((3, 3, 0, 0), {"fact_project_week": (("project_code",), [(2, "KFQ2021-013"), (3, "KFQ2021-011")])},
            period="2021-08-30"),
        "codes matching a library entry typed in full-width, and typed in full-width here")
    add("weekly-unknown-code", "陈静第33周周报.xlsx", xlsx(weekly_sheets("陈静", "2021-08-16", ["KFQ2021-099"])),
        _errors((2, 0, 2, 0), ("项目进展", 2, 1, "项目编号"), ("手续办理", 2, 1, "项目编号"),
                messages=["项目编号“KFQ2021-099”不在项目库中。"]),
        "a project code that is not in the library")
    add("weekly-csv-gbk", "陈静第35周周报.csv", csv_bytes(csv_rows("陈静", "2021-08-30", ["KFQ2021-004"]), "gbk"),
        _ok((1, 1, 0, 0), {"fact_project_week": (progress_cols, [(2, "KFQ2021-004", "兴安风电有限公司", 1200.0)])},
            period="2021-08-30"),
        "a CSV weekly report saved by Excel in GBK (ANSI)")
    add("weekly-csv-gb18030", "杨帆第35周周报.csv",
        csv_bytes(csv_rows("杨帆", "2021/8/30", ["KFQ2021-005"], builder="𠀾𡈼兴安科技有限公司"), "gb18030"),
        _ok((1, 1, 0, 0), {"fact_project_week": (progress_cols, [(2, "KFQ2021-005", "𠀾𡈼兴安科技有限公司", 1200.0)])},
            period="2021-08-30"),
        "a CSV in GB18030 with characters outside GBK (𠀾, 𡈼) in 建设单位")
    add("weekly-csv-utf8-bom", "吴国庆第35周周报.csv",
        csv_bytes(csv_rows("吴国庆", "2021年8月30日", ["KFQ2021-006"], cumulative="1,200"), "utf-8-sig"),
        _ok((1, 1, 0, 0), {"fact_project_week": (progress_cols, [(2, "KFQ2021-006", "兴安风电有限公司", 1200.0)])},
            period="2021-08-30"),
        "a CSV in UTF-8 with BOM (Excel's 'CSV UTF-8'), a quoted 1,200")
    mojibake = "中文测试有限公司"
    assert mojibake.encode("utf-8").decode("gb18030") != mojibake  # these bytes also decode, wrongly, as GB18030
    add("weekly-csv-utf8-looks-gb18030", "郑凯第35周周报.csv",
        csv_bytes(csv_rows("郑凯", "2021-08-30", ["KFQ2021-007"], builder=mojibake), "utf-8"),
        _ok((1, 1, 0, 0), {"fact_project_week": (progress_cols, [(2, "KFQ2021-007", mojibake, 1200.0)])},
            period="2021-08-30"),
        "UTF-8 without BOM whose bytes would also decode (as mojibake) as GB18030")
    add("weekly-csv-utf16-tabs", "李明远第34周周报.txt",
        b"\xff\xfe" + csv_bytes(csv_rows("李明远", "2021-08-23", ["KFQ2021-002"], cumulative=900), "utf-16-le", "\t"),
        _ok((1, 1, 0, 0), {"fact_project_week": (("project_code", "invest_cum_wan"), [(2, "KFQ2021-002", 900.0)])},
            period="2021-08-23"),
        "Excel's 'Unicode text' export: UTF-16 with BOM, tab-separated")
    add("weekly-csv-named-xlsx", "陈静第34周周报.xlsx", csv_bytes(csv_rows("陈静", "2021-08-23", ["KFQ2021-008"]), "gbk"),
        _ok((1, 1, 0, 0), {"fact_project_week": (("project_code",), [(2, "KFQ2021-008")])}, period="2021-08-23"),
        "a CSV weekly report renamed to .xlsx (weekly reports may be CSV: read by content)")
    rows = [["项目周报（吴国庆，2021年第34周）"], *csv_rows("吴国庆", "2021-08-23", ["KFQ2021-010", "KFQ2021-006"],
                                                             cumulative="1000万元"), [""] * 14,
            ["合计", None, None, None, 100000, 600, 24000, None, None, None, None, None, None, None]]
    add("weekly-csv-title-total", "吴国庆第34周周报.csv", csv_bytes(rows, "gbk"),
        _ok((4, 2, 0, 2), {"fact_project_week": (("project_code", "invest_cum_wan"),
                                                 [(3, "KFQ2021-010", 1000.0), (4, "KFQ2021-006", 1000.0)])},
            skipped=[("项目进展", 5, "空行"), ("项目进展", 6, "合计行")], period="2021-08-23"),
        "a CSV with a title line above the header, a blank line and a 合计 line")
    add("weekly-csv-ambiguous-week", "郑凯第34周周报.csv", csv_bytes(csv_rows("郑凯", "08/23/2021", ["KFQ2021-012"]), "gbk"),
        _errors((1, 0, 1, 0), ("项目进展", 2, 14, "报告周"), messages=["无法识别的报告周“08/23/2021”。"]),
        "报告周 written 08/23/2021 in a CSV")
    broken = csv_bytes(csv_rows("杨帆", "2021-08-16", ["KFQ2021-005", "KFQ2021-009"]), "gbk").replace(
        "KFQ2021-009,风电装备项目,".encode("gbk"), 'KFQ2021-009,"风电装备项目,'.encode("gbk"))
    add("weekly-csv-unbalanced-quote", "杨帆第33周周报.csv", broken,
        _refused("CSV 文件第 3 行附近的引号不配对，无法可靠地分列。"),
        "a hand-edited CSV with a quote that is never closed (it would swallow the rest of the file)")
    add("weekly-csv-semicolons", "杨帆第34周周报.csv",
        csv_bytes(csv_rows("杨帆", "2021-08-23", ["KFQ2021-009"], cumulative="1,200.5"), "utf-8-sig", ";"),
        _ok((1, 1, 0, 0), {"fact_project_week": (("project_code", "invest_cum_wan"), [(2, "KFQ2021-009", 1200.5)])},
            period="2021-08-23"),
        "a CSV separated by semicolons (a European-locale export) with 1,200.5 in a cell")
    return cases


def review_cases() -> list[Case]:
    cases: list[Case] = []
    rows = [["2021年上半年述职评议得分汇总"], REVIEW_HEADERS,
            ["2021年上半年", "李明远", "清洁能源和新型建材组", "林振华", "95分", "工作扎实"],
            ["2021H1", "陈　静", "装备制造组", "林振华", "９０", None],
            ["2021H1", "吴国庆", "玉米深加工组", "韩卫东", 88.5, None],
            ["合计", None, None, None, "=SUM(E3:E5)", None]]
    cases.append(Case("review-xlsx", "述职评议", "2021年上半年述职评议.xlsx", xlsx({"评议得分": rows}),
                      _ok((4, 3, 0, 1), {"fact_review_score": (("person", "score"), [(3, "李明远", 95.0),
                                                                                     (4, "陈静", 90.0),
                                                                                     (5, "吴国庆", 88.5)])},
                          skipped=[("评议得分", 6, "合计行")], period="2021H1"),
                      "review scores with a title row, 95分, full-width digits, a 合计 formula row"))
    rows = [REVIEW_HEADERS, ["2020年下半年", "王晓东", "清洁能源和新型建材组", "韩卫东", "92", ""],
            ["2020年下半年", "杨帆", "装备制造组", "韩卫东", "86", "良好"]]
    cases.append(Case("review-csv-gbk", "述职评议", "2020年下半年述职评议.csv", csv_bytes(rows, "gbk"),
                      _ok((2, 2, 0, 0), {"fact_review_score": (("person", "score"), [(2, "王晓东", 92.0),
                                                                                     (3, "杨帆", 86.0)])},
                          period="2020H2"),
                      "review scores as a GBK CSV"))
    xml2003 = ('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
               '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
               'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="评议得分"><Table>'
               + "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in row) + "</Row>"
                         for row in [REVIEW_HEADERS, ["2021H2", "孙立军", "装备制造组", "宋志刚", "90", ""]])
               + "</Table></Worksheet></Workbook>").encode("utf-8")
    cases.append(Case("spreadsheetml-2003", "述职评议", "2021年下半年述职评议.xls", xml2003,
                      _refused("文件是 Excel 2003 XML 格式（.xml 表格），系统不读取这种格式。"),
                      "an Excel 2003 XML spreadsheet saved with the .xls extension"))
    rows = [REVIEW_HEADERS, ["2020H1", "郑凯", "玉米深加工组", "宋志刚", 105, None],
            ["2020H1", "马文博", "玉米深加工组", "宋志刚", "八十", None]]
    cases.append(Case("review-out-of-range", "述职评议", "2020年上半年述职评议.xlsx", xlsx({"评议得分": rows}),
                      _errors((2, 0, 2, 0), ("评议得分", 2, 5, "评议得分"), ("评议得分", 3, 5, "评议得分"),
                              messages=["评议得分应在 0–100 之间。", "无法识别的得分“八十”。"]),
                      "a score of 105 and a score written in words"))
    return cases


def build_cases() -> list[Case]:
    """Every case, each with its own arrival time (a minute apart, in this order)."""
    cases = library_cases() + monthly_cases() + hostile_monthly_cases() + name_cases() + weekly_cases() + review_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    names = [(c.kind, c.display_name) for c in cases]
    assert len(names) == len(set(names)), "file names must be unique per folder"
    return [Case(c.id, c.kind, c.name, c.source, c.expect, c.what, FIRST_ARRIVAL + dt.timedelta(minutes=i))
            for i, c in enumerate(cases)]


def write_corpus(folder: Path, cases: Sequence[Case] | None = None) -> list[Case]:
    """Drop every case into folder/<kind>/<name> with its arrival time as modification time."""
    cases = build_cases() if cases is None else list(cases)
    for case in cases:
        directory = os.fsencode(folder / case.kind)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, case.fs_name)
        with open(path, "wb") as fh:
            fh.write(case.data)
        stamp = case.received.replace(tzinfo=TIMEZONE).timestamp()
        os.utime(path, (stamp, stamp))
    return cases


def table(cases: Sequence[Case]) -> str:
    """The case table in Markdown: file, folder, what, expected outcome."""
    lines = ["| # | file (as dropped) | folder | what | expected |", "|---|---|---|---|---|"]
    for i, case in enumerate(cases, start=1):
        e = case.expect
        if e.status == "loaded":
            outcome = f"loaded; rows read/loaded/skipped {e.rows[0]}/{e.rows[1]}/{e.rows[3]}"
        elif e.status == "ignored":
            outcome = "ignored (stays in inbox)"
        elif e.message:
            outcome = f"rejected: {e.message}"
        else:
            located = [f"{s}!{_cell(r, c)}({h})" for s, r, c, h in e.errors if s]
            outcome = "rejected: " + ", ".join(located + [m for m in e.messages if not located])
        if e.hostile:
            outcome += " — hostile: < 5 s, < 500 MB"
        shown = repr(case.display_name)[1:-1] if not isinstance(case.name, bytes) else case.display_name + " (GBK bytes)"
        lines.append(f"| {i} | `{shown[:60]}{'…' if len(shown) > 60 else ''}` | {case.kind} | {case.what} | {outcome} |")
    return "\n".join(lines)


def _cell(row: int | None, col: int | None) -> str:
    from transforms.findings import column_letter
    if row is None:
        return "-"
    return f"{column_letter(col)}{row}" if col else f"row {row}"


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    written = write_corpus(target)
    print(table(written))
    print(f"\n{len(written)} files written under {target}/")
