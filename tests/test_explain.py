"""The explanation workbook beside a rejected file: summary, marked cells, no formula injection."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from tests.builders import library, progress, project, weekly
from tests.test_ingest_flow import query, run_pass
from transforms.contract import ERROR_SUMMARY_SHEET
from transforms.findings import Finding, file_error
from zhaoshang.intake.explain import CELL_FILL, ROW_FILL, SUMMARY_HEADERS, text_width, wrapped_lines, write_explanation

FORMULA_TAG = re.compile(rb"<(\w+:)?f[\s>/]")
INJECTIONS = ('=HYPERLINK("http://evil.example","点我")', "+1", "-2", "@x", "=1+1", "#N/A")


def rgb(cell) -> str:
    """The fill colour of a cell without openpyxl's alpha prefix."""
    return cell.fill.fgColor.rgb[-6:]


def sheet_xml(path: Path) -> dict[str, bytes]:
    """Raw XML of every worksheet part in an .xlsx."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def assert_no_formula(path: Path) -> None:
    """No worksheet of the file contains a formula element."""
    for name, xml in sheet_xml(path).items():
        assert not FORMULA_TAG.search(xml), name


def make_original(path: Path) -> Path:
    """A small monthly report as a clerk would send it, with some formatting."""
    wb = Workbook()
    ws = wb.active
    ws.title = "对接企业"
    ws.append(["招商工作月报"])
    ws.append([])
    ws.append([])
    ws.append(["序号", "企业名称", "所在地区", "对接日期"])
    ws.append([1, "甲公司", "吉林", "2021-08-03"])
    ws.append([2, "乙公司", "火星", "2021-09-01"])
    ws["A4"].font = Font(bold=True)
    ws.column_dimensions["B"].width = 33
    other = wb.create_sheet("签约项目")
    other.append(["序号", "项目名称"])
    other.append([1, "风电项目"])
    wb.save(path)
    return path


FINDINGS = [
    Finding("error", "对接企业", 5, 3, "所在地区", "吉林", "“所在地区”应为省级行政区全称", "改为“吉林省”"),
    Finding("warning", "对接企业", 6, 4, "对接日期", "2021-09-01", "对接日期不在报告月份内", "核对日期"),
    file_error("缺少工作表“经费支出”", "按模板补上该工作表"),
]


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """An explanation written on a copy of an .xlsx original."""
    original = make_original(tmp_path / "装备制造组2021年8月.xlsx")
    return write_explanation(original, FINDINGS, tmp_path / "rejected" / "说明.xlsx")


def test_summary_sheet_lists_every_finding(copied: Path) -> None:
    wb = load_workbook(copied)
    assert wb.sheetnames[0] == ERROR_SUMMARY_SHEET
    assert wb.active.title == ERROR_SUMMARY_SHEET
    ws = wb[ERROR_SUMMARY_SHEET]
    assert ws["A1"].value == "文件“装备制造组2021年8月.xlsx”检查结果：共 2 个错误、1 个警告"
    rows = list(ws.iter_rows(min_row=3, max_row=6, values_only=True))
    assert rows[0] == SUMMARY_HEADERS
    assert rows[1] == (1, "错误", "对接企业", 5, "C", "所在地区", "吉林",
                       "“所在地区”应为省级行政区全称", "改为“吉林省”")
    assert rows[2] == (2, "警告", "对接企业", 6, "D", "对接日期", "2021-09-01",
                       "对接日期不在报告月份内", "核对日期")
    assert rows[3] == (3, "错误", None, None, None, None, None, "缺少工作表“经费支出”", "按模板补上该工作表")
    assert ws.freeze_panes == "A4"
    assert rgb(ws["H4"]) == ROW_FILL["error"]
    assert rgb(ws["H5"]) == ROW_FILL["warning"]
    assert ws["A3"].font.b and ws["H4"].alignment.wrap_text
    assert ws.column_dimensions["H"].width > ws.column_dimensions["A"].width
    assert ws["C4"].hyperlink.location == "'对接企业'!C5"


def test_only_the_summary_is_selected(copied: Path) -> None:
    selected = [x for x in sheet_xml(copied).values() if b'tabSelected="1"' in x]
    assert len(selected) == 1


def test_copy_marks_offending_cells_and_keeps_the_rest(copied: Path) -> None:
    wb = load_workbook(copied)
    assert wb.sheetnames == [ERROR_SUMMARY_SHEET, "对接企业", "签约项目"]
    ws = wb["对接企业"]
    assert rgb(ws["C5"]) == CELL_FILL["error"]
    assert "“所在地区”应为省级行政区全称" in ws["C5"].comment.text
    assert "修改建议：改为“吉林省”" in ws["C5"].comment.text
    assert rgb(ws["D6"]) == CELL_FILL["warning"]
    assert "【警告】" in ws["D6"].comment.text
    assert ws["C6"].comment is None and ws["C6"].fill.fill_type is None
    assert ws["C5"].value == "吉林" and ws["B6"].value == "乙公司"
    assert ws["A4"].font.b
    assert ws.column_dimensions["B"].width == 33
    assert wb["签约项目"]["B2"].value == "风电项目"


def test_findings_on_one_cell_share_a_comment_and_error_wins(tmp_path: Path) -> None:
    original = make_original(tmp_path / "a.xlsx")
    findings = [
        Finding("warning", "对接企业", 5, 3, "所在地区", "吉林", "警告一", ""),
        Finding("error", "对接企业", 5, 3, "所在地区", "吉林", "错误二", "修正"),
    ]
    ws = load_workbook(write_explanation(original, findings, tmp_path / "o.xlsx"))["对接企业"]
    assert rgb(ws["C5"]) == CELL_FILL["error"]
    assert "警告一" in ws["C5"].comment.text and "错误二" in ws["C5"].comment.text


def test_row_finding_fills_the_row(tmp_path: Path) -> None:
    original = make_original(tmp_path / "a.xlsx")
    findings = [Finding("error", "对接企业", 6, None, "", "", "该行重复", "删除重复行")]
    ws = load_workbook(write_explanation(original, findings, tmp_path / "o.xlsx"))["对接企业"]
    assert [rgb(ws.cell(row=6, column=c)) for c in range(1, 5)] == [CELL_FILL["error"]] * 4
    assert "该行重复" in ws["A6"].comment.text
    summary = load_workbook(tmp_path / "o.xlsx")[ERROR_SUMMARY_SHEET]
    assert (summary["D4"].value, summary["E4"].value) == (6, None)


def test_user_text_never_becomes_a_formula(tmp_path: Path) -> None:
    findings = [Finding("error", "对接企业", 2, i + 1, "企业名称", v, v, v) for i, v in enumerate(INJECTIONS)]
    sheets = {"对接企业": [["企业名称"] * len(INJECTIONS), list(INJECTIONS)]}
    out = write_explanation(tmp_path / "周报.csv", findings, tmp_path / "o.xlsx", sheets=sheets)
    assert_no_formula(out)
    wb = load_workbook(out)
    summary = wb[ERROR_SUMMARY_SHEET]
    for i, value in enumerate(INJECTIONS):
        for col in ("G", "H", "I"):
            cell = summary[f"{col}{4 + i}"]
            assert (cell.value, cell.data_type) == (value, "s")
        cell = wb["对接企业"].cell(row=2, column=i + 1)
        assert (cell.value, cell.data_type) == (value, "s")


def test_formula_like_file_and_sheet_names_stay_text(tmp_path: Path) -> None:
    findings = [Finding("error", "=cmd|'/c calc'!A1", 1, 1, "=A1", "=A1", "=A1", "=A1")]
    out = write_explanation(tmp_path / "=1+1.csv", findings, tmp_path / "o.xlsx",
                            sheets={"=cmd|'/c calc'!A1": [["=A1"]]})
    assert_no_formula(out)
    summary = load_workbook(out)[ERROR_SUMMARY_SHEET]
    assert summary["A1"].value.startswith("文件“=1+1.csv”")
    assert summary["C4"].value == "=cmd|'/c calc'!A1"


def test_text_cells_of_an_xlsx_original_stay_text(tmp_path: Path) -> None:
    original = tmp_path / "orig.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "对接企业"
    for i, value in enumerate(INJECTIONS, start=1):
        ws.cell(row=1, column=i).value = value
        ws.cell(row=1, column=i).data_type = "s"
    wb.save(original)
    out = write_explanation(original, [Finding("error", "对接企业", 1, 1, "", INJECTIONS[0], "x")],
                            tmp_path / "o.xlsx")
    assert_no_formula(out)
    row = load_workbook(out)["对接企业"][1]
    assert [(c.value, c.data_type) for c in row] == [(v, "s") for v in INJECTIONS]


def excel_like_xlsx(path: Path, shared: list[str], cells: str) -> Path:
    """A minimal .xlsx written the way Excel does: text in sharedStrings.xml."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
                            '<sheet name="对接企业" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{ns}"><sheetData>{cells}</sheetData></worksheet>',
        "xl/sharedStrings.xml": (f'<sst xmlns="{ns}">' + "".join(f"<si><t>{s}</t></si>" for s in shared)
                                 + "</sst>"),
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return path


