"""Reading by content, in every encoding promised, and refusing hostile files before parsing them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from zhaoshang.intake import readers

ROWS = [["企业名称", "所在地区"], ["中粮集团", "吉林"]]


def xlsx_bytes(rows=ROWS) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return readers.read_submission(path)


def test_xlsx_rows_start_at_a1(tmp_path: Path) -> None:
    book = read(tmp_path, "a.xlsx", xlsx_bytes([[None], [None, "标题"]]))
    assert book.format == "xlsx" and book.sheets["Sheet"].rows == [["", ""], ["", "标题"]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030", "utf-8"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    text = "企业名称,所在地区\n中粮集团,吉林\n"
    book = read(tmp_path, "a.csv", text.encode(encoding))
    assert book.format == "csv" and book.sheets["CSV"].rows == ROWS


def test_gb18030_only_characters(tmp_path: Path) -> None:
    # 𠀾 lies outside GBK: only GB18030 (or UTF-8) can carry it
    book = read(tmp_path, "a.csv", "企业名称\n𠀾科技\n".encode("gb18030"))
    assert book.sheets["CSV"].rows[1] == ["𠀾科技"]


def test_utf8_is_tried_before_gb18030(tmp_path: Path) -> None:
    # these UTF-8 bytes also decode (wrongly) as GB18030; UTF-8 must win
    data = "中文\n".encode()
    assert data.decode("gb18030").startswith("涓")  # decodes "successfully" as mojibake
    assert read(tmp_path, "a.csv", data).sheets["CSV"].rows == [["中文"]]


def test_a_csv_named_xlsx_is_read_as_what_it_is(tmp_path: Path) -> None:
    assert read(tmp_path, "a.xlsx", "企业名称,所在地区\n".encode()).format == "csv"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "文件是空的（0 字节）。"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "文件是一张图片，不是 Excel 工作簿。"),
    (b"PK\x03\x04garbage", "文件已损坏，无法作为 Excel 工作簿打开。"),
])
def test_unreadable_files_are_explained(tmp_path: Path, data: bytes, message: str) -> None:
    assert read(tmp_path, "x.xlsx", data).message == message


def _rewrite(data: bytes, member: str, transform) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts[member] = transform(parts[member])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, content in parts.items():
            dst.writestr(name, content)
    return out.getvalue()


def test_far_away_cell_is_refused_before_parsing(tmp_path: Path) -> None:
    data = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda x: x.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    assert len(data) < 10_000
    assert read(tmp_path, "far.xlsx", data).message == "工作表中有数据的范围异常（到第 1048576 行、第 16384 列），已拒绝读取。"


def test_formatting_down_to_the_last_row_is_not_data(tmp_path: Path) -> None:
    # styled but empty cells (self-closing <c/>) down to row 1,048,576: read normally
    data = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda x: x.replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576" s="0"/></row></sheetData>'))
    book = read(tmp_path, "styled.xlsx", data)
    assert isinstance(book, readers.RawWorkbook)
    assert book.sheets["Sheet"].rows[:2] == ROWS


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    # 100 MB of zeros compresses to ~100 KB: refused by declared and by actual size
    data = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda x: x + b" " * (100 * 1024 * 1024))
    assert len(data) < 1_000_000
    assert read(tmp_path, "bomb.xlsx", data).message == "文件解压后体积异常巨大（疑似压缩炸弹），已拒绝读取。"


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    evil = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = _rewrite(xlsx_bytes(), "xl/workbook.xml", lambda x: evil + x)
    assert read(tmp_path, "xxe.xlsx", data).message == "文件包含不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。"


def test_ole_file_with_encryption_stream_is_reported_as_encrypted(tmp_path: Path) -> None:
    from tests.corpus.make_corpus import encrypted_ooxml

    assert read(tmp_path, "secret.xlsx", encrypted_ooxml()).message == "文件设置了打开密码（已加密），系统无法读取其中的内容。"


def test_broken_xls_is_refused_in_a_bounded_child(tmp_path: Path) -> None:
    result = read(tmp_path, "old.xls", readers.OLE_MAGIC + b"\x00" * 2048)
    assert isinstance(result, readers.ReadFailure)


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return src.read("xl/worksheets/sheet1.xml")


def test_error_values_and_uncomputed_formulas_are_not_read_as_blank(tmp_path: Path) -> None:
    # calamine reads both as "": the reader finds them in the sheet XML and hands them on as unreadable cells
    data = _rewrite(xlsx_bytes([["金额", "日期"], ["=100*2", 1]]), "xl/worksheets/sheet1.xml", lambda x: x.replace(
        b'<c r="B2" t="n"><v>1</v></c>', b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                                          b'<c r="C2" t="str"><f>IF(1,"","x")</f><v></v></c>'))
    row = read(tmp_path, "f.xlsx", data).sheets["Sheet"].rows[1]
    assert [type(v).__name__ for v in row] == ["UnreadableCell", "UnreadableCell", "str"]
    assert row[:2] == ["=100*2", "#DIV/0!"] and row[2] == ""  # an empty-string result is a real (empty) value
    assert row[0].problem.message == "单元格中的公式“=100*2”没有计算结果（文件未经 Excel/WPS 计算保存）。"


def test_shared_string_multiplied_by_its_cells_is_refused(tmp_path: Path) -> None:
    sst = b'<sst xmlns="x"><si><t>' + b"a" * 200_000 + b"</t></si></sst>"
    cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, 401))
    data = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda x: x.replace(b"</sheetData>", cells + b"</sheetData>"))
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", sst)
    data = buffer.getvalue()
    assert len(data) < 50_000
    assert read(tmp_path, "s.xlsx", data).message == "工作表中的文字内容展开后体积异常巨大（疑似共享字符串炸弹），已拒绝读取。"


def test_rows_without_positions_are_counted(tmp_path: Path) -> None:
    data = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda x: x.replace(
        b"</sheetData>", b"<row/>" * 60_000 + b"<row><c><v>1</v></c></row></sheetData>"))
    assert read(tmp_path, "r.xlsx", data).message.startswith("工作表中有数据的范围异常（到第 60003 行")


def test_doctype_anywhere_and_wide_xml_are_refused(tmp_path: Path) -> None:
    late = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml",
                    lambda x: x.replace(b"<worksheet", b"<!--" + b" " * 5000 + b'--><!DOCTYPE w [<!ENTITY a "b">]><worksheet'))
    assert read(tmp_path, "late.xlsx", late).message == "文件包含不安全的 XML 声明（DOCTYPE/ENTITY），已拒绝读取。"
    wide = _rewrite(xlsx_bytes(), "xl/worksheets/sheet1.xml", lambda x: x.decode().encode("utf-16"))
    assert read(tmp_path, "wide.xlsx", wide).message == "文件内部的工作表数据不是 UTF-8 编码（Excel、WPS 不会这样保存），已拒绝读取。"


def test_unicode_text_export_is_read(tmp_path: Path) -> None:
    # Excel's "Unicode 文本": UTF-16 with BOM, tab-separated
    book = read(tmp_path, "a.txt", "企业名称\t所在地区\r\n中粮集团\t吉林\r\n".encode("utf-16"))
    assert book.format == "csv" and book.sheets["CSV"].rows == ROWS


def test_unbalanced_quote_is_refused_not_guessed(tmp_path: Path) -> None:
    result = read(tmp_path, "q.csv", '企业名称,所在地区\n"中粮集团,吉林\n丰原集团,安徽\n'.encode())
    assert result.message == "CSV 文件第 2 行附近的引号不配对，无法可靠地分列。"


@pytest.mark.parametrize(("data", "message"), [
    (b'<html><body><table><tr><td>\xe9\xa1\xb9\xe7\x9b\xae</td></tr></table></body></html>',
     "文件是网页（HTML）格式的表格，只是扩展名像 Excel 文件，系统无法可靠读取。"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     "文件是 Excel 2003 XML 格式（.xml 表格），系统不读取这种格式。"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "文件是 PDF 文档，不是 Excel 工作簿，系统无法从中读取表格。"),
])
def test_web_exports_and_pdfs_are_named_for_what_they_are(tmp_path: Path, data: bytes, message: str) -> None:
    assert read(tmp_path, "x.xls", data).message == message
