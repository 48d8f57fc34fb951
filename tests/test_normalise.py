"""Every normalisation DESIGN §3.5 promises, and the reason given when a cell cannot be read."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.staging import normalise as n

AUG3 = dt.date(2021, 8, 3)


@pytest.mark.parametrize("raw", ["2021-08-03", "2021/8/3", "2021.8.3", "2021年8月3日", "２０２１－０８－０３",
                                 AUG3, dt.datetime(2021, 8, 3, 0, 0), 44411, 44411.0, "44411", "20210803",
                                 " 2021-08-03 ", "2021-08-03\u200b"])
def test_dates_in_every_promised_style(raw: object) -> None:
    # 44411 is Excel's serial for 2021-08-03 (days since 1899-12-30)
    assert n.parse_date(raw) == (AUG3, None)


@pytest.mark.parametrize(("raw", "message"), [
    ("3/8/2021", "日期“3/8/2021”有歧义（无法确定年、月、日的顺序）。"),
    ("08-03-21", "日期“08-03-21”有歧义（无法确定年、月、日的顺序）。"),
    ("2021-02-30", "日期“2021-02-30”不存在。"),
    ("下周三", "无法识别的日期“下周三”。"),
    (12, "“12”不是有效日期。"),
])
def test_unreadable_dates_are_explained_never_guessed(raw: object, message: str) -> None:
    value, problem = n.parse_date(raw)
    assert value is None and problem.message == message


@pytest.mark.parametrize(("raw", "unit", "expected"), [
    (1200, "元", 1200.0), ("1,200", "元", 1200.0), ("1.2万", "元", 12000.0), ("12000元", "元", 12000.0),
    ("１２００", "元", 1200.0), ("1.2万元", "元", 12000.0), ("¥860.505", "元", 860.51),  # half-up to 2 decimals
    ("1.2万", "万元", 1.2), ("12000元", "万元", 1.2), ("3,500.5", "万元", 3500.5), ("1.5亿", "万元", 15000.0),
    (0.00005, "万元", 0.0001), ("-5", "元", -5.0),  # sign is kept; the suite refuses negatives with its own message
])
def test_amounts_in_every_promised_style(raw: object, unit: str, expected: float) -> None:
    assert n.parse_amount(raw, unit) == (expected, None)


def test_unreadable_amount_says_how_to_write_it() -> None:
    value, problem = n.parse_amount("约五十万", "元")
    assert value is None
    assert problem == n.Problem("无法识别的金额“约五十万”。", "请填写数字（单位：元），如 1200、1,200、1.2万 或 12000元。")


@pytest.mark.parametrize("raw", ["2021-08", "2021-8", "2021年8月", "2021年08月份", "202108", "2021/8", "2021.8",
                                 dt.date(2021, 8, 1), dt.datetime(2021, 8, 1), 44409])
def test_months_including_the_date_excel_made_of_them(raw: object) -> None:
    assert n.parse_month(raw) == ("2021-08", None)


def test_a_full_date_in_a_month_cell_is_not_guessed() -> None:
    value, problem = n.parse_month(dt.date(2021, 8, 15))
    assert value is None and problem.message == "报告月份填成了具体日期“2021-08-15”，无法确定所指月份。"


@pytest.mark.parametrize(("raw", "monday"), [
    ("2021-08-30", dt.date(2021, 8, 30)), ("2021年第35周", dt.date(2021, 8, 30)),  # ISO week 35 of 2021
    (dt.date(2021, 8, 30), dt.date(2021, 8, 30)), ("2021-W35", dt.date(2021, 8, 30)),
])
def test_weeks(raw: object, monday: dt.date) -> None:
    assert n.parse_week(raw) == (monday, None)


def test_a_week_that_is_not_a_monday_names_the_monday() -> None:
    value, problem = n.parse_week("2021-09-03")
    assert value is None and problem.fix == "请填写该周星期一的日期，如 2021-08-30。"


@pytest.mark.parametrize(("raw", "half"), [("2021H1", "2021H1"), ("2021h2", "2021H2"), ("2021年上半年", "2021H1"),
                                           ("2021下半年", "2021H2")])
def test_half_years(raw: str, half: str) -> None:
    assert n.parse_half(raw) == (half, None)


@pytest.mark.parametrize(("raw", "region"), [("吉林", "吉林省"), ("北京", "北京市"), ("内蒙古", "内蒙古自治区"),
                                             ("广西", "广西壮族自治区"), ("浙江省", "浙江省"), ("海外", "境外"),
                                             (" 山 东 ", "山东省"), ("火星", "火星")])
def test_regions_short_forms(raw: str, region: str) -> None:
    assert n.normalise_region(raw) == region


def test_names_lose_all_spaces_and_use_chinese_brackets() -> None:
    assert n.clean_name("刘 志强") == "刘志强"
    assert n.clean_name("一汽解放(兴安)有限公司\u200b") == "一汽解放（兴安）有限公司"
    assert n.clean_name("\u3000杨\u3000帆 ") == "杨帆"


def test_free_text_keeps_chinese_punctuation_but_halves_full_width_digits() -> None:
    # runs of spaces collapse to one; Chinese punctuation is left as written
    assert n.clean_text("洽谈 １２ 万吨项目，  进展顺利。") == "洽谈 12 万吨项目， 进展顺利。"


def test_group_names_and_codes() -> None:
    codes = {"装备制造组": "equipment", "equipment": "equipment"}
    assert [n.normalise_group(v, codes) for v in ("装备制造组", "装备制造", "equipment", "装备 制造组", "其他组")] == [
        "equipment", "equipment", "equipment", "equipment", "其他组"]


@pytest.mark.parametrize("raw", ["2021-08-03 00:00:00", "2021/8/3 0:00", "2021-08-03T14:30", "２０２１－０８－０３　１２：００"])
def test_a_written_date_with_a_time_of_day_is_that_day(raw: str) -> None:
    assert n.parse_date(raw) == (AUG3, None)


def test_the_day_is_not_taken_from_the_time() -> None:
    # "2021/8/1 20:00" must not become 2021-08-12 once the space is gone
    assert n.parse_date("2021/8/1 20:00") == (dt.date(2021, 8, 1), None)


def test_unreadable_cells_are_problems_never_values() -> None:
    error, formula = n.excel_error("#REF!"), n.uncomputed_formula("SUM(D2:D9)")
    assert not n.is_blank(error) and n.clean_text(error) == ""
    assert n.parse_amount(error, "元") == (None, error.problem)
    assert n.parse_date(formula)[1].message == "单元格中的公式“=SUM(D2:D9)”没有计算结果（文件未经 Excel/WPS 计算保存）。"
    assert n.cell_problem("#N/A").message == "单元格是 Excel 错误值“#N/A”（公式出错），不是有效内容。"  # as a CSV writes it
    assert n.cell_problem("N/A") is None


def test_full_width_code_punctuation_is_halved_chinese_punctuation_kept() -> None:
    assert n.clean_text("ＫＦＱ２０２１－００１") == "KFQ2021-001"
    assert n.clean_text("用地（含耕地占补），已协调。") == "用地（含耕地占补），已协调。"
    assert n.clean_text("陈\u200e静\u202c") == "陈静"
