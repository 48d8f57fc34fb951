"""Reading submitted files into raw cell grids, safely.

Every file is sniffed by its bytes (not its name), checked against resource bounds
*before* a parser sees it, and read with python-calamine. A file that cannot be read
comes back as a `ReadFailure` with a Chinese explanation — never an exception that
takes the ingest pass down.

Bounds: a hostile .xlsx (zip bomb, a cell at XFD1048576, entity expansion) is refused
by inspecting the zip directory and scanning the sheet XML for the cells that hold a
value; .xls (binary, rare) is parsed in a child process with a memory cap and a
time-out, because its declared dimensions cannot be trusted.
"""

from __future__ import annotations

import codecs
import csv
import io
import multiprocessing
import re
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

MAX_FILE_BYTES = 20 * 1024 * 1024  # a monthly report is ~30 KB
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024  # sum of all zip members, as declared and as read
MAX_ROWS = 50_000
MAX_COLS = 200
XLS_MEMORY_BYTES = 1024 * 1024 * 1024
XLS_TIMEOUT_SECONDS = 20

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_CELL_WITH_CONTENT = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?<!/)>')
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


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


@dataclass
class ReadFailure:
    """Why a file could not be read, in Chinese, with what the submitter can do."""

    message: str
    fix: str = ""


def read_submission(path: Path, data: bytes | None = None) -> RawWorkbook | ReadFailure:
    """Read any submitted file (xlsx, xls or csv, by content) into raw sheets."""
    size = path.stat().st_size if data is None else len(data)
    if size == 0:
        return ReadFailure("文件是空的（0 字节）。", "请重新保存文件后再放入。")
    if size > MAX_FILE_BYTES:
        return ReadFailure(
            f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限。",
            "请删除多余的工作表、图片或格式后重新保存。",
        )
    data = path.read_bytes() if data is None else data
    fmt = sniff_format(data)
    if fmt == "xlsx":
        problem = xlsx_problem(data)
        return ReadFailure(*problem) if problem else _read_with_calamine(data, "xlsx")
    if fmt == "encrypted":
        return ReadFailure("文件设置了打开密码（已加密），系统无法读取。", "请取消密码保护后重新保存并放入。")
    if fmt == "xls":
        return _read_xls_bounded(data)
    if fmt == "csv":
        return read_csv_bytes(data)
    return ReadFailure(
        "文件不是 Excel 工作簿或 CSV 表格，无法读取。",
        "请用 Excel 或 WPS 另存为 .xlsx 格式后重新放入。",
    )


def sniff_format(data: bytes) -> str:
    """What the bytes are: xlsx, xls, encrypted (OLE with EncryptionInfo), csv or unknown."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "encrypted" if _ENCRYPTION_STREAM in data[:65536] or _ENCRYPTION_STREAM in data else "xls"
    if _looks_like_text(data[:4096]):
        return "csv"
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    """True when the first bytes decode as UTF-8 or GB18030 text without NULs."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def xlsx_problem(data: bytes) -> tuple[str, str] | None:
    """Why an .xlsx must not be parsed (zip bomb, absurd extent, XML entities), or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        return ("文件已损坏，无法作为 Excel 工作簿打开。", "请在 Excel 或 WPS 中打开并另存为 .xlsx 后重新放入。")
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        return ("这是一个压缩文件，但不是 Excel 工作簿。", "请放入 .xlsx 格式的工作簿。")
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        return ("文件解压后体积异常巨大（疑似压缩炸弹），已拒绝读取。", "请检查文件来源，重新从模板填写。")
    read_budget = MAX_UNCOMPRESSED_BYTES
    for member in members:
        if not member.filename.endswith(".xml") and not member.filename.endswith(".rels"):
            continue
        try:
            xml = _read_member_bounded(archive, member, read_budget)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
                return ("文件设置了密码，系统无法读取。", "请取消密码保护后重新保存并放入。")
            return ("文件内部数据损坏，无法读取。", "请在 Excel 或 WPS 中打开并另存为 .xlsx 后重新放入。")
        if xml is None:
            return ("文件解压后体积异常巨大（疑似压缩炸弹），已拒绝读取。", "请检查文件来源，重新从模板填写。")
        read_budget -= len(xml)
        if _DOCTYPE.search(xml[:4096]):
            return ("文件包含不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。", "请在 Excel 或 WPS 中另存为新的 .xlsx 文件后重新放入。")
        if member.filename.startswith("xl/worksheets/"):
            extent = _used_extent(xml)
            if extent[0] > MAX_ROWS or extent[1] > MAX_COLS:
                return (
                    f"工作表中有数据的范围异常（到第 {extent[0]} 行、第 {extent[1]} 列），已拒绝读取。",
                    "请删除表格末尾远处的无用单元格（或复制有效内容到新工作簿）后重新放入。",
                )
    return None


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


def _used_extent(sheet_xml: bytes) -> tuple[int, int]:
    """Largest (row, column) holding content in a worksheet's XML; styled empty cells are ignored."""
    max_row = max_col = 0
    for match in _CELL_WITH_CONTENT.finditer(sheet_xml):
        max_row = max(max_row, int(match.group(2)))
        max_col = max(max_col, _column_number(match.group(1)))
    return max_row, max_col