def test_shared_string_text_of_an_excel_file_stays_text(tmp_path: Path) -> None:
    cells = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
             '<c r="C1" t="str"><v>=2+2</v></c></row>')
    original = excel_like_xlsx(tmp_path / "excel.xlsx", ["=1+1", "@SUM(A1)"], cells)
    out = write_explanation(original, [Finding("error", "对接企业", 1, 2, "", "@SUM(A1)", "不对")],
                            tmp_path / "o.xlsx")
    assert_no_formula(out)
    ws = load_workbook(out)["对接企业"]
    assert [(c.value, c.data_type) for c in ws[1]] == [("=1+1", "s"), ("@SUM(A1)", "s"), ("=2+2", "s")]
    assert rgb(ws["B1"]) == CELL_FILL["error"]


def test_control_characters_do_not_crash(tmp_path: Path) -> None:
    bad = "甲公司\x07\x00"
    findings = [Finding("error", "对接企业", 1, 1, "企业名称\x1f", bad, "含控制字符\x0b", "删除\x08")]
    out = write_explanation(tmp_path / "a.xls", findings, tmp_path / "o.xlsx",
                            sheets={"对接企业": [[bad, "正常"]]})
    wb = load_workbook(out)
    summary = wb[ERROR_SUMMARY_SHEET]
    assert summary["G4"].value == "甲公司\\x07\\x00"
    assert "控制字符" in summary["G4"].comment.text
    assert summary["F4"].value == "企业名称\\x1f"
    assert summary["H4"].value == "含控制字符\\x0b"
    cell = wb["对接企业"]["A1"]
    assert cell.value == "甲公司\\x07\\x00"
    assert "控制字符" in cell.comment.text and "含控制字符" in cell.comment.text
    assert wb["对接企业"]["B1"].value == "正常"


