"""The gate's rules, each with its failure path located to sheet, row and column (suites + cross-sheet rules)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.builders import LIBRARY_HEADERS, contact, expense, monthly, signing, workbook
from tests.conftest import make_settings
from zhaoshang.intake import gate
from zhaoshang.intake.inbox import InboxFile

NO_SIGNINGS = pd.DataFrame(columns=["group_code", "month", "enterprise"])


@pytest.fixture
def zone(tmp_path: Path):
    return make_settings(tmp_path / "share")


def examine(zone, path: Path, kind: str = "月报", earlier: pd.DataFrame = NO_SIGNINGS) -> gate.Examined:
    data = path.read_bytes()
    file = InboxFile(path, kind, dt.datetime(2021, 9, 3, 10), len(data))
    examined = gate.examine(file, data, "sha", gate.group_codes(zone))
    gate.check_batch([examined], zone, gate.Known(earlier, set(), gate.Known.empty().cumulative))
    return examined


def located(examined: gate.Examined) -> list[tuple]:
    return sorted((f.severity, f.sheet, f.row, f.col, f.header, f.value) for f in examined.findings)


def test_enum_roster_negative_and_required_failures(zone, tmp_path: Path) -> None:
    path = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-08",
                   contacts=[contact("甲公司", "2021-08-02", person="张三", method="微信", region="火星")],
                   expenses=[expense("2021-08-03", -5), [2, "2021-08-04", None, 100, "外出", "陈静"]])
    assert located(examine(zone, path)) == [
        ("error", "对接企业", 2, 3, "所在地区", "火星"),
        ("error", "对接企业", 2, 6, "对接方式", "微信"),
        ("error", "对接企业", 2, 7, "对接人", "张三"),
        ("error", "经费支出", 2, 4, "金额（元）", "-5"),
        ("error", "经费支出", 3, 3, "支出类别", ""),
    ]
    messages = {f.header: f.message for f in examine(zone, path).findings}
    assert messages["对接人"] == "“对接人”不在人员名单中。"
    assert messages["支出类别"] == "必填项“支出类别”未填写。"


def test_unknown_group_and_missing_month_in_basic_info(zone, tmp_path: Path) -> None:
    path = workbook(tmp_path / "m.xlsx", {"基本信息": [["项目", "内容"], ["工作组", "招商一组"], ["填报人", "刘志强"]],
                                          "对接企业": [], "签约项目": [], "经费支出": []})
    assert [(f.sheet, f.row, f.col, f.header, f.message) for f in examine(zone, path).errors] == [
        ("基本信息", None, None, "报告月份", "缺少“报告月份”一项。"),
        ("基本信息", 2, 2, "工作组", "工作组名称无法识别。"),
    ]


def test_dates_outside_the_report_month(zone, tmp_path: Path) -> None:
    path = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-08", contacts=[contact("甲公司", "2021-07-31")],
                   signings=[signing("项目", "甲公司", "2021-09-01", 10)], expenses=[expense("2021-08-31", 1)])
    assert [(f.sheet, f.cell, f.message) for f in examine(zone, path).errors] == [
        ("对接企业", "E2", "对接日期 2021-07-31 不在报告月份 2021-08 之内。"),
        ("签约项目", "D2", "签约日期 2021-09-01 不在报告月份 2021-08 之内。"),
    ]


def test_signed_contact_without_signing_is_a_warning_not_an_error(zone, tmp_path: Path) -> None:
    path = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-08",
                   contacts=[contact("甲公司", "2021-08-02", stage="已签约"), contact("乙公司", "2021-08-03", stage="已签约"),
                             contact("丙公司", "2021-08-04", stage="已签约")],
                   signings=[signing("项目", "甲公司", "2021-08-05", 10)])
    earlier = pd.DataFrame([("equipment", "2021-07", "乙公司"), ("corn", "2021-07", "丙公司")],
                           columns=["group_code", "month", "enterprise"])
    examined = examine(zone, path, earlier=earlier)
    # 甲 signed this month, 乙 signed by the same group in July; 丙 only by another group
    assert examined.accepted
    assert [(f.severity, f.cell, f.value) for f in examined.findings] == [("warning", "J4", "已签约")]


def test_project_library_duplicates_and_roster(zone, tmp_path: Path) -> None:
    row = ["KFQ2021-001", "风电项目", "某公司", "清洁能源和新型建材组", "风电装备", "新建", 5000, None, None, "李明远", "林振华", "在建"]
    path = workbook(tmp_path / "lib.xlsx", {"项目库": [LIBRARY_HEADERS, row, row[:9] + ["王五"] + row[10:]]})
    assert [(f.cell, f.header, f.message) for f in examine(zone, path, "项目库").errors] == [
        ("J3", "包联人", "“包联人”不在人员名单中。"),
        ("A3", "项目编号", "项目编号“KFQ2021-001”在项目库中重复出现。"),
    ]


def test_misspelt_values_get_a_suggestion(zone, tmp_path: Path) -> None:
    path = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-08",
                   contacts=[contact("甲公司", "2021-08-02", person="刘志刚", method="上门走访")])
    fixes = {f.header: f.fix for f in examine(zone, path).errors}
    assert fixes["对接人"].startswith("是否应为“刘志强”？")
    assert fixes["对接方式"].startswith("是否应为“上门拜访”？")


def test_a_missing_column_is_reported_once_even_beside_complete_files(zone, tmp_path: Path) -> None:
    from tests.builders import CONTACT_HEADERS, workbook

    complete = monthly(tmp_path / "ok.xlsx", "装备制造组", "2021-08", contacts=[contact("甲公司", "2021-08-02")])
    headers = [h for h in CONTACT_HEADERS if h != "对接方式"]
    old = workbook(tmp_path / "old.xlsx", {
        "基本信息": [["项目", "内容"], ["工作组", "装备制造组"], ["报告月份", "2021-07"], ["填报人", "刘志强"]],
        "对接企业": [headers, [1, "乙公司", "吉林省", "汽车配套", "2021-07-02", "陈静", None, None, "初步接触", None],
                  [2, "丙公司", "吉林省", "汽车配套", "2021-07-03", "陈静", None, None, "初步接触", None]],
        "签约项目": [], "经费支出": []})
    examined = []
    for path in (complete, old):
        data = path.read_bytes()
        examined.append(gate.examine(InboxFile(path, "月报", dt.datetime(2021, 9, 3), len(data)), data, path.name,
                                     gate.group_codes(zone)))
    gate.check_batch(examined, zone, gate.Known.empty())
    assert examined[0].findings == []
    assert [(f.row, f.header, f.message) for f in examined[1].findings] == [(1, "对接方式", "缺少必填列“对接方式”。")]
