"""Formats as office programs save them (tests/corpus/formats.py), and the README's promises about them.

The README quotes the reader's bounds and lists each format's outcome; both are checked here
against the code, so that neither can drift from what the reader does.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.corpus import formats
from tests.corpus.make_corpus import (
    CSV_HEADERS,
    LIBRARY_HEADERS,
    LIBRARY_PROJECTS,
    REVIEW_HEADERS,
    _png,
    csv_bytes,
    csv_rows,
    library_row,
    monthly_sheets,
    weekly_sheets,
    xlsx,
)
from transforms import kinds
from zhaoshang.intake import gate, readers
from zhaoshang.intake.inbox import InboxFile

README = Path(__file__).resolve().parents[1] / "README.md"
DOCS = README.parent / "docs" / "formats.md"
EXCEPTION_NAME = re.compile(r"[A-Za-z]+(Error|Exception|Panic)\b")


def _reading_bullet() -> str:
    """The **Reading.** bullet of "What the pipeline promises", on one line."""
    text = README.read_text(encoding="utf-8")
    start = text.index("- **Reading.**")
    end = text.index("\n- ", start + 1)
    return " ".join(text[start:end].split())


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_readme_quotes_the_readers_bounds():
    """Every bound the Reading bullet prints is the constant the reader uses."""
    bullet = _reading_bullet()
    unpacked = re.search(r"more than (\d+) MB unpacked", bullet)
    extent = re.search(r"beyond row ([\d,]+) or column ([\d,]+)", bullet)
    styled = re.search(r"Styled empty cells down to row ([\d,]+)", bullet)
    child = re.search(r"capped at (\d+) MB of address space and (\d+) s\b", bullet)
    assert None not in (unpacked, extent, styled, child), bullet
    assert _number(unpacked.group(1)) * 1024 * 1024 == readers.MAX_UNCOMPRESSED_BYTES
    assert (_number(extent.group(1)), _number(extent.group(2))) == (readers.MAX_ROWS, readers.MAX_COLS)
    assert _number(styled.group(1)) == readers.EXCEL_MAX_ROWS
    assert _number(child.group(1)) * 1024 * 1024 == readers.PARSER_MEMORY_BYTES
    assert _number(child.group(2)) == readers.PARSER_TIMEOUT_SECONDS
    # no other size or time in the bullet that this test does not hold to a constant
    figures = re.findall(r"(\d[\d,]*) (MB|GB|s)\b", bullet)
    assert sorted(figures) == sorted([(child.group(1), "MB"), (child.group(2), "s"), (unpacked.group(1), "MB")])
    assert readers.CHILD_FORMATS == ("xls", "xlsb", "ods")
    assert "`.xls`, `.xlsb` and `.ods`" in bullet


# ── the format table: every row's files, dropped into every folder ─────────────────────────────
FOLDERS = ("月报", "周报", "项目库", "述职评议")
RECEIVED = dt.datetime(2021, 9, 3, 10)
REVIEW_ROWS = [REVIEW_HEADERS, ["2021H1", "李明远", "清洁能源和新型建材组", "林振华", 95, "工作扎实"],
               ["2021H1", "陈静", "装备制造组", "林振华", 90, None]]
KIND_SHEETS = {  # a correct submission of each folder's kind
    "月报": monthly_sheets("equipment", "2021-08"),
    "周报": weekly_sheets("李明远", "2021-08-30", ["KFQ2021-001", "KFQ2021-002"]),
    "项目库": {"项目库": [LIBRARY_HEADERS, *(library_row(*p) for p in LIBRARY_PROJECTS[:3])]},
    "述职评议": {"评议得分": REVIEW_ROWS},
}
KIND_CSV = {  # the same kind's table as the rows of a CSV
    "月报": KIND_SHEETS["月报"]["对接企业"],
    "周报": csv_rows("李明远", "2021-08-30", ["KFQ2021-001", "KFQ2021-002"]),
    "项目库": KIND_SHEETS["项目库"]["项目库"],
    "述职评议": REVIEW_ROWS,
}
LATIN1_CSV = "Société;Région;Montant\nCafé Müller;Zürich;1200\nCrème brûlée SA;Genève;860,5\n".encode("latin-1")
WRITER_TEXT = "装备制造组2021年8月工作总结\n本月对接企业两家，签约项目一个。\n"

# What LibreOffice writes (source, file name, filter, password): for each kind, and the refused formats once.
LO_READABLE = {"xls": "MS Excel 97", "ods": "calc8", "xlsm": "Calc MS Excel 2007 VBA XML"}
LO_MONTHLY = {"fods": ("OpenDocument Spreadsheet Flat XML", None), "slk": ("SYLK", None),
              "pdf": ("calc_pdf_Export", None), "html": ("HTML (StarCalc)", None),
              "password.xls": ("MS Excel 97", "secret"), "password.ods": ("calc8", "secret")}
LO_WRITER = {"doc": "MS Word 97", "docx": "MS Word 2007 XML", "odt": "writer8", "rtf": "Rich Text Format"}


def _xml_2003(rows: list[list[object]]) -> bytes:
    body = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{"" if v is None else v}</Data></Cell>'
                                     for v in row) + "</Row>" for row in rows)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="对接企业"><Table>'
            f"{body}</Table></Worksheet></Workbook>").encode()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, dict[str, list[bytes]]]:
    """README row → folder → the files of that row to drop into that folder (one LibreOffice run for all)."""
    # ./run setup installs LibreOffice; without it these tests fail rather than pass unseen
    assert formats.libreoffice_available(), "LibreOffice (soffice) is needed to write .ods, .xls, .fods, SYLK, Word and PDF files"
    work = tmp_path_factory.mktemp("formats")
    xlsx_of = {kind: xlsx(sheets) for kind, sheets in KIND_SHEETS.items()}
    jobs = []
    for n, kind in enumerate(FOLDERS):
        source = work / f"kind{n}.xlsx"
        source.write_bytes(xlsx_of[kind])
        jobs += [(source, work / f"kind{n}.{ext}", name, None) for ext, name in LO_READABLE.items()]
    jobs += [(work / "kind0.xlsx", work / f"monthly.{ext}", name, password)
             for ext, (name, password) in LO_MONTHLY.items()]
    text = work / "summary.txt"
    text.write_text(WRITER_TEXT, encoding="utf-8")
    jobs += [(text, work / f"summary.{ext}", name, None) for ext, name in LO_WRITER.items()]
    formats.libreoffice(jobs, work)

    def lo(name: str) -> bytes:
        return (work / name).read_bytes()

    monthly = xlsx_of["月报"]
    lo_xls = lo("kind0.xls")
    contacts = KIND_SHEETS["月报"]["对接企业"]
    once = {  # refused rows: the same files in every folder
        "CSV in a Western encoding (Latin-1)": [LATIN1_CSV],
        "With a password: .xlsx, .xls (RC4, RC4 CryptoAPI, XOR), .ods": [
            formats.encrypted_ooxml(monthly), lo("monthly.password.xls"), lo("monthly.password.ods"),
            *(formats.with_filepass(lo_xls, scheme) for scheme in ("rc4", "cryptoapi", "xor")),
            formats.excel95(KIND_SHEETS["月报"], encrypted=True)],
        "Flat OpenDocument .fods": [lo("monthly.fods")],
        "SYLK .slk": [lo("monthly.slk")],
        "Excel 5.0/95 .xls": [formats.excel95(KIND_SHEETS["月报"])],
        "Excel 2.x–4.0 .xls": [formats.excel4(contacts)],
        "Excel 2003 XML spreadsheet": [_xml_2003(contacts)],
        "Web page (HTML table) named .xls": [lo("monthly.html")],
        "Word .doc": [lo("summary.doc")],
        "Word .docx": [lo("summary.docx")],
        "OpenDocument text .odt": [lo("summary.odt")],
        "RTF": [lo("summary.rtf")],
        "PDF": [lo("monthly.pdf")],
        "Picture (PNG, JPEG, …)": [_png(), b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)],
        "A .zip holding something else": [formats.zipped("月报.txt", WRITER_TEXT.encode()),
                                          formats.zipped("装备7月月报.xlsx", monthly)],
        "RAR, 7z or gzip archive": [b"Rar!\x1a\x07\x00" + bytes(32), b"7z\xbc\xaf\x27\x1c" + bytes(32),
                                    gzip.compress(monthly)],
        "Apple Numbers .numbers": [formats.numbers_package()],
        "Gnumeric .gnumeric": [gzip.compress(b'<?xml version="1.0" encoding="UTF-8"?>\n<gnm:Workbook '
                                             b'xmlns:gnm="http://www.gnumeric.org/v10.dtd"></gnm:Workbook>')],
        "Lotus 1-2-3, Quattro Pro": [formats.lotus_wk1(), formats.quattro_pro()],
        "A workbook cut off half way": [monthly[: len(monthly) // 2]],
        "An .xls whose structure leads nowhere": [readers.OLE_MAGIC + bytes(range(256)) * 40],
    }
    rows: dict[str, dict[str, list[bytes]]] = {label: dict.fromkeys(FOLDERS, files) for label, files in once.items()}
    for n, kind in enumerate(FOLDERS):
        base = xlsx_of[kind]
        for label, files in {
            "Excel workbook .xlsx / .xlsm (Excel, WPS, LibreOffice)": [base, lo(f"kind{n}.xlsm")],
            ".xlsx with Power Query (UTF-16 `customXml/item1.xml`)": [formats.with_power_query(base)],
            "Excel binary workbook .xlsb": [formats.xlsb(formats.sheets_of(base))],
            "Excel 97–2003 .xls": [lo(f"kind{n}.xls")],
            "OpenDocument spreadsheet .ods (LibreOffice, WPS)": [lo(f"kind{n}.ods")],
            "CSV: UTF-8, GBK/GB18030, UTF-16 (Unicode text)": [
                csv_bytes(KIND_CSV[kind], "utf-8-sig"), csv_bytes(KIND_CSV[kind], "gbk"),
                csv_bytes(KIND_CSV[kind], "utf-16", delimiter="\t")],
        }.items():
            rows.setdefault(label, {})[kind] = files
    return rows


def _table(path: Path, heading: str) -> list[list[str]]:
    """The cells of the first Markdown table after `heading` (header and separator rows dropped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def _told(texts: set[str], kind: str) -> set[str]:
    """What a person read, with the folder's own workbook title written as “…” (as the tables do)."""
    title = kinds.kind_named(kind).contract.title
    return {t.replace(f"“{title}”", "“…”") for t in texts}


def _examine(data: bytes, kind: str, folder: Path, n: int) -> gate.Examined:
    path = folder / kind / f"file{n}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    file = InboxFile(path, kind, RECEIVED, len(data))
    return gate.examine(file, data, "sha", gate.group_codes(make_settings(folder / "share")))


def _staged(examined: gate.Examined) -> dict[str, dict[str, list[object]]]:
    return {name: sheet.columns for name, sheet in examined.staged.sheets.items()}


def test_format_tables_are_what_each_folder_does(made, tmp_path: Path):
    """Each row of the README's table and of docs/formats.md, in each folder: read (the same records as the
    .xlsx) or refused with one file-level error, its message in the README and its fix in docs/formats.md."""
    readme = _table(README, "## File formats (issue 22)")
    docs = {row[0]: row[-1] for row in _table(DOCS, "## Every format, in every folder")}
    assert sorted(row[0] for row in readme) == sorted(made) == sorted(docs), "the tables and the files made differ"
    baseline = {kind: _staged(_examine(xlsx(KIND_SHEETS[kind]), kind, tmp_path, 0)) for kind in FOLDERS}
    n = 0
    for label, *outcomes, told in readme:
        messages, fixes = set(), set()
        for kind, outcome in zip(FOLDERS, outcomes, strict=True):
            for i, data in enumerate(made[label][kind], start=1):
                n += 1
                examined = _examine(data, kind, tmp_path, n)
                where = f"{label} in {kind}/ (file {i})"
                if outcome == "read":
                    assert examined.errors == [], (where, [e.message for e in examined.errors])
                    if examined.raw.format != "csv":
                        assert _staged(examined) == baseline[kind], where
                    continue
                assert outcome == "refused", where
                assert [e.sheet for e in examined.errors] == [""], (where, [e.message for e in examined.errors])
                error = examined.errors[0]
                assert error.fix.startswith("请") and not EXCEPTION_NAME.search(error.message + error.fix), where
                messages |= _told({error.message}, kind)
                fixes |= _told({error.fix}, kind)
        assert messages == _listed(told), label
        assert fixes == _listed(docs[label]), label


def _listed(cell: str) -> set[str]:
    return set(cell.split("<br>")) if cell else set()


def test_csv_read_in_every_encoding_gives_the_same_records(made, tmp_path: Path):
    for kind in ("周报", "述职评议"):
        staged = [_staged(_examine(data, kind, tmp_path, i)) for i, data in enumerate(
            made["CSV: UTF-8, GBK/GB18030, UTF-16 (Unicode text)"][kind])]
        assert staged[1:] == staged[:1] * 2, kind
        table = kinds.kind_named(kind).csv_sheet
        assert len(staged[0][table]["_row"]) == len(KIND_CSV[kind]) - 1, kind


def test_a_csv_is_told_its_own_kind(tmp_path: Path):
    """A library table as CSV is a library (it also holds three weekly headers): in 项目库/ the story is
    that a workbook is needed, in 周报/ that it is in the wrong folder; a weekly CSV in 项目库/ is a weekly."""
    library_csv = csv_bytes(KIND_CSV["项目库"], "utf-8-sig")
    weekly_csv = csv_bytes(KIND_CSV["周报"], "gbk")
    told = [[e.message for e in _examine(data, kind, tmp_path, i).errors]
            for i, (data, kind) in enumerate([(library_csv, "项目库"), (library_csv, "周报"), (weekly_csv, "项目库")])]
    assert told == [["“项目库”须为 Excel 工作簿（.xlsx、.xls、.xlsb 或 .ods），不接受 CSV 或文本文件。"],
                    ["此文件看起来是“项目库”，却放在了“周报”文件夹中。"],
                    ["此文件看起来是“项目周报”，却放在了“项目库”文件夹中。"]]


def test_a_csv_refused_whole_is_not_also_told_about_its_sheet(tmp_path: Path):
    """A weekly CSV without 包联人 and 报告周: one file-level error, not the worksheet's missing columns after it."""
    drop = {CSV_HEADERS.index("包联人"), CSV_HEADERS.index("报告周")}
    rows = [[v for i, v in enumerate(row) if i not in drop] for row in KIND_CSV["周报"]]
    examined = _examine(csv_bytes(rows, "utf-8-sig"), "周报", tmp_path, 0)
    known = gate.Known.empty()
    known.project_codes = {"KFQ2021-001", "KFQ2021-002"}  # in the library: no other error than the one
    gate.check_batch([examined], make_settings(tmp_path / "share"), known)
    assert [(e.sheet, e.row, e.col, e.message) for e in examined.errors] == [
        ("", None, None, "CSV 周报缺少“包联人”或“报告周”列，或没有任何数据行。")]


def test_each_refusal_reaches_the_explanation_with_its_fix(made, tmp_path: Path):
    """The explanation workbook of every refused format (in 月报/) holds its message under 问题说明 and its
    fix under 修改建议, as ingest writes it (the refused original never re-opened)."""
    from openpyxl import load_workbook

    from zhaoshang.intake.explain import SUMMARY_HEADER_ROW, SUMMARY_HEADERS, write_explanation

    docs = {row[0]: row[-1] for row in _table(DOCS, "## Every format, in every folder")}
    told = {row[0]: row[-1] for row in _table(README, "## File formats (issue 22)")}
    for n, (label, by_kind) in enumerate(made.items()):
        examined = _examine(by_kind["月报"][0], "月报", tmp_path, n)
        if not examined.errors:
            continue
        out = write_explanation(examined.file.path, examined.findings, tmp_path / f"说明{n}.xlsx",
                                display_name=f"装备制造组8月月报{n}.xlsx", copy_original=False)
        summary = load_workbook(out)["错误汇总"]
        header = [c.value for c in summary[SUMMARY_HEADER_ROW]]
        assert header == list(SUMMARY_HEADERS)
        row = {title: cell.value for title, cell in zip(header, summary[SUMMARY_HEADER_ROW + 1], strict=True)}
        assert summary.max_row == SUMMARY_HEADER_ROW + 1, label
        assert _told({row["问题说明"]}, "月报") <= _listed(told[label]), label
        assert _told({row["修改建议"]}, "月报") <= _listed(docs[label]), label