def test_literal_escape_sequences_survive_for_excel(tmp_path: Path) -> None:
    findings = [Finding("error", "对接企业", 1, 1, "", "_x0041_", "见单元格")]
    out = write_explanation(tmp_path / "a.csv", findings, tmp_path / "o.xlsx",
                            sheets={"对接企业": [["_x0041_"]]})
    for xml in sheet_xml(out).values():
        assert b"<t>_x0041_</t>" not in xml
    data = CalamineWorkbook.from_path(str(out))
    assert data.get_sheet_by_name(ERROR_SUMMARY_SHEET).to_python()[3][6] == "_x0041_"
    assert data.get_sheet_by_name("对接企业").to_python() == [["_x0041_"]]


def test_rebuilt_sheets_land_at_their_origins(tmp_path: Path) -> None:
    sheets = {
        "对接企业": [["序号", "企业名称", "所在地区", "对接日期"],
                 [1, "甲公司", "吉林", dt.datetime(2021, 8, 3)],
                 [None, "", None, None],
                 [2.5, True, "境外", dt.date(2021, 8, 4)]],
        "签约项目": [["项目名称"], ["风电项目"]],
    }
    findings = [
        Finding("error", "对接企业", 5, 4, "所在地区", "吉林", "地区写法不对", "写全称"),
        Finding("warning", "签约项目", 2, 1, "项目名称", "风电项目", "名称过短"),
    ]
    out = write_explanation(tmp_path / "月报.xls", findings, tmp_path / "o.xlsx",
                            sheets=sheets, origins={"对接企业": (4, 2)})
    wb = load_workbook(out)
    assert wb.sheetnames == [ERROR_SUMMARY_SHEET, "对接企业", "签约项目"]
    ws = wb["对接企业"]
    assert ws["A4"].value is None
    assert [c.value for c in ws[4][1:5]] == ["序号", "企业名称", "所在地区", "对接日期"]
    assert [c.value for c in ws[5][1:5]] == [1, "甲公司", "吉林", dt.datetime(2021, 8, 3)]
    assert [c.value for c in ws[7][1:5]] == [2.5, True, "境外", dt.datetime(2021, 8, 4)]
    assert rgb(ws["D5"]) == CELL_FILL["error"] and "地区写法不对" in ws["D5"].comment.text
    assert ws["E5"].comment is None
    other = wb["签约项目"]
    assert other["A1"].value == "项目名称" and rgb(other["A2"]) == CELL_FILL["warning"]
    assert "标红" in wb[ERROR_SUMMARY_SHEET]["A2"].value


