"""Spreadsheets as other programs save them, made here with the tools at hand (tests/test_formats.py).

LibreOffice (headless, one run for all of them, through a small Basic macro in a throwaway
profile) writes .ods, flat .fods, SYLK, Excel 97–2003 .xls, Word .doc/.docx, PDF and HTML,
and saves .xls and .ods with a password (RC4 and AES as it encrypts them). msoffcrypto-tool
encrypts OOXML as Excel does. What no tool here writes is built by hand from the published
record formats, each the smallest file a reader has to recognise:

- .xlsb (MS-XLSB): a zip of BIFF12 records — workbook.bin lists the sheets, each sheet.bin holds
  rows of inline-string and number cells;
- Excel 95 (BIFF5 in an OLE2 "Book" stream, text in code page 936) and Excel 4.0 (a bare BIFF4
  stream), which LibreOffice 7 reads but no longer writes;
- BIFF8 .xls with a FILEPASS record of each kind Excel and WPS write (XOR obfuscation, RC4,
  RC4 CryptoAPI) after the BOF: only the record says the stream is encrypted; the cells after it
  are left as they were, since a reader must refuse the file before it decrypts anything;
- a Quattro Pro .qpw (OLE2 with a NativeContent_MAIN stream) and a Lotus 1-2-3 .wk1 header.

Nothing here is downloaded: every file is made from the rows a test states.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

# ── LibreOffice, one run for many files ──────────────────────────────────────────────────────
_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Convert(listFile As String)
  Dim n As Integer, line As String, parts
  n = FreeFile
  Open listFile For Input As #n
  Do While Not EOF(n)
    Line Input #n, line
    If Len(line) &gt; 0 Then
      parts = Split(line, Chr(9))
      SaveOne(parts(0), parts(1), parts(2), parts(3))
    End If
  Loop
  Close #n
End Sub
Sub SaveOne(src As String, dst As String, filter As String, password As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  Dim doc As Object
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), "_blank", 0, args())
  If password = "-" Then
    Dim plain(0) As New com.sun.star.beans.PropertyValue
    plain(0).Name = "FilterName" : plain(0).Value = filter
    doc.storeToURL(ConvertToURL(dst), plain())
  Else
    Dim secret(1) As New com.sun.star.beans.PropertyValue
    secret(0).Name = "FilterName" : secret(0).Value = filter
    secret(1).Name = "Password" : secret(1).Value = password
    doc.storeToURL(ConvertToURL(dst), secret())
  End If
  doc.close(True)
End Sub
</script:module>
"""


def libreoffice_available() -> bool:
    return shutil.which("soffice") is not None


def libreoffice(jobs: Sequence[tuple[Path, Path, str, str | None]], work: Path) -> None:
    """Save each (source, target, filter name, password or None) with LibreOffice, all in one run."""
    profile = work / "lo-profile"
    url = f"-env:UserInstallation={profile.as_uri()}"
    subprocess.run(["soffice", "--headless", url, "--terminate_after_init"], check=True, capture_output=True,
                   timeout=120)
    (profile / "user/basic/Standard/Module1.xba").write_text(_MACRO, encoding="utf-8")
    listing = work / "lo-jobs.txt"
    listing.write_text("".join(f"{s}\t{t}\t{f}\t{p or '-'}\n" for s, t, f, p in jobs), encoding="utf-8")
    subprocess.run(["soffice", "--headless", url, f'macro:///Standard.Module1.Convert("{listing}")'], check=True,
                   capture_output=True, timeout=300)
    missing = [str(t) for _, t, _, _ in jobs if not t.exists()]
    assert not missing, f"LibreOffice did not write {missing}"


