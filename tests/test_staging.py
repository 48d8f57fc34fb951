"""Staging: header found under titles, blank and 合计 rows skipped, every problem located to the cell."""

from __future__ import annotations

import datetime as dt

from transforms.kinds import guess_kind
from transforms.kinds.library import CONTRACT as LIBRARY
from transforms.kinds.monthly import CONTRACT as MONTHLY
from transforms.kinds.weekly import CONTRACT as WEEKLY
from transforms.staging.sheets import stage_form, stage_table
from transforms.staging.workbook import stage_workbook, wrong_kind_finding

EXPENSES = MONTHLY.sheet("经费支出")
HEADERS = [c.header for c in EXPENSES.columns]
CODES = {"装备制造组": "equipment"}


def test_header_under_title_rows_and_skipped_rows_are_counted() -> None:
    rows = [["装备制造组2021年8月经费支出"], [None], HEADERS,
            [1, "2021-08-05", "交通", "1,200", "外出招商", "陈静"],
            [None, None, None],
            [2, "2021/8/6", "住宿", "1.5万", "外出招商", "杨 帆"],
            ["合计", None, None, 16200, None, None]]
    staged = stage_table("经费支出", rows, EXPENSES, CODES)
    assert staged.frame[["_row", "spent_on", "amount_yuan", "handler"]].values.tolist() == [
        [4, dt.date(2021, 8, 5), 1200.0, "陈静"], [6, dt.date(2021, 8, 6), 15000.0, "杨帆"]]
    assert staged.skipped == [(5, "空行"), (7, "合计行")]
    assert staged.rows_read == 4 and staged.findings == []


def test_two_row_merged_header() -> None:
    # a group title merged over C..D in row 1, the real headers in row 2 (金额 written only in the merged row above)
    top = [None, None, "支出明细", "金额（元）", None, None]
    below = ["序号", "支出日期", "支出类别", None, "事由", "经办人"]
    staged = stage_table("经费支出", [top, below, [1, "2021-08-05", "交通", 300, "外出", "陈静"]], EXPENSES, CODES)
    assert staged.frame[["_row", "category", "amount_yuan"]].values.tolist() == [[3, "交通", 300.0]]


def test_missing_required_column_names_sheet_row_and_header() -> None:
    rows = [[h for h in HEADERS if h != "经办人"], [1, "2021-08-05", "交通", 300, "外出"]]
    finding = stage_table("经费支出", rows, EXPENSES, CODES).findings[0]
    assert (finding.sheet, finding.row, finding.col, finding.header) == ("经费支出", 1, None, "经办人")
    assert finding.message == "缺少必填列“经办人”。"


def test_unreadable_cell_is_located_by_sheet_row_and_column() -> None:
    rows = [["标题"], HEADERS, [1, "2021-08-05", "交通", "约五十万", "外出", "陈静"]]
    finding = stage_table("经费支出", rows, EXPENSES, CODES).findings[0]
    assert (finding.sheet, finding.row, finding.col, finding.cell, finding.value) == ("经费支出", 3, 4, "D3", "约五十万")
    assert finding.describe() == "工作表“经费支出”第3行D列（金额（元））：无法识别的金额“约五十万”。"


def test_form_sheet_reads_label_value_pairs_anywhere() -> None:
    rows = [["招商工作月报"], ["项目", "内容"], ["工作组", "装备制造组"], ["报告月份", dt.datetime(2021, 8, 1)],
            [" 填报人 ", "刘 志强"]]
    staged = stage_form("基本信息", rows, MONTHLY.sheet("基本信息"), CODES)
    record = staged.frame.iloc[0].to_dict()
    assert (record["group_code"], record["month"], record["reporter"]) == ("equipment", "2021-08", "刘志强")
    assert staged.positions["month"] == (4, 2)


def test_wrong_folder_is_recognised_by_its_sheets() -> None:
    sheets = {"基本信息": [["包联人", "李明远"]], "项目进展": [["项目编号"]]}
    assert guess_kind(sheets) == "周报"
    finding = wrong_kind_finding(MONTHLY, WEEKLY)
    assert finding.message == "此文件看起来是“项目周报”，却放在了“月报”文件夹中。"
    assert finding.fix == "请把它放入 inbox/周报/ 文件夹。"


def test_missing_sheet_is_a_file_level_error() -> None:
    sheets = {"项目库 ": [[c.header for c in LIBRARY.sheet("项目库").columns]]}
    assert stage_workbook(sheets, LIBRARY, CODES).findings == []  # stray space in the sheet name is tolerated
    staged = stage_workbook({"基本信息": [["工作组", "装备制造组"]], "对接企业": [], "签约项目": []}, MONTHLY, CODES)
    assert "缺少工作表“经费支出”。" in [f.message for f in staged.findings]
