"""Reading submitted files into raw cell grids, safely.

Every file is recognised by its bytes, not its name (`formats.recognise`), checked against
resource bounds *before* a parser sees it, and read with python-calamine (.xlsx/.xlsm,
.xls, .xlsb, .ods) or the csv module. A file that cannot be read
comes back as a `ReadFailure` with a Chinese explanation — never an exception that
takes the ingest pass down.

Bounds: a hostile .xlsx is refused by inspecting the zip directory and scanning every
XML member's bytes (C-speed regular expressions, no XML parser): a zip bomb (declared or
actual size), an XML part that is read (workbook, sheets, shared strings, styles) and is
not UTF-8 (byte scans would be blind to it), a DOCTYPE/ENTITY in any part (each judged by
its declared encoding: Excel writes Power Query's customXml in UTF-16), a sheet whose cells reach absurdly far (a value at
XFD1048576, or tens of thousands of rows without positions), and shared strings that
would be copied into every cell that names them (a few KB that calamine would
expand to gigabytes). Declared dimensions are never trusted, in either direction.
.xls, .xlsb and .ods (binary cells, or XML that repeats a cell a million times by an
attribute) pass the same zip checks and are then parsed in a child interpreter with a
memory cap and a time-out (PARSER_MEMORY_BYTES, PARSER_TIMEOUT_SECONDS), because their
extent is only known once parsed.

Cells calamine would silently read as empty — an Excel error value (#DIV/0!, #REF!) or
a formula saved without its result — are found in the sheet XML and handed on as
`UnreadableCell`s, so that staging reports them instead of reading a blank.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import pickle
import posixpath
import re
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from transforms.staging.normalise import Problem, UnreadableCell, excel_error, uncomputed_formula
from zhaoshang.intake import formats
from zhaoshang.intake.formats import CORRUPT, CORRUPT_INSIDE, ENCRYPTED, SAVE_AS_XLSX, UNREADABLE, ReadFailure

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # a monthly report is ~30 KB
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024  # sum of all zip members, as declared and as read
MAX_ROWS = 50_000
MAX_COLS = 200
MAX_CELLS = 2_000_000  # rows × columns of a sheet's used range: what calamine allocates
MAX_SHEETS = 255
MAX_MEMBERS = 5_000  # parts in the zip: a report has a dozen, a workbook with pictures a few hundred
EXCEL_MAX_ROWS = 1_048_576
MAX_TEXT_BYTES = 64 * 1024 * 1024  # shared strings as copied into every cell that uses them
# The child interpreter that parses .xls, .xlsb and .ods (whose sizes cannot be checked by bytes):
# its address space and its time. The README quotes these two numbers (tests/test_formats.py checks).
PARSER_MEMORY_BYTES = 400 * 1024 * 1024
PARSER_TIMEOUT_SECONDS = 4
CHILD_FORMATS = ("xls", "xlsb", "ods")

OLE_MAGIC = formats.OLE_MAGIC
ZIP_MAGIC = formats.ZIP_MAGIC
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DOCTYPE_TEXT = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb'^\s*<\?xml[^>]*?\bencoding\s*=\s*["\']([A-Za-z0-9._:-]{1,40})["\']')
# Content cells (not self-closing): the far end of a sheet, found a digit-count / letter-count at a time
# so that no Python code runs per cell.
_ROW_OF_LENGTH = {n: re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d})"[^>]*(?<!/)>' % n) for n in range(7, 0, -1)}
_COL_OF_LENGTH = {n: re.compile(rb'<c r="([A-Z]{%d})[0-9]{1,7}"[^>]*(?<!/)>' % n) for n in range(3, 0, -1)}
_ROW_REF_OF_LENGTH = {n: re.compile(rb'<row r="([0-9]{%d})"' % n) for n in range(7, 0, -1)}
_IMPLICIT_CELL = re.compile(rb'<c(?:\s(?![^>]*\br=")[^>]*)?(?<!/)>')  # a content cell with no r="A1"
_IMPLICIT_ROW = re.compile(rb'<row(?:\s(?![^>]*\br=")[^>]*)?/?>')  # a row with no r="1"
_CELL_OPEN = re.compile(rb"<c[\s>]")
_FORMULA_CELL = re.compile(  # (col, row, attributes, formula, <v> present, value)
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(<v>([^<]*)</v>|<v\s*/>)?')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?\bt="e"[^>]*>\s*<v>([^<]*)</v>')
_SHARED_STRING_CELL = re.compile(rb'<c\b[^>]*?\bt="s"[^>]*>\s*<v>\s*([0-9]{1,9})\s*</v>')
_SHARED_STRING = re.compile(rb"<si\b[^>]*>(.*?)</si>", re.DOTALL)
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s([^>]*?)/?>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_XML_LIKE_SUFFIXES = (".xml", ".rels", ".vml")
_XML_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))

Flags = dict[str, dict[tuple[int, int], UnreadableCell]]  # sheet name → (row, col) 0-based → cell


@dataclass
class RawSheet:
    """A sheet as read: `rows[r][c]` is the cell at Excel row r+1, column c+1."""

    name: str
    rows: list[list[object]]
    hidden: bool = False


@dataclass
class RawWorkbook:
    """A file as read: its format (xlsx/xls/csv) and its sheets in workbook order."""

    format: str
    sheets: dict[str, RawSheet] = field(default_factory=dict)


def read_submission(path: Path, data: bytes | None = None) -> RawWorkbook | ReadFailure:
    """Read any submitted file (xlsx/xlsm, xlsb, ods, xls or csv, by content) into raw sheets."""
    size = path.stat().st_size if data is None else len(data)
    if size == 0:
        return ReadFailure("文件是空的（0 字节）。", "请重新保存文件后再放入。")
    if size > MAX_FILE_BYTES:
        return ReadFailure(
            f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限。",
            "请删除多余的工作表、图片或格式后重新保存。",
        )
    data = path.read_bytes() if data is None else data
    fmt = formats.recognise(data)
    if isinstance(fmt, ReadFailure):
        return fmt
    if fmt == "csv":
        return read_csv_bytes(data)
    if fmt == "xlsx":
        inspected = inspect_xlsx(data)
        result = inspected if isinstance(inspected, ReadFailure) else _read_with_calamine(data, "xlsx", inspected)
    else:
        problem = inspect_package(data, fmt) if fmt in ("xlsb", "ods") else None
        result = problem or _read_bounded(data, fmt)
    if isinstance(result, ReadFailure) and result.detail:
        log.warning("%s (%s) could not be read: %s", path.name, fmt, result.detail)
    return result


def sniff_format(data: bytes) -> str:
    """What the bytes are: a readable format (xlsx, xlsb, ods, xls, csv), or 'refused'."""
    fmt = formats.recognise(data)
    return "refused" if isinstance(fmt, ReadFailure) else fmt


def xlsx_problem(data: bytes) -> tuple[str, str] | None:
    """Why an .xlsx must not be parsed (zip bomb, absurd extent, XML entities …), or None."""
    inspected = inspect_xlsx(data)
    return (inspected.message, inspected.fix) if isinstance(inspected, ReadFailure) else None


_BOMB = ReadFailure("文件解压后体积异常巨大（疑似压缩炸弹），已拒绝读取。", "请检查文件来源，重新从模板填写。")
_WIDE_XML = ReadFailure("文件内部的工作表数据不是 UTF-8 编码（Excel、WPS 不会这样保存），已拒绝读取。", SAVE_AS_XLSX)
_UNSAFE_XML = ReadFailure("文件包含不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。",
                          "请在 Excel 或 WPS 中另存为新的 .xlsx 文件后重新放入。")
# The parts a reader parses (calamine for the cells, openpyxl for the explanation's copy): they must be
# UTF-8, so that the byte scans below see what the parser will. Other parts (customXml, where Excel
# keeps Power Query definitions in UTF-16; docProps) are judged by their declared encoding.
_READ_XLSX_PARTS = ("[Content_Types].xml", "_rels/.rels")
_READ_ODS_PARTS = ("content.xml", "styles.xml", "meta.xml", "settings.xml", "META-INF/manifest.xml")


def inspect_xlsx(data: bytes) -> Flags | ReadFailure:
    """Check an .xlsx before any parser sees it; return its unreadable cells (errors, uncomputed formulas).

    Only bytes are scanned (no XML parser runs on the untrusted members): every member is
    inflated with a running budget, the XML parts that are read must be UTF-8 and no part may
    carry a DOCTYPE/ENTITY, no member may place content cells beyond the bounds, and shared
    strings may not be multiplied past MAX_TEXT_BYTES by the cells that use them.
    """
    members = _inflated_members(data)
    if isinstance(members, ReadFailure):
        return members
    if "xl/workbook.xml" not in members:
        return formats.ZIP_OTHER
    targets = set(_sheet_members({n: members[n] for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
                                  if n in members and _encoding_of(members[n]) == "utf-8"}).values())
    xml = _checked_xml(members, lambda name: name.startswith("xl/") or name in _READ_XLSX_PARTS or name in targets)
    return xml if isinstance(xml, ReadFailure) else _inspect_parts(xml)


def inspect_package(data: bytes, fmt: str) -> ReadFailure | None:
    """The zip checks of an .xlsb or .ods (size, members, encodings, no DOCTYPE): its cells are bounded by the child."""
    members = _inflated_members(data)
    if isinstance(members, ReadFailure):
        return members
    read = _READ_ODS_PARTS if fmt == "ods" else _READ_XLSX_PARTS
    xml = _checked_xml(members, lambda name: name in read or (fmt == "xlsb" and name.startswith("xl/")))
    return xml if isinstance(xml, ReadFailure) else None


def _inflated_members(data: bytes) -> dict[str, bytes] | ReadFailure:
    """Every member of the zip, inflated within MAX_UNCOMPRESSED_BYTES in all (whatever the headers claim)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return CORRUPT
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        return _BOMB
    budget = MAX_UNCOMPRESSED_BYTES
    inflated: dict[str, bytes] = {}
    for member in members:
        if member.flag_bits & 0x1:
            return ENCRYPTED  # a zip with a password (over a workbook)
        try:
            content = _read_member_bounded(archive, member, budget)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError, zlib.error):
            return CORRUPT_INSIDE
        if content is None:
            return _BOMB
        budget -= len(content)
        inflated[member.filename] = content
    return inflated