# ── cells of a workbook, as calamine reads them (the source of the hand-made formats) ────────
def sheets_of(xlsx: bytes) -> dict[str, list[list[object]]]:
    """Sheet name → rows of an .xlsx, as values (the content every hand-made format below carries)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


# ── OLE2 compound files (MS-CFB v3) ───────────────────────────────────────────────────────────
_END, _FREE, _FAT_SECTOR, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 file holding `streams`, each padded to at least 4096 bytes (so none lives in the mini stream;
    BIFF readers stop at a stream's EOF record, the padding after it is never read)."""
    assert len(streams) <= 3, "one directory sector holds the root and three streams"
    padded = {name: data.ljust(max(4096, -(-len(data) // 512) * 512), b"\x00") for name, data in streams.items()}
    fat, starts, sector = [_FAT_SECTOR, _END], {}, 2
    for name, data in padded.items():
        count = len(data) // 512
        starts[name] = sector
        fat += [sector + i + 1 for i in range(count - 1)] + [_END]
        sector += count
    assert len(fat) <= 128, "one FAT sector maps 128 sectors"
    fat += [_FREE] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", _NONE, right, child) + b"\x00" * 16 + struct.pack("<IQQ", 0, 0, 0)
                + struct.pack("<IQ", start, size))

    names = list(padded)
    directory = entry("Root Entry", 5, _NONE, 1, _END, 0)
    for i, name in enumerate(names):  # a chain of right siblings: the simplest valid red-black tree
        directory += entry(name, 2, i + 2 if i + 1 < len(names) else _NONE, _NONE, starts[name], len(padded[name]))
    directory = directory.ljust(512, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))
    return header + struct.pack("<128I", *fat) + directory + b"".join(padded.values())


def ole_stream(data: bytes, name: str) -> bytes:
    """One stream of an OLE2 file (olefile, a test-only dependency through msoffcrypto-tool)."""
    import olefile

    with olefile.OleFileIO(data) as ole:
        return ole.openstream(name).read()


# ── BIFF records ─────────────────────────────────────────────────────────────────────────────
def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


FILEPASS = {  # the record body after wEncryptionType as Excel/WPS write it (MS-XLS 2.4.117)
    "xor": struct.pack("<HHH", 0, 0x1234, 0xABCD),
    "rc4": struct.pack("<HHH", 1, 1, 1) + bytes(range(48)),
    "cryptoapi": struct.pack("<HHHII", 1, 4, 2, 0x0C, 0x8C) + bytes(0x8C + 0x34),
}


def with_filepass(xls: bytes, scheme: str) -> bytes:
    """A BIFF8 .xls whose workbook stream says it is encrypted (`scheme`): FILEPASS right after the BOF."""
    stream = ole_stream(xls, "Workbook")
    bof_length = struct.unpack_from("<H", stream, 2)[0]
    end = 4 + bof_length
    return compound_file({"Workbook": stream[:end] + record(0x002F, FILEPASS[scheme]) + stream[end:]})


def excel95(sheets: dict[str, list[list[object]]], encrypted: bool = False) -> bytes:
    """An Excel 5.0/95 workbook: BIFF5 in an OLE2 "Book" stream, text in code page 936 (GBK)."""
    def text(value: str) -> bytes:
        encoded = value.encode("gbk")
        return struct.pack("<H", len(encoded)) + encoded

    globals_head = record(0x0809, struct.pack("<HHHH", 0x0500, 0x0005, 0x096C, 0x07C9))
    if encrypted:
        globals_head += record(0x002F, FILEPASS["xor"][2:])  # BIFF5 FILEPASS: key and verifier only
    globals_head += record(0x0042, struct.pack("<H", 936))
    bodies = []
    for rows in sheets.values():
        cells = b""
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    cells += record(0x0204, struct.pack("<HHH", r, c, 0x0F) + text(value))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    cells += record(0x0203, struct.pack("<HHHd", r, c, 0x0F, float(value)))
        bodies.append(record(0x0809, struct.pack("<HHHH", 0x0500, 0x0010, 0x096C, 0x07C9)) + cells + record(0x000A))
    bound_size = sum(4 + 6 + 1 + len(n.encode("gbk")) for n in sheets)
    offset = len(globals_head) + bound_size + 4
    bound = b""
    for name, body in zip(sheets, bodies, strict=True):
        encoded = name.encode("gbk")
        bound += record(0x0085, struct.pack("<IBB", offset, 0, 0) + bytes([len(encoded)]) + encoded)
        offset += len(body)
    return compound_file({"Book": globals_head + bound + record(0x000A) + b"".join(bodies)})


def excel4(rows: list[list[object]]) -> bytes:
    """An Excel 4.0 worksheet: a bare BIFF4 stream (no OLE2 container), text in the system code page."""
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value:
                encoded = value.encode("gbk")
                cells += record(0x0204, struct.pack("<HHHH", r, c, 0x0F, len(encoded)) + encoded)
    return record(0x0409, struct.pack("<HHH", 0x0000, 0x0010, 0x0000)) + cells + record(0x000A)


def quattro_pro() -> bytes:
    """A Quattro Pro 9+ notebook (.qpw): an OLE2 file whose only stream is NativeContent_MAIN."""
    return compound_file({"NativeContent_MAIN": record(0x0000, b"\x02\x10") + b"\x00" * 64})


def lotus_wk1() -> bytes:
    """A Lotus 1-2-3 release 2 worksheet (.wk1): BOF 00 00, length 2, version 0x0406."""
    return struct.pack("<HHH", 0, 2, 0x0406) + struct.pack("<HH", 1, 0)


# ── .xlsb (MS-XLSB) ──────────────────────────────────────────────────────────────────────────
def _varint(value: int) -> bytes:
    out = b""
    while True:
        byte, value = value & 0x7F, value >> 7
        out += bytes([byte | (0x80 if value else 0)])
        if not value:
            return out


def _brt(kind: int, body: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(body)) + body


def _wide(text: str) -> bytes:
    encoded = text.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


def xlsb(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsb holding `sheets`: text as inline strings (BrtCellSt), numbers as BrtCellReal."""
    names = list(sheets)
    workbook = _brt(131) + _brt(143)
    for i, name in enumerate(names, start=1):
        workbook += _brt(156, struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name))
    workbook += _brt(144) + _brt(132)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
                      for i in range(1, len(names) + 1)) + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.bin"/></Relationships>'),
        "xl/_rels/workbook.bin.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.bin"/>' for i in range(1, len(names) + 1))
            + "</Relationships>"),
        "xl/workbook.bin": workbook,
    }
    for i, rows in enumerate(sheets.values(), start=1):
        width = max((len(r) for r in rows), default=1)
        body = _brt(129) + _brt(148, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, max(width - 1, 0))) + _brt(145)
        for r, row in enumerate(rows):
            body += _brt(0, struct.pack("<IIHBBBI", r, 0, 300, 0, 0, 0, 0))
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    body += _brt(6, struct.pack("<II", c, 0) + _wide(value))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    body += _brt(5, struct.pack("<IId", c, 0, float(value)))
        parts[f"xl/worksheets/sheet{i}.bin"] = body + _brt(146) + _brt(130)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


# ── OOXML variants ───────────────────────────────────────────────────────────────────────────
POWER_QUERY = ('<?xml version="1.0" encoding="utf-16"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">'
               "AAAAAA==</DataMashup>")


def with_power_query(xlsx: bytes) -> bytes:
    """The workbook as Excel saves it once 数据 → 获取数据 was used: customXml/item1.xml in UTF-16 (with BOM)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("customXml/item1.xml", POWER_QUERY.encode("utf-16"))
        dst.writestr("customXml/itemProps1.xml", '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
                     '<ds:datastoreItem ds:itemID="{5E3F1A2B-0000-0000-0000-000000000000}" '
                     'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>')
        dst.writestr("customXml/_rels/item1.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     'relationships/customXmlProps" Target="itemProps1.xml"/></Relationships>')
    return out.getvalue()


def encrypted_ooxml(xlsx: bytes, password: str = "secret") -> bytes:
    """The workbook encrypted as Excel does (ECMA-376 agile encryption), with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx)).encrypt(password, out)
    return out.getvalue()


def zipped(name: str, content: bytes) -> bytes:
    """A plain .zip archive holding one file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


def numbers_package() -> bytes:
    """An Apple Numbers document as a single file: a zip of .iwa (protobuf) parts under Index/."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Index/Document.iwa", b"\x00\x1e\x00\x00" + bytes(30))
        archive.writestr("Metadata/Properties.plist", b"bplist00")
    return out.getvalue()
