"""Blank templates: one per workbook kind, instructions first, drop-downs on every enumeration."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from transforms import contract, kinds
from transforms.findings import column_letter
from transforms.kinds import monthly, weekly
from zhaoshang.intake.forms import (
    CSV_TEMPLATE_NAME,
    LAST_TEMPLATE_ROW,
    LISTS_SHEET,
    display_width,
    write_blank_templates,
)
from zhaoshang.settings import Settings, load_settings

RANGE = re.compile(r"^'?(?P<sheet>[^'!]+)'?!\$(?P<c1>[A-Z]+)\$(?P<r1>\d+):\$(?P<c2>[A-Z]+)\$(?P<r2>\d+)$")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The demo configuration with the shared folder in tmp_path."""
    return load_settings(env={"ZHAOSHANG_ROOT": str(tmp_path)})


@pytest.fixture
def written(tmp_path: Path, settings: Settings) -> list[Path]:
    """All templates written into tmp_path/templates."""
    return write_blank_templates(tmp_path / "templates", settings)


def expected_list(column: contract.Column, settings: Settings) -> tuple[str, ...]:
    """The values a column's drop-down must offer (empty: no drop-down)."""
    return {
        "enum": column.enum,
        "region": contract.REGIONS,
        "group": tuple(g.name for g in settings.groups),
        "person": tuple(p.name for p in settings.people),
    }.get(column.type, ())


def list_values(wb, formula: str) -> tuple[str, ...]:
    """The cell values a list validation's range formula points at."""
    m = RANGE.match(formula)
    assert m, formula
    assert m["sheet"] == LISTS_SHEET and m["c1"] == m["c2"]
    ws = wb[m["sheet"]]
    return tuple(ws[f"{m['c1']}{r}"].value for r in range(int(m["r1"]), int(m["r2"]) + 1))


def validations_at(ws: Worksheet, ref: str) -> list:
    """The data validations whose ranges are exactly `ref`."""
    return [dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == ref]


def test_every_kind_is_written(tmp_path: Path, written: list[Path]) -> None:
    names = sorted(p.name for p in written)
    assert names == sorted([f"{wb.title}（模板）.xlsx" for wb in kinds.workbooks().values()]
                           + [CSV_TEMPLATE_NAME])
    assert "招商工作月报（模板）.xlsx" in names
    assert all(p.is_file() and p.parent == tmp_path / "templates" for p in written)