def _column_number(letters: bytes) -> int:
    """1-based column number of Excel letters (b"A" → 1, b"AB" → 28)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _read_with_calamine(data: bytes, fmt: str) -> RawWorkbook | ReadFailure:
    """Parse a checked workbook with python-calamine into raw sheets."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        raw = RawWorkbook(format=fmt)
        for meta in book.sheets_metadata:
            if getattr(meta.typ, "name", "WorkSheet") != "WorkSheet":
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.total_height > MAX_ROWS or sheet.total_width > MAX_COLS:
                return ReadFailure(
                    f"工作表“{meta.name}”的范围异常（{sheet.total_height} 行 × {sheet.total_width} 列），已拒绝读取。",
                    "请删除表格末尾远处的无用单元格后重新放入。",
                )
            rows = sheet.to_python(skip_empty_area=False)
            raw.sheets[meta.name] = RawSheet(meta.name, rows, meta.visible != SheetVisibleEnum.Visible)
        return raw
    except Exception as exc:  # noqa: BLE001 — any parser failure is the file's fault
        if "password" in str(exc).lower() or type(exc).__name__ == "PasswordError":
            return ReadFailure("文件设置了密码，系统无法读取。", "请取消密码保护后重新保存并放入。")
        return ReadFailure(
            f"文件无法解析（{type(exc).__name__}）。",
            "请在 Excel 或 WPS 中打开并另存为 .xlsx 后重新放入。",
        )


def _limit_memory() -> None:
    """Child-process initialiser: cap the address space so a hostile .xls cannot exhaust memory."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (XLS_MEMORY_BYTES, XLS_MEMORY_BYTES))


def _read_xls_bounded(data: bytes) -> RawWorkbook | ReadFailure:
    """Parse a legacy .xls in a memory-capped child process with a time-out."""
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_limit_memory)
    try:
        return pool.submit(_read_with_calamine, data, "xls").result(timeout=XLS_TIMEOUT_SECONDS)
    except FutureTimeout:
        return ReadFailure("文件读取超时（结构异常），已拒绝读取。", "请另存为 .xlsx 格式后重新放入。")
    except Exception:  # noqa: BLE001 — a killed child (MemoryError, crash) means a hostile file
        return ReadFailure("文件结构异常，读取时超出资源限制，已拒绝读取。", "请另存为 .xlsx 格式后重新放入。")
    finally:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-8 (with or without BOM), else GB18030; None if neither decodes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def read_csv_bytes(data: bytes, sheet_name: str = "CSV") -> RawWorkbook | ReadFailure:
    """A CSV file as one raw sheet; encoding detected (UTF-8/BOM first, then GBK/GB18030)."""
    decoded = decode_text(data)
    if decoded is None:
        return ReadFailure("无法识别 CSV 文件的文字编码。", "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 .xlsx 后重新放入。")
    text, _ = decoded
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    if len(rows) > MAX_ROWS or any(len(r) > MAX_COLS for r in rows[:100]):
        return ReadFailure("CSV 文件行数或列数异常，已拒绝读取。", "请只保留需要报送的数据后重新放入。")
    return RawWorkbook(format="csv", sheets={sheet_name: RawSheet(sheet_name, rows)})


def sheet_rows(raw: RawWorkbook) -> dict[str, Sequence[Sequence[object]]]:
    """Sheet name → rows, for the explanation writer."""
    return {name: sheet.rows for name, sheet in raw.sheets.items()}
