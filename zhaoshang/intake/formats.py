"""What a submitted file really is, judged by its bytes, and why it is refused when it cannot be read.

Office programs save spreadsheets in a dozen containers: a zip (OOXML .xlsx/.xlsm, binary
.xlsb, OpenDocument .ods, but also .docx, Numbers, a plain archive), an OLE2 compound file
(Excel 97–2003 .xls, Excel 95, Word .doc, an encrypted OOXML package), a bare BIFF stream
(Excel 2.x–4.0), or text (CSV, SYLK, flat OpenDocument .fods, HTML, Excel 2003 XML). The
name of a file says little: a clerk renames a PDF to .xlsx as easily as a CSV. `recognise()`
looks at the container and the parts that say what is inside, never parsing the content, and
names the format in the refusal so the submitter knows what they sent and what to do.

Encryption is found where each format keeps it: an `EncryptionInfo` stream in an OLE2 file
(OOXML), a FILEPASS record right after the BOF of the workbook stream (BIFF5/BIFF8: XOR, RC4,
CryptoAPI), `manifest:encryption-data` in an OpenDocument manifest; all get the one message
that says the file has a password and how to remove it.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"

# What the submitter is asked to do when the format itself is the problem.
SAVE_AS_XLSX = "请在 Excel 或 WPS 中打开后另存为 .xlsx 再提交。"
FROM_TEMPLATE = "请在 Excel 或 WPS 中打开报送模板填写，另存为 .xlsx 再提交。"


@dataclass
class ReadFailure:
    """Why a file could not be read, in Chinese, with what the submitter can do.

    `text` marks a file that is text (a CSV) but could not be read as one: where a folder takes
    only workbooks, the story is that a workbook is needed, not the CSV's own trouble.
    `detail` is for the log only (a parser's exception), never shown to a person.
    """

    message: str
    fix: str = ""
    text: bool = False
    detail: str = ""


ENCRYPTED = ReadFailure(
    "文件设置了打开密码（已加密），系统无法读取其中的内容。",
    "请用 Excel 打开文件（输入密码），点击 文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码框后确定并保存，"
    "再重新提交（WPS：文件 → 文档加密 → 密码加密，清空打开密码后保存；LibreOffice：另存为时不勾选“使用密码保存”）。")
CORRUPT = ReadFailure("文件已损坏，无法作为 Excel 工作簿打开。", SAVE_AS_XLSX)
CORRUPT_INSIDE = ReadFailure("文件内部数据损坏，无法读取。", SAVE_AS_XLSX)
UNREADABLE = ReadFailure("文件已损坏或结构不完整，系统无法读取其中的表格。",
                         "请在 Excel 或 WPS 中打开后另存为 .xlsx 再提交；若打不开，请从报送模板重新填写。")
UNKNOWN = ReadFailure("文件不是 Excel 工作簿、OpenDocument 表格或 CSV 文本，系统无法识别它的格式。", SAVE_AS_XLSX)
OLD_EXCEL = ReadFailure("文件是 Excel 2.x–4.0 的旧格式工作簿（1994 年以前的格式），系统无法读取。", SAVE_AS_XLSX)
EXCEL_95 = ReadFailure("文件是 Excel 5.0/95 格式的旧工作簿，系统无法可靠读取其中的中文。", SAVE_AS_XLSX)
LOTUS = ReadFailure("文件是 Lotus 1-2-3 或 Quattro Pro 等旧表格软件的格式，系统无法读取。", SAVE_AS_XLSX)
OTHER_OLE = ReadFailure("文件是 Office 旧格式的复合文档，但里面没有 Excel 工作簿。", FROM_TEMPLATE)
WORD = ReadFailure("文件是 Word 文档（.doc），不是 Excel 工作簿。", FROM_TEMPLATE + "不要把表格粘贴进 Word。")
WORD_OOXML = ReadFailure("文件是 Word 文档（.docx），不是 Excel 工作簿。", WORD.fix)
POWERPOINT = ReadFailure("文件是 PowerPoint 演示文稿，不是 Excel 工作簿。", FROM_TEMPLATE)
ODF_OTHER = ReadFailure("文件是 OpenDocument 文本或演示文稿，不是电子表格。", FROM_TEMPLATE)
NUMBERS = ReadFailure("文件是苹果 Numbers 表格（.numbers），系统不读取这种格式。",
                      "请在 Numbers 中点击 文件 → 导出到 → Excel，导出 .xlsx 后再提交。")
ZIP_OTHER = ReadFailure("文件是一个压缩包（.zip），里面不是 Excel 工作簿。",
                        "请解压后，把其中的 Excel 工作簿（.xlsx）单独放入文件夹。")
ARCHIVE = ReadFailure("文件是一个压缩包（RAR、7z 或 gzip），不是 Excel 工作簿。",
                      "请解压后，把其中的 Excel 工作簿（.xlsx）单独放入文件夹。")
GNUMERIC = ReadFailure("文件是 Gnumeric 表格（.gnumeric），系统不读取这种格式。",
                       "请在 Gnumeric 或 LibreOffice 中打开后另存为 .xlsx 再提交。")
PDF = ReadFailure("文件是 PDF 文档，不是 Excel 工作簿，系统无法从中读取表格。",
                  "请提交在 Excel 或 WPS 中填写的原始工作簿（.xlsx），不要提交打印或导出的 PDF。")
IMAGE = ReadFailure("文件是一张图片，不是 Excel 工作簿。",
                    "请提交在 Excel 或 WPS 中填写的原始工作簿（.xlsx），不要提交截图或照片。")
RTF = ReadFailure("文件是 RTF 文档（写字板或 Word 保存的文本），不是 Excel 工作簿。", FROM_TEMPLATE)
HTML = ReadFailure("文件是网页（HTML）格式的表格，只是扩展名像 Excel 文件，系统无法可靠读取。", SAVE_AS_XLSX)
XML_2003 = ReadFailure("文件是 Excel 2003 XML 格式（.xml 表格），系统不读取这种格式。", SAVE_AS_XLSX)
FODS = ReadFailure("文件是 OpenDocument 平面 XML 表格（.fods），系统不读取这种格式。",
                   "请在 WPS 或 LibreOffice 中打开后另存为 .xlsx 再提交。")
SYLK = ReadFailure("文件是 SYLK 格式（.slk，一种只存一张工作表的旧文本格式），系统不读取这种格式。", SAVE_AS_XLSX)
TEXT_ENCODING = ReadFailure(
    "文件是文本（CSV），但文字编码无法识别：既不是 UTF-8，也不是 GBK/GB18030{guess}。",
    "请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 再提交。", text=True)

_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_ARCHIVES = (b"Rar!", b"7z\xbc\xaf")
_LOTUS = (b"\x00\x00\x02\x00", b"\x00\x00\x1a\x00")  # the BOF of Lotus .wk1/.wk3/.wk4/.123 and Quattro Pro .wq1/.wb1
_HTML_TABLE = re.compile(rb"<(html|table)\b", re.IGNORECASE)
_SPREADSHEET_2003 = b"urn:schemas-microsoft-com:office:spreadsheet"
_FLAT_ODF = re.compile(rb"<office:document\b[^>]*urn:oasis:names:tc:opendocument", re.DOTALL)
_FLAT_ODF_SPREADSHEET = re.compile(rb'office:mimetype="application/vnd\.oasis\.opendocument\.spreadsheet|<office:spreadsheet\b')
_ODF_SPREADSHEET = b"application/vnd.oasis.opendocument.spreadsheet"  # also the -template (.ots)
_BOF_RECORDS = (0x0009, 0x0209, 0x0409, 0x0809)  # BIFF2, BIFF3, BIFF4, BIFF5+ (a BOF outside any OLE2 container)
_FILEPASS = 0x002F
_BIFF8 = 0x0600


def recognise(data: bytes) -> str | ReadFailure:
    """What the bytes are: a readable format (xlsx, xlsb, ods, xls, csv) or why the file is refused."""
    if data.startswith((ZIP_MAGIC, _EMPTY_ZIP)):
        return _zip_format(data)
    if data.startswith(OLE_MAGIC):
        return _ole_format(data)
    if len(data) >= 8 and struct.unpack_from("<HH", data)[0] in _BOF_RECORDS and struct.unpack_from("<H", data, 2)[0] in (
            4, 6, 8, 16):
        return OLD_EXCEL
    if data[:4] in _LOTUS:
        return LOTUS
    if data.startswith(b"%PDF"):
        return PDF
    if data.startswith(_IMAGES):
        return IMAGE
    if data.startswith(_ARCHIVES):
        return ARCHIVE
    if data.startswith(b"\x1f\x8b"):
        return GNUMERIC if b"gnumeric" in _gunzipped_head(data) else ARCHIVE
    if data.startswith(b"{\\rtf"):
        return RTF
    return _text_format(data)


def _gunzipped_head(data: bytes) -> bytes:
    """The first 4 KB a gzip stream inflates to (never more), or b'' if it is not one."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 4096)
    except zlib.error:
        return b""


def _zip_format(data: bytes) -> str | ReadFailure:
    """xlsx, xlsb or ods by the zip's own table of contents; what else it holds otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {m.filename for m in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return CORRUPT
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    mimetype = _small_member(archive, "mimetype")
    if mimetype is not None or "content.xml" in names:
        manifest = _small_member(archive, "META-INF/manifest.xml") or b""
        if b"encryption-data" in manifest:
            return ENCRYPTED
        if (mimetype or b"").startswith(_ODF_SPREADSHEET) or (mimetype is None and _ODF_SPREADSHEET in manifest):
            return "ods"
        return ODF_OTHER
    if "word/document.xml" in names:
        return WORD_OOXML
    if "ppt/presentation.xml" in names:
        return POWERPOINT
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in names) or "Index.zip" in names:
        return NUMBERS
    return ZIP_OTHER


def _small_member(archive: zipfile.ZipFile, name: str, limit: int = 1 << 20) -> bytes | None:
    """A member's first `limit` bytes (a manifest, a mimetype), or None if it is missing or unreadable."""
    try:
        with archive.open(name) as stream:
            return stream.read(limit)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError):
        return None