@pytest.mark.parametrize("kind", list(kinds.workbooks()))
def test_sheets_instructions_first_lists_hidden(kind: str, written: list[Path]) -> None:
    wb_def = kinds.workbooks()[kind]
    wb = load_workbook(next(p for p in written if p.name == f"{wb_def.title}（模板）.xlsx"))
    assert wb.sheetnames == [contract.INSTRUCTIONS_SHEET, *(s.name for s in wb_def.sheets), LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert all(wb[s.name].sheet_state == "visible" for s in wb_def.sheets)


@pytest.mark.parametrize("kind", list(kinds.workbooks()))
def test_headers(kind: str, written: list[Path]) -> None:
    wb_def = kinds.workbooks()[kind]
    wb = load_workbook(next(p for p in written if p.name == f"{wb_def.title}（模板）.xlsx"))
    for sheet in wb_def.sheets:
        ws = wb[sheet.name]
        assert ws.freeze_panes == "A2"
        if sheet.layout == "table":
            assert [c.value for c in ws[1]] == [c.label for c in sheet.columns]
            assert all(c.font.b for c in ws[1])
            for i, column in enumerate(sheet.columns, start=1):
                assert ws.column_dimensions[column_letter(i)].width >= display_width(column.label)
            assert ws.max_row == 1
        else:
            assert [ws["A1"].value, ws["B1"].value] == ["项目", "内容"]
            labels = [ws.cell(row=r, column=1).value for r in range(2, len(sheet.columns) + 2)]
            assert labels == [c.label for c in sheet.columns]
            assert all(ws.cell(row=r, column=2).value is None for r in range(2, len(sheet.columns) + 2))


def test_required_labels_carry_a_star(written: list[Path]) -> None:
    ws = load_workbook(next(p for p in written if p.name == "招商工作月报（模板）.xlsx"))["对接企业"]
    assert ws["A1"].value == "序号"
    assert ws["B1"].value == "企业名称*"
    assert ws["I1"].value == "意向投资额（万元）"


@pytest.mark.parametrize("kind", list(kinds.workbooks()))
def test_every_enumerated_column_has_its_drop_down(kind: str, written: list[Path],
                                                  settings: Settings) -> None:
    wb_def = kinds.workbooks()[kind]
    wb = load_workbook(next(p for p in written if p.name == f"{wb_def.title}（模板）.xlsx"))
    for sheet in wb_def.sheets:
        ws = wb[sheet.name]
        expected_count = 0
        for i, column in enumerate(sheet.columns, start=1):
            if sheet.layout == "table":
                ref = f"{column_letter(i)}2:{column_letter(i)}{LAST_TEMPLATE_ROW}"
            else:
                ref = f"B{i + 1}"
            found = validations_at(ws, ref)
            values = expected_list(column, settings)
            if not values:
                assert found == [], (sheet.name, column.header)
                continue
            expected_count += 1
            assert len(found) == 1, (sheet.name, column.header)
            dv = found[0]
            assert dv.type == "list" and dv.showErrorMessage and dv.allow_blank
            assert dv.error and dv.errorTitle
            assert dv.errorStyle == ("warning" if column.type == "person" else "stop")
            assert list_values(wb, dv.formula1) == values, (sheet.name, column.header)
        assert len(ws.data_validations.dataValidation) == expected_count


def test_region_group_and_roster_lists(written: list[Path], settings: Settings) -> None:
    wb = load_workbook(next(p for p in written if p.name == "招商工作月报（模板）.xlsx"))
    basic, contacts = wb["基本信息"], wb["对接企业"]
    (group_dv,) = validations_at(basic, "B2")
    assert list_values(wb, group_dv.formula1) == ("清洁能源和新型建材组", "装备制造组", "玉米深加工组")
    (region_dv,) = validations_at(contacts, f"C2:C{LAST_TEMPLATE_ROW}")
    regions = list_values(wb, region_dv.formula1)
    assert regions[0] == "北京市" and regions[-1] == "境外" and len(regions) == len(contract.REGIONS)
    (person_dv,) = validations_at(contacts, f"G2:G{LAST_TEMPLATE_ROW}")
    assert "张海涛" in list_values(wb, person_dv.formula1)
    assert person_dv.errorStyle == "warning"


def test_instructions_sheet(written: list[Path], settings: Settings) -> None:
    wb_def = monthly.CONTRACT
    ws = load_workbook(next(p for p in written if p.name == "招商工作月报（模板）.xlsx"))[
        contract.INSTRUCTIONS_SHEET]
    texts = [c.value for c in ws["A"] if c.value]
    assert texts[0] == "招商工作月报填报说明"
    for line in wb_def.instructions:
        assert any(line in t for t in texts), line
    header_row = next(c.row for c in ws["A"] if c.value == "工作表")
    assert [c.value for c in ws[header_row]] == ["工作表", "列名", "是否必填", "填写要求"]
    rows = list(ws.iter_rows(min_row=header_row + 1, values_only=True))
    assert len(rows) == sum(len(s.columns) for s in wb_def.sheets)
    table = {(r[0], r[1]): r for r in rows}
    assert table[("对接企业", "企业名称")][2] == "是"
    assert table[("对接企业", "备注")][2] == "否"
    assert table[("对接企业", "对接日期")][3].startswith("日期，如 2021-08-03")
    assert "须在报告月份之内" in table[("对接企业", "对接日期")][3]
    assert table[("对接企业", "意向投资额（万元）")][3] == "金额（万元），可写 1,200 或 1.2万"
    assert "上门拜访、来访接待、会议推介、电话视频、其他" in table[("对接企业", "对接方式")][3]
    assert "装备制造组" in table[("基本信息", "工作组")][3]
    assert "张海涛" in table[("经费支出", "经办人")][3]


def test_optional_sheet_is_mentioned(written: list[Path]) -> None:
    ws = load_workbook(next(p for p in written if p.name == "项目周报（模板）.xlsx"))[
        contract.INSTRUCTIONS_SHEET]
    assert any("“问题清单”工作表为选填" in (c.value or "") for c in ws["A"])


def test_csv_template(tmp_path: Path, written: list[Path]) -> None:
    path = tmp_path / "templates" / CSV_TEMPLATE_NAME
    assert path in written
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    progress = next(s for s in weekly.CONTRACT.sheets if s.name == "项目进展")
    expected = [c.label for c in progress.columns] + ["包联人*", "报告周*"]
    assert rows == [expected]


def test_templates_are_rewritten_in_place(tmp_path: Path, settings: Settings) -> None:
    first = write_blank_templates(tmp_path / "t", settings)
    second = write_blank_templates(tmp_path / "t", settings)
    assert first == second
    assert len(list((tmp_path / "t").iterdir())) == len(first)