def _checked_xml(members: dict[str, bytes], is_read) -> dict[str, bytes] | ReadFailure:
    """The UTF-8 XML members (prefixes dropped, for the scans), once every XML member has passed its checks.

    A part that is read must be UTF-8; any other part is decoded by its declared encoding (BOM or
    XML declaration) and must decode. No part may declare a DOCTYPE or an entity.
    """
    xml: dict[str, bytes] = {}
    for name, content in members.items():
        if not _is_xml_like(name, content):
            continue  # images, printer settings, VBA: never parsed as XML by the reader
        encoding = _encoding_of(content)
        if encoding == "utf-8":
            if _DOCTYPE.search(content):
                return _UNSAFE_XML
            xml[name] = _without_prefixes(content)
            continue
        if is_read(name):
            return _WIDE_XML
        try:
            text = content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            return CORRUPT_INSIDE
        if _DOCTYPE_TEXT.search(text):
            return _UNSAFE_XML
    return xml


def _encoding_of(xml: bytes) -> str:
    """An XML part's encoding as its bytes declare it: a BOM, the pattern of NULs around '<', or the XML declaration."""
    if xml.startswith(codecs.BOM_UTF8):
        return "utf-8" if b"\x00" not in xml[3:1024] else "unknown"
    if xml.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if xml[:4] in (b"\x00\x00\x00<", b"<\x00\x00\x00"):
        return "utf-32-be" if xml[0] == 0 else "utf-32-le"
    if xml.startswith(_UTF16_BOMS):
        return "utf-16"
    if xml[:2] in (b"\x00<", b"<\x00"):
        return "utf-16-be" if xml[0] == 0 else "utf-16-le"
    if b"\x00" in xml[:1024]:
        return "unknown"
    declared = _DECLARED_ENCODING.match(xml)
    if declared is None:
        return "utf-8"
    try:
        name = codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return "unknown"
    return "utf-8" if name in ("utf-8", "ascii") else name