def _ole_format(data: bytes) -> str | ReadFailure:
    """What an OLE2 compound file holds, by the names of its streams."""
    ole = CompoundFile.parse(data)
    if ole is None:
        return "xls"  # a directory that cannot be followed: the bounded parser says the rest
    if {"encryptioninfo", "encryptedpackage"} & ole.streams.keys():
        return ENCRYPTED
    for stream in ("workbook", "book"):
        if stream in ole.streams:
            version, encrypted = biff_globals(ole.read(stream, 4096))
            if encrypted:
                return ENCRYPTED
            return "xls" if version >= _BIFF8 or version == 0 else EXCEL_95
    if "worddocument" in ole.streams:
        return WORD
    if "powerpoint document" in ole.streams:
        return POWERPOINT
    if "nativecontent_main" in ole.streams:
        return LOTUS  # Quattro Pro (.qpw, .wb3)
    return OTHER_OLE


def biff_globals(head: bytes) -> tuple[int, bool]:
    """(BIFF version of the first BOF, whether a FILEPASS record follows) in a workbook stream's first bytes."""
    if len(head) < 8 or struct.unpack_from("<H", head)[0] not in _BOF_RECORDS:
        return 0, False
    version = struct.unpack_from("<H", head, 4)[0]
    pos = 0
    for _ in range(64):  # FILEPASS comes right after BOF (a few records at most in files Excel wrote)
        if pos + 4 > len(head):
            break
        kind, length = struct.unpack_from("<HH", head, pos)
        if kind == _FILEPASS:
            return version, True
        if kind in (0x0085, 0x00FC, 0x000A):  # BOUNDSHEET, SST, EOF: past where FILEPASS can be
            break
        pos += 4 + length
    return version, False