def test_findings_on_empty_cells_are_marked(tmp_path: Path) -> None:
    findings = [Finding("error", "项目进展", 2, 3, "建设单位", "", "必填项为空", "填写建设单位")]
    out = write_explanation(tmp_path / "周报.csv", findings, tmp_path / "o.xlsx",
                            sheets={"项目进展": [["项目编号", "项目名称", "建设单位"], ["P1", "风电", None]]})
    cell = load_workbook(out)["项目进展"]["C2"]
    assert cell.value is None and rgb(cell) == CELL_FILL["error"] and "必填项为空" in cell.comment.text


def test_csv_original_without_sheets_gives_summary_only(tmp_path: Path) -> None:
    original = tmp_path / "周报.csv"
    original.write_text("项目编号,项目名称\nP1,风电\n", encoding="utf-8")
    out = write_explanation(original, FINDINGS, tmp_path / "o.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == [ERROR_SUMMARY_SHEET]
    assert "请按下表" in wb.active["A2"].value
    assert wb.active["C4"].hyperlink is None


def test_garbage_xlsx_falls_back_to_rebuilt_sheets(tmp_path: Path) -> None:
    original = tmp_path / "坏文件.xlsx"
    original.write_bytes(b"PK\x03\x04 not really a zip \x00\xff" * 10)
    out = write_explanation(original, [file_error("文件无法打开", "另存为 .xlsx 后重新提交")],
                            tmp_path / "o.xlsx", sheets={"对接企业": [["甲公司"]]})
    wb = load_workbook(out)
    assert wb.sheetnames == [ERROR_SUMMARY_SHEET, "对接企业"]
    assert wb[ERROR_SUMMARY_SHEET]["H4"].value == "文件无法打开"


def test_missing_original_and_no_sheets(tmp_path: Path) -> None:
    out = write_explanation(tmp_path / "不存在.xlsx", [], tmp_path / "sub" / "o.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == [ERROR_SUMMARY_SHEET]
    assert wb.active["A1"].value == "文件“不存在.xlsx”检查结果：共 0 个错误、0 个警告"
    assert not list(tmp_path.joinpath("sub").glob(".*.tmp"))


def test_odd_positions_and_unknown_sheets_are_listed_not_marked(tmp_path: Path) -> None:
    findings = [
        Finding("error", "没有这个表", 3, 3, "", "", "工作表名称不对"),
        Finding("error", "对接企业", None, 2, "企业名称", "", "缺少该列"),
        Finding("error", "对接企业", 0, 0, "", "", "位置不合法"),
    ]
    out = write_explanation(make_original(tmp_path / "a.xlsx"), findings, tmp_path / "o.xlsx")
    wb = load_workbook(out)
    assert wb[ERROR_SUMMARY_SHEET].max_row == 6
    assert all(c.comment is None for row in wb["对接企业"].iter_rows() for c in row)


def test_awkward_sheet_names_are_made_valid(tmp_path: Path) -> None:
    sheets = {"a/b:c" * 10: [["x"]], ERROR_SUMMARY_SHEET: [["y"]]}
    findings = [Finding("error", "a/b:c" * 10, 1, 1, "", "x", "有误")]
    wb = load_workbook(write_explanation(tmp_path / "a.xls", findings, tmp_path / "o.xlsx", sheets=sheets))
    assert len(wb.sheetnames) == 3 and wb.sheetnames.count(ERROR_SUMMARY_SHEET) == 1
    renamed = wb.worksheets[1]
    assert len(renamed.title) <= 31 and rgb(renamed["A1"]) == CELL_FILL["error"]


def test_resubmitted_explanation_is_cleaned(tmp_path: Path) -> None:
    first = write_explanation(make_original(tmp_path / "a.xlsx"), FINDINGS, tmp_path / "first.xlsx")
    again = [Finding("warning", "对接企业", 6, 4, "对接日期", "2021-09-01", "仍不在报告月份内")]
    wb = load_workbook(write_explanation(first, again, tmp_path / "second.xlsx"))
    assert wb.sheetnames == [ERROR_SUMMARY_SHEET, "对接企业", "签约项目"]
    ws = wb["对接企业"]
    assert ws["C5"].comment is None and ws["C5"].fill.fill_type is None
    assert rgb(ws["D6"]) == CELL_FILL["warning"] and "仍不在" in ws["D6"].comment.text
    assert "“所在地区”" not in ws["D6"].comment.text


def test_heading_names_the_file_as_the_submitter_called_it(tmp_path: Path) -> None:
    stored = tmp_path / "20210702-093000_0c9808aa_能源6月.xlsx"
    stored.write_bytes(b"not a workbook")
    out = write_explanation(stored, [], tmp_path / "out.xlsx", display_name="能源6月.xlsx")
    assert load_workbook(out)["错误汇总"]["A1"].value == "文件“能源6月.xlsx”检查结果：共 0 个错误、0 个警告"


# ── rows tall enough, columns as wide as their content ───────────────────────

LONG_FIX = ("请核对该项目本周实际完成的投资额和自开工以来的累计完成投资额，累计完成投资应包含本周完成投资；"
            "如确有调整，请在备注中写明原因，并附上建设单位出具的投资完成情况说明。")


def test_wrapped_rows_are_tall_enough_and_short_rows_stay_one_line(tmp_path: Path) -> None:
    findings = [Finding("error", "对接企业", 5, 3, "所在地区", "吉林", "“所在地区”应为省级行政区全称", LONG_FIX),
                Finding("warning", "对接企业", 6, 4, "对接日期", "2021-09-01", "对接日期不在报告月份内", "核对日期")]
    ws = load_workbook(write_explanation(make_original(tmp_path / "a.xlsx"), findings, tmp_path / "o.xlsx"))[
        ERROR_SUMMARY_SHEET]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGHI"}
    # 行 and 列 narrow, the texts wide: 修改建议 at its widest (46), 问题说明 as wide as its longest text
    # (“所在地区”应为省级行政区全称: 15 full-width characters, quotes included: (30 + 1) / 0.9 → 35)
    assert widths == {"A": 6, "B": 6, "C": 10, "D": 4, "E": 4, "F": 10, "G": 13, "H": 35, "I": 46}
    # LONG_FIX is 82 full-width characters (164 units) against 46 × 0.9 − 1 = 40.4 units a line: 5 lines
    # of 16 pt, plus 4 pt padding
    assert wrapped_lines(LONG_FIX, 46) == 5
    assert ws.row_dimensions[4].height == 5 * 16 + 4 == 84
    assert ws.row_dimensions[5].height == 20  # one line: still set, so that no viewer shrinks it
    assert ws.row_dimensions[3].height == 20  # the header row
    assert ws.row_dimensions[4].height > 15  # more than a default row


def test_text_width_counts_chinese_double() -> None:
    assert text_width("本周35480") == 9 and text_width("“本周”") == 8
    assert wrapped_lines("甲" * 20, 46) == 1 and wrapped_lines("甲" * 21, 46) == 2
    assert wrapped_lines("第一行\n第二行", 46) == 2


# ── two columns that look swapped (through the real ingest pass) ────────────

SWAP_HINT = ("两列可能填反：“本周完成投资（万元）”填的是 35480，“累计完成投资（万元）”填的是 700，"
             "两者对调后即符合要求，请核对。")


def swapped_week(settings) -> None:
    """李明远's week of 08-23 (P1 累计 34780), then 08-30 with 本周 and 累计 exchanged (35480 / 700)."""
    library(settings.inbox / "项目库" / "项目库.xlsx", [project("P1"), project("P2"), project("P3")],
            received=dt.datetime(2021, 6, 1, 9))
    weekly(settings.inbox / "周报" / "李明远-0823.xlsx", "李明远", "2021-08-23", received=dt.datetime(2021, 8, 30, 10),
           progress=[progress("P1", 680, 34780), progress("P2", 30, 30, stage="前期手续")])
    run_pass(settings)
    weekly(settings.inbox / "周报" / "李明远-0830.xlsx", "李明远", "2021-08-30", received=dt.datetime(2021, 9, 6, 9),
           progress=[progress("P1", 35480, 700), progress("P2", 20, 10, stage="前期手续"),
                     progress("P3", 20, 10, stage="前期手续")])
    run_pass(settings)


@pytest.mark.usefixtures("prefect_server")
def test_two_swapped_amounts_get_a_hint(settings) -> None:
    swapped_week(settings)
    assert query(settings, "SELECT original_name, status FROM ingested_file WHERE kind = '周报' ORDER BY id") == [
        ("李明远-0823.xlsx", "loaded"), ("李明远-0830.xlsx", "rejected")]
    found = query(settings, "SELECT severity, row, col, fix FROM file_finding f JOIN ingested_file i ON i.id = f.file_id "
                            "WHERE i.original_name = '李明远-0830.xlsx' ORDER BY row, col")
    assert found == [
        # P1: 35480 > 700, and 700 below last week's 34780; exchanged, both rules pass: the hint on both
        ("error", 2, 6, "累计完成投资应包含本周完成投资，请核对。" + SWAP_HINT),
        ("warning", 2, 7, "累计数一般不应减少；如确需调减，请在备注中说明原因。" + SWAP_HINT),
        # P2: 20 > 10 and 10 below last week's 30; exchanged, 累计 20 is still below 30: no hint
        ("error", 3, 6, "累计完成投资应包含本周完成投资，请核对。"),
        ("warning", 3, 7, "累计数一般不应减少；如确需调减，请在备注中说明原因。"),
        # P3 (first week reported): 20 > 10, exchanged it passes
        ("error", 4, 6, "累计完成投资应包含本周完成投资，请核对。两列可能填反：“本周完成投资（万元）”填的是 20，"
                        "“累计完成投资（万元）”填的是 10，两者对调后即符合要求，请核对。"),
    ]
    # the clerk reads it in the explanation workbook's 修改建议, on a row tall enough to show it whole
    explanation = next(settings.rejected.rglob("*_错误说明.xlsx"))
    ws = load_workbook(explanation)[ERROR_SUMMARY_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    first = rows[1]
    assert (ws.cell(first, 4).value, ws.cell(first, 5).value) == (2, "F")
    assert ws.cell(first, 9).value == "累计完成投资应包含本周完成投资，请核对。" + SWAP_HINT
    lines = wrapped_lines(ws.cell(first, 9).value, ws.column_dimensions["I"].width)
    assert lines == 4 and ws.row_dimensions[first].height == 4 * 16 + 4
    # and the rejection mail carries it in its numbered list
    [mail] = [m for m in map(parsed_eml, settings.outbox.glob("*.eml")) if m["Subject"].startswith("【退回】")]
    body = mail.get_body(("plain",)).get_content()
    assert ("1. 工作表“项目进展”第2行F列（本周完成投资（万元））：本周完成投资 35480 万元大于累计完成投资 700 万元。"
            "（累计完成投资应包含本周完成投资，请核对。" + SWAP_HINT + "）") in body


def parsed_eml(path: Path):
    import email
    from email import policy

    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def test_the_swap_hint_is_given_only_when_one_exchange_clears_the_row() -> None:
    from transforms.kinds import weekly as weekly_kind
    from transforms.kinds.swaps import with_swap_hints
    from transforms.staging.sheets import StagedSheet
    from transforms.staging.workbook import StagedWorkbook

    part = StagedSheet(name="项目进展", columns={"_row": [2], "planned_wan": [100.0], "invest_week_wan": [30.0],
                                             "invest_cum_wan": [20.0]})
    part.positions = {"planned_wan": 5, "invest_week_wan": 6, "invest_cum_wan": 7}
    staged = StagedWorkbook(kind="周报", sheets={"项目进展": part})

    def week_at_most(limit_field: str):
        """A rule flagging 本周 (F2) when it exceeds another column of the row."""
        def rules(s: StagedWorkbook) -> list[Finding]:
            c = s.sheets["项目进展"].columns
            return [Finding("error", "项目进展", 2, 6, "本周完成投资（万元）", "", "太大", "请核对。")
                    ] if c["invest_week_wan"][0] > c[limit_field][0] else []
        return rules

    # 本周 30 > 累计 20: exchanging 本周 and 累计 clears it; 本周 ↔ 计划 (100) does not
    [hinted] = with_swap_hints(staged, weekly_kind.CONTRACT, week_at_most("invest_cum_wan"))
    assert hinted.fix == ("请核对。两列可能填反：“本周完成投资（万元）”填的是 30，“累计完成投资（万元）”填的是 20，"
                          "两者对调后即符合要求，请核对。")
    # with 计划 10 and a rule "本周 ≤ 25", either exchange clears the row: which two are swapped is a guess, no hint
    part.columns["planned_wan"] = [10.0]

    def at_most_25(s: StagedWorkbook) -> list[Finding]:
        return [Finding("error", "项目进展", 2, 6, "本周完成投资（万元）", "", "太大", "请核对。")
                ] if s.sheets["项目进展"].columns["invest_week_wan"][0] > 25 else []
    [plain] = with_swap_hints(staged, weekly_kind.CONTRACT, at_most_25)
    assert plain.fix == "请核对。"
    assert part.columns["invest_week_wan"] == [30.0]  # the staged values themselves are never touched