def _read_member_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes | None:
    """A zip member's bytes, or None if it inflates past `budget` (whatever its header claims)."""
    chunks, total = [], 0
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > budget:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _is_xml_like(name: str, content: bytes) -> bool:
    """True for members a parser would read as XML: by name, or by a first byte of '<' or a BOM."""
    if name.lower().endswith(_XML_LIKE_SUFFIXES):
        return True
    head = content[:64].lstrip()
    return head.startswith((b"<", b"\x00<", codecs.BOM_UTF8, *_UTF16_BOMS))


def _without_prefixes(xml: bytes) -> bytes:
    """The XML with element prefixes dropped (<x:c r=…> → <c r=…>), so the scans see prefixed sheets too."""
    if not re.search(rb"<\w+:(?:sheetData|row|c|v|f|si|t|sheet|Relationship)\b", xml):
        return xml
    return re.sub(rb"<(/?)[A-Za-z_][\w.-]*:", rb"<\1", xml)


def _inspect_parts(xml: dict[str, bytes]) -> Flags | ReadFailure:
    """Bounds on every member that could be a sheet, then the unreadable cells of each named sheet."""
    sheets = _sheet_members(xml)
    if len(sheets) > MAX_SHEETS:
        return ReadFailure(f"工作簿中的工作表数量异常（{len(sheets)} 个），已拒绝读取。", "请只保留需要报送的工作表后重新放入。")
    string_sizes = _shared_string_sizes(xml)
    for name, content in xml.items():
        if not _CELL_OPEN.search(content):
            continue  # no cells: not a sheet
        rows, cols = _sheet_extent(content)
        if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
            return ReadFailure(
                f"工作表中有数据的范围异常（到第 {rows} 行、第 {cols} 列），已拒绝读取。",
                "请删除表格末尾远处的无用单元格（或复制有效内容到新工作簿）后重新放入。",
            )
        if string_sizes and _expanded_text(content, string_sizes) > MAX_TEXT_BYTES:
            return ReadFailure(
                "工作表中的文字内容展开后体积异常巨大（疑似共享字符串炸弹），已拒绝读取。",
                "请检查文件来源，把有效内容复制到新的工作簿后重新放入。",
            )
    return {title: found for title, member in sheets.items() if (found := _unreadable_cells(xml.get(member, b"")))}