@dataclass
class CompoundFile:
    """The directory of an OLE2 compound file (MS-CFB), read by bytes with every chain bounded."""

    data: bytes
    sector_size: int
    mini_size: int
    mini_cutoff: int
    fat: list[int]
    minifat: list[int]
    root_start: int
    streams: dict[str, tuple[int, int]]  # lower-case name → (first sector, size)

    @classmethod
    def parse(cls, data: bytes) -> CompoundFile | None:
        """The file's directory, or None when the header or a chain does not hold together."""
        try:
            return cls._parse(data)
        except (struct.error, IndexError, ValueError):
            return None

    @classmethod
    def _parse(cls, data: bytes) -> CompoundFile | None:
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            return None
        size = 1 << shift
        fat_count, first_dir = struct.unpack_from("<II", data, 0x2C)
        mini_cutoff, first_minifat, minifat_count, first_difat, difat_count = struct.unpack_from("<IIIII", data, 0x38)
        sectors = max(0, len(data) // size - 1)
        if fat_count > sectors + 1:
            return None
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < sectors][:fat_count]
        difat, seen = first_difat, set()
        while len(fat_sectors) < fat_count and difat < sectors and difat not in seen and len(seen) <= difat_count:
            seen.add(difat)
            entries = struct.unpack_from(f"<{size // 4}I", data, (difat + 1) * size)
            fat_sectors += [s for s in entries[:-1] if s < sectors][: fat_count - len(fat_sectors)]
            difat = entries[-1]
        fat = [e for s in fat_sectors for e in struct.unpack_from(f"<{size // 4}I", data, (s + 1) * size)]
        book = cls(data, size, 1 << mini_shift, mini_cutoff, fat, [], 0, {})
        directory = book._chain_bytes(first_dir, limit=4096 * 128)
        for offset in range(0, len(directory) - 127, 128):
            entry = directory[offset: offset + 128]
            name_len, kind = struct.unpack_from("<HB", entry, 64)
            start, length = struct.unpack_from("<IQ", entry, 116)
            name = entry[: max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace").lower()
            if kind == 5:
                book.root_start = start
            elif kind == 2:
                book.streams.setdefault(name, (start, length & 0xFFFFFFFF))
        book.minifat = list(struct.unpack(f"<{len(m) // 4}I", m)) if (
            m := book._chain_bytes(first_minifat, limit=minifat_count * size)) else []
        return book

    def _chain(self, start: int, table: list[int], steps: int) -> list[int]:
        """The sectors of a chain from `start`, at most `steps`, stopping at a loop or an end marker."""
        chain, seen = [], set()
        while start < len(table) and start not in seen and len(chain) < steps:
            seen.add(start)
            chain.append(start)
            start = table[start]
        return chain

    def _chain_bytes(self, start: int, limit: int) -> bytes:
        steps = -(-limit // self.sector_size)
        return b"".join(self.data[(s + 1) * self.sector_size: (s + 2) * self.sector_size]
                        for s in self._chain(start, self.fat, steps))

    def read(self, name: str, limit: int) -> bytes:
        """The first `limit` bytes of a stream (from the mini stream when it is small)."""
        start, length = self.streams[name]
        limit = min(limit, length)
        if length >= self.mini_cutoff:
            return self._chain_bytes(start, limit)[:limit]
        mini_stream = self._chain_bytes(self.root_start, limit=(max(start, 0) + 1) * self.mini_size + limit + 4096)
        sectors = self._chain(start, self.minifat, -(-limit // self.mini_size))
        return b"".join(mini_stream[s * self.mini_size: (s + 1) * self.mini_size] for s in sectors)[:limit]


def _text_format(data: bytes) -> str | ReadFailure:
    """Text files: CSV, or a format of its own that happens to be text (SYLK, .fods, HTML, Excel 2003 XML)."""
    head = data[:65536]
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in head[:4096] and not utf16:
        return UNKNOWN
    if head.startswith(b"ID;"):
        return SYLK
    stripped = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    if stripped.startswith(b"<"):
        if _FLAT_ODF.search(head):
            return FODS if _FLAT_ODF_SPREADSHEET.search(data) else ODF_OTHER
        if _SPREADSHEET_2003 in head[:8192]:
            return XML_2003
        if _HTML_TABLE.search(head):
            return HTML
    if utf16 or looks_like_text(head[:4096]):
        return "csv"
    return text_in_unknown_encoding(head) if _mostly_printable(head) else UNKNOWN


def looks_like_text(head: bytes) -> bool:
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


def _mostly_printable(head: bytes) -> bool:
    """Bytes that look like text in some 8-bit encoding: no NUL, hardly any control characters."""
    controls = sum(1 for b in head[:4096] if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    return b"\x00" not in head[:4096] and controls * 100 <= len(head[:4096])


def text_in_unknown_encoding(head: bytes) -> ReadFailure:
    """A text file that is neither UTF-8 nor GB18030; named as Western (Latin-1) text when its bytes read as such."""
    western = head.decode("cp1252", "replace")
    guess = "（看起来是 Latin-1/西文编码）" if sum(ch.isalpha() for ch in western if ord(ch) > 0x7F) else ""
    return ReadFailure(TEXT_ENCODING.message.format(guess=guess), TEXT_ENCODING.fix, text=True)