def _attributes(tag: bytes) -> dict[str, str]:
    """Attributes of one start tag by local name (r:id → id), values as text."""
    return {key.decode("ascii", "replace").rpartition(":")[2]: _text(value) for key, value in _ATTRIBUTE.findall(tag)}


def _sheet_members(xml: dict[str, bytes]) -> dict[str, str]:
    """Sheet title → zip member, from xl/workbook.xml and its relationships (by bytes, no parser)."""
    targets = {}
    for tag in _RELATIONSHIP.findall(xml.get("xl/_rels/workbook.xml.rels", b"")):
        attrs = _attributes(tag)
        target = attrs.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[attrs.get("Id", "")] = member
    sheets = {}
    for tag in _SHEET_TAG.findall(xml.get("xl/workbook.xml", b"")):
        attrs = _attributes(tag)
        if "name" in attrs:
            sheets[attrs["name"]] = targets.get(attrs.get("id", ""), "")
    return sheets


def _shared_string_sizes(xml: dict[str, bytes]) -> list[int]:
    """Byte length of every shared string (the largest per index over candidate members)."""
    sizes: list[int] = []
    for name, content in xml.items():
        if not name.lower().endswith("sharedstrings.xml"):
            continue
        for i, length in enumerate(len(si) for si in _SHARED_STRING.findall(content)):
            if i < len(sizes):
                sizes[i] = max(sizes[i], length)
            else:
                sizes.append(length)
    return sizes


def _expanded_text(sheet_xml: bytes, sizes: list[int]) -> int:
    """Bytes of shared-string text the sheet's cells would hold once each cell has its own copy."""
    uses = Counter(_SHARED_STRING_CELL.findall(sheet_xml))
    return sum(sizes[int(index)] * count for index, count in uses.items() if int(index) < len(sizes))


def _sheet_extent(sheet_xml: bytes) -> tuple[int, int]:
    """(rows, columns) a parser would allocate for the sheet's content cells; styled empty cells don't count.

    Cells carry their position (r="B7") in every file Excel, WPS or LibreOffice writes; a row
    or cell without one is placed after the previous one, so those are bounded by counting.
    """
    rows = _largest(sheet_xml, _ROW_OF_LENGTH, int)
    cols = _largest(sheet_xml, _COL_OF_LENGTH, _column_number)
    implicit_cells = len(_IMPLICIT_CELL.findall(sheet_xml))
    if not implicit_cells:
        return rows, cols
    implicit_rows = len(_IMPLICIT_ROW.findall(sheet_xml))
    row_refs = _largest(sheet_xml, _ROW_REF_OF_LENGTH, int)
    rows = max(rows, row_refs) + implicit_rows
    if sheet_xml.count(b"<row") > EXCEL_MAX_ROWS:
        return rows, cols  # more row elements than a sheet can have: refused on the row count alone
    widest = max((len(_IMPLICIT_CELL.findall(part)) for part in sheet_xml.split(b"<row") if b"<c" in part), default=0)
    return rows, cols + widest


def _largest(xml: bytes, patterns: dict[int, re.Pattern], value) -> int:
    """The largest number/letters one of `patterns` (longest first) captures; equal lengths sort as text."""
    for pattern in patterns.values():
        found = pattern.findall(xml)
        if found:
            return value(max(found))
    return 0


def _column_number(letters: bytes) -> int:
    """1-based column number of Excel letters (b"A" → 1, b"AB" → 28)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _unreadable_cells(sheet_xml: bytes) -> dict[tuple[int, int], UnreadableCell]:
    """Cells calamine would read as empty although they are not: error values and formulas without a result."""
    found: dict[tuple[int, int], UnreadableCell] = {}
    if b"<f" not in sheet_xml and b't="e"' not in sheet_xml:
        return found
    for col, row, attrs, formula, has_value, value in _FORMULA_CELL.findall(sheet_xml):
        position = (int(row) - 1, _column_number(col) - 1)
        kind = re.search(rb'\bt="([^"]*)"', attrs)
        kind = kind.group(1) if kind else b"n"
        if kind == b"e":
            found[position] = excel_error(_text(value).strip() or "#VALUE!")
        elif not value.strip() and not (has_value and kind in (b"str", b"inlineStr")):  # "" is a text result
            found[position] = uncomputed_formula(_text(formula).strip() if formula else "（共享公式）")
    for col, row, value in _ERROR_CELL.findall(sheet_xml):
        found.setdefault((int(row) - 1, _column_number(col) - 1), excel_error(_text(value).strip() or "#VALUE!"))
    return found


def _text(xml_text: bytes) -> str:
    """XML character data as text (entities and character references resolved)."""
    if b"&" not in xml_text:
        return xml_text.decode("utf-8", "replace")
    text = re.sub(r"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});", _character, xml_text.decode("utf-8", "replace"))
    for entity, char in _XML_ENTITIES:
        text = text.replace(entity, char)
    return text


def _character(reference: re.Match) -> str:
    code = reference.group(1)
    number = int(code[1:], 16) if code[0] == "x" else int(code)
    return chr(number) if 0 < number <= 0x10FFFF else "\ufffd"


def _read_with_calamine(data: bytes, fmt: str, flags: Flags | None = None) -> RawWorkbook | ReadFailure:
    """Parse a checked workbook with python-calamine into raw sheets; put back the unreadable cells.

    A sheet whose used range is beyond the bounds is refused before its cells become Python
    objects (for .xls, .xlsb and .ods the range is only known once calamine has read it, in the child).
    """
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        raw = RawWorkbook(format=fmt)
        if len(book.sheets_metadata) > MAX_SHEETS:
            return ReadFailure(f"工作簿中的工作表数量异常（{len(book.sheets_metadata)} 个），已拒绝读取。",
                               "请只保留需要报送的工作表后重新放入。")
        for meta in book.sheets_metadata:
            if getattr(meta.typ, "name", "WorkSheet") != "WorkSheet":
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows, cols = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
            if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
                return _far_cells(rows, cols)
            rows = sheet.to_python(skip_empty_area=False)
            _put_back((flags or {}).get(meta.name, {}), rows)
            _mark_nul_cells(rows)
            raw.sheets[meta.name] = RawSheet(meta.name, rows, meta.visible != SheetVisibleEnum.Visible)
        return raw
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 — any parser failure is the file's fault, a Rust panic included
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            return ENCRYPTED
        # the exception's name and text go to the log only; a person reads a sentence
        return ReadFailure(UNREADABLE.message, UNREADABLE.fix, detail=f"{type(exc).__name__}: {str(exc)[:300]}")


def _far_cells(rows: int, cols: int) -> ReadFailure:
    return ReadFailure(f"工作表中有数据的范围异常（到第 {rows} 行、第 {cols} 列），已拒绝读取。",
                       "请删除表格末尾远处的无用单元格（或复制有效内容到新工作簿）后重新放入。")


def _put_back(cells: dict[tuple[int, int], UnreadableCell], rows: list[list[object]]) -> None:
    """Replace what calamine read ('' or nothing) at each unreadable cell's position."""
    for (r, c), cell in cells.items():
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        if row[c] in ("", None):
            row[c] = cell


def nul_cell(text: str) -> UnreadableCell:
    """A text cell holding NUL (U+0000, `_x0000_` in the XML): no warehouse text can store it, so it is refused."""
    return UnreadableCell(text.replace("\x00", "\\x00"), Problem(
        "单元格中含有不可见的空字符（显示为 \\x00），系统无法保存。",
        "请删除该单元格的内容后重新输入（不要从其他系统复制粘贴），保存后重新放入。"))


def _mark_nul_cells(rows: list[list[object]]) -> None:
    """Replace every text cell that holds a NUL character by `nul_cell` (staging then names the cell)."""
    for row in rows:
        for j, value in enumerate(row):
            if type(value) is str and "\x00" in value:
                row[j] = nul_cell(value)


# The child that parses an .xls, .xlsb or .ods: a fresh interpreter (never a fork of the caller, never
# the caller's __main__ re-imported), its address space capped before calamine is loaded.
_CHILD = """
import pickle, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from zhaoshang.intake.readers import _read_with_calamine
result = _read_with_calamine(sys.stdin.buffer.read(), sys.argv[2])
sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
"""


def _read_bounded(data: bytes, fmt: str) -> RawWorkbook | ReadFailure:
    """Parse an .xls, .xlsb or .ods in a child interpreter capped at PARSER_MEMORY_BYTES and PARSER_TIMEOUT_SECONDS."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(PARSER_MEMORY_BYTES), fmt], input=data,
                              capture_output=True, timeout=PARSER_TIMEOUT_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        return ReadFailure("文件读取超时（结构异常），已拒绝读取。", SAVE_AS_XLSX,
                           detail=f"parser child timed out after {PARSER_TIMEOUT_SECONDS} s")
    try:
        result = pickle.loads(done.stdout) if done.returncode == 0 else None
    except Exception:  # noqa: BLE001 — a child that died half way wrote no complete result
        result = None
    if isinstance(result, (RawWorkbook, ReadFailure)):
        return result
    # killed by the memory cap (MemoryError, abort) or crashed: a hostile file
    return ReadFailure("文件结构异常，读取时超出资源限制，已拒绝读取。", SAVE_AS_XLSX,
                       detail=f"parser child exited {done.returncode}: {done.stderr[-300:].decode('utf-8', 'replace')}")


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding): UTF-16 when it has a BOM, UTF-8 (with or without BOM), else GB18030; None if none decodes."""
    encodings = ("utf-16",) if data.startswith(_UTF16_BOMS) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


_CSV_TOO_BIG = ReadFailure("CSV 文件行数或列数异常，已拒绝读取。", "请只保留需要报送的数据后重新放入。", text=True)


def read_csv_bytes(data: bytes, sheet_name: str = "CSV") -> RawWorkbook | ReadFailure:
    """A CSV file as one raw sheet; encoding detected (UTF-16 by its BOM, UTF-8/BOM, then GBK/GB18030).

    Quotes are read strictly: a quote that is never closed would swallow the rest of the
    file into one cell, so it is refused with the line where it starts.
    """
    decoded = decode_text(data)
    if decoded is None:  # the head decoded, the rest does not: say which encodings were tried
        return formats.text_in_unknown_encoding(data[:65536])
    text, _ = decoded
    if "\x00" in text:
        return formats.UNKNOWN
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    rows: list[list[object]] = []
    try:
        for row in reader:
            rows.append(list(row))
            if len(rows) > MAX_ROWS or len(row) > MAX_COLS:
                return _CSV_TOO_BIG
    except csv.Error:
        return ReadFailure(
            f"CSV 文件第 {len(rows) + 1} 行附近的引号不配对，无法可靠地分列。",
            "请在 Excel 或 WPS 中打开该文件，检查这一行中的英文双引号（\"），另存为 CSV 后重新放入。", text=True)
    if len(rows) * max((len(r) for r in rows), default=0) > MAX_CELLS:
        return _CSV_TOO_BIG
    return RawWorkbook(format="csv", sheets={sheet_name: RawSheet(sheet_name, rows)})


def sheet_rows(raw: RawWorkbook) -> dict[str, Sequence[Sequence[object]]]:
    """Sheet name → rows, for the explanation writer."""
    return {name: sheet.rows for name, sheet in raw.sheets.items()}
