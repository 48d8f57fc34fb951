"""The monthly bulletin 招商引资工作通报: figures, phrasing, the rendered .docx, its PDF and its trace workbook.

The scenario (reporting starts 2021-07 in this test's configuration, clock 2021-09-08):

  July    energy     1 contact (中国华能集团有限公司, 山东省 — key via 华能集团), 5000 元
          equipment  2 contacts (上海电气风电集团 — key; 兴安某某科技公司, 内蒙古), 1 signing 1000 万元, 2000 元
          corn       not submitted
  August  equipment  4 contacts: A&B <科技> (江苏, key: configured for this test), 一汽解放汽车有限公司 twice
                     (吉林省, key via alias 一汽解放), 兴安某某科技公司 (内蒙古); 2 signings 12000 + 3,500.5 万元;
                     spending 1,200 + 1.5万 = 16200 元; on time (09-03)
          corn       1 contact 中粮集团有限公司 (北京), 860.5 元; late (09-07, deadline Monday 09-06)
          energy     not submitted
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn

from flows.bulletin import bulletin
from flows.ingest import ingest
from tests.builders import contact, expense, library, monthly, project, signing
from tests.conftest import make_settings
from zhaoshang.reports import bulletin as report
from zhaoshang.reports.bulletin import figures as b
from zhaoshang.settings import DEFAULT_CONFIG, Settings

AUG3, SEP3, SEP7 = dt.datetime(2021, 8, 3, 10), dt.datetime(2021, 9, 3, 10), dt.datetime(2021, 9, 7, 9, 30)
DOCX_NAME = "2021年第8期招商引资工作通报.docx"


# ── pure functions: periods and numbers ──

def test_issue_number_and_labels() -> None:
    assert b.issue_number("2021-08") == 8  # 第N期 is the month number
    assert b.issue_label("2021-08") == "2021年第8期"
    assert b.month_label("2021-08") == "2021年8月"
    assert b.ytd_label("2021-08") == "1—8月"  # an em dash, as officials write spans
    assert b.ytd_label("2021-01") == "1月"
    assert b.previous_month("2021-01") == "2020-12"
    assert b.year_months("2021-03") == ["2021-01", "2021-02", "2021-03"]
    assert b.section_numbers(["a", "b", "c", "d"]) == {"a": "一", "b": "二", "c": "三", "d": "四"}


def test_numbers_print_like_official_documents() -> None:
    assert b.number_text(3500.50, 4) == "3500.5"  # trailing zeros dropped
    assert b.number_text(16200.0, 2) == "16200"
    assert b.number_text(2.675, 2) == "2.68"  # half up on the decimal value, not the binary float
    assert b.percent_text(5, 18) == "27.8%"  # 27.777… → 27.8
    assert b.percent_text(1, 8) == "12.5%"
    assert b.percent_text(3, 0) == "—"  # never a division by zero


# ── pure functions: 环比 phrasing ──

def test_rise_is_phrased_as_increase_and_growth() -> None:
    # 23 vs 18: +5, 5/18 = 27.8%
    assert b.change_phrase(23, 18, "家次") == "环比增加5家次、增长27.8%"
    assert b.figure_clause("本月共对接企业", 23, 18, "家次") == "本月共对接企业23家次，环比增加5家次、增长27.8%"


def test_fall_is_phrased_as_decrease_and_decline() -> None:
    assert b.change_phrase(15, 20, "家次") == "环比减少5家次、下降25.0%"
    assert b.change_phrase(0, 4, "个") == "环比减少4个、下降100.0%"


def test_no_change_is_flat() -> None:
    assert b.change_phrase(7, 7, "个") == "与上月持平"
    assert b.change_phrase(0, 0, "个") == "与上月持平"
    assert b.change_phrase(120000.00001, 120000, "万元", 4) == "与上月持平"  # equal as printed


def test_previous_zero_says_so_without_a_rate() -> None:
    assert b.change_phrase(5, 0, "家次") == "环比增加5家次（上月为0）"
    assert b.figure_clause("签约项目", 2, 0, "个") == "签约项目2个，环比增加2个（上月为0）"


def test_no_previous_month_means_no_comparison() -> None:
    assert b.change_phrase(5, None, "家次") == ""
    assert b.figure_clause("本月共对接企业", 5, None, "家次") == "本月共对接企业5家次"


def test_amount_change_rounds_half_up() -> None:
    # 15500.5 vs 1000: +14500.5 万元, 14500.5 / 1000 = 1450.05% → 1450.1%
    assert b.change_phrase(15500.5, 1000, "万元", 4) == "环比增加14500.5万元、增长1450.1%"


# ── pure functions: per group, budget pace, submissions ──

def test_key_enterprises_and_regions_per_group_in_order() -> None:
    contacts = pd.DataFrame({
        "group_code": ["equipment", "equipment", "equipment", "corn"],
        "month": ["2021-08"] * 4,
        "enterprise": ["上海电气风电集团", "一汽解放汽车有限公司", "一汽解放汽车有限公司", "吉林中粮生化有限公司"],
        "region": ["上海市", "吉林省", "吉林省", "境外"],
    })
    patterns = pd.DataFrame({"pattern": ["一汽解放", "一汽集团", "上海电气", "中粮集团"],
                             "enterprise": ["一汽集团", "一汽集团", "上海电气", "中粮集团"]})
    keys = b.key_enterprises_reached(contacts, patterns)
    # first-contact order; 吉林中粮生化 does not contain 中粮集团
    assert b.names_by_group(keys, "key_enterprise") == {"equipment": "上海电气、一汽集团"}
    regions = b.key_regions_covered(contacts, ["吉林省", "北京市", "上海市"])
    assert b.names_by_group(regions, "region") == {"equipment": "吉林省、上海市"}  # configuration order; 境外 is no key region


def test_pace_against_elapsed_share_with_two_point_tolerance() -> None:
    elapsed = b.elapsed_share("2021-08")  # 8/12 = 66.67%
    assert b.pace_verdict(Decimal("0.70"), elapsed) == "超序时进度"  # +3.3 points
    assert b.pace_verdict(Decimal("0.68"), elapsed) == "与序时进度持平"  # +1.3 points
    assert b.pace_verdict(Decimal("64666.67") / 100000, elapsed) == "与序时进度持平"  # −2.0 points: inside
    assert b.pace_verdict(Decimal("0.64"), elapsed) == "低于序时进度"  # −2.7 points
    assert b.pace_verdict(None, elapsed) == "—"  # no budget


def test_budget_rows_and_pace_sentence() -> None:
    groups = pd.DataFrame({"group_code": ["a", "b", "c"], "name": ["甲组", "乙组", "丙组"], "budget_yuan": [100000.0, 100000.0, 0.0]})
    gm = pd.DataFrame({"group_code": ["a", "a", "b"], "month": ["2021-07", "2021-08", "2021-08"],
                       "expense_yuan": [60000.0, 10000.0, 66000.0]})
    rows = b.budget_rows(gm, groups, "2021-08")
    # 甲 70000/100000 = 70% (> 66.7 + 2) 超; 乙 66000 = 66% (within 2) 持平; 丙 has no budget
    assert rows["pace"].tolist() == ["超序时进度", "与序时进度持平", "—"]
    assert rows["month_yuan"].fillna(-1).tolist() == [10000.0, 66000.0, -1]
    assert b.pace_sentence("2021-08", 136000, 200000, rows) == (
        "截至8月底，序时进度为66.7%（预算使用率与序时进度相差不超过2个百分点的视为持平）。"
        "1—8月各组累计支出招商经费136000元，占年度预算200000元的68.0%，与序时进度持平。"
        "分组看，超序时进度的有甲组；与序时进度持平的有乙组。")


def test_submission_issues_this_month_first_then_earlier_missing() -> None:
    groups = pd.DataFrame({"group_code": ["energy", "equipment", "corn"], "name": ["能源组", "装备组", "玉米组"]})
    subs = pd.DataFrame({
        "kind": ["月报"] * 6, "subject": ["corn", "energy", "equipment", "corn", "energy", "equipment"],
        "period": ["2021-07", "2021-07", "2021-07", "2021-08", "2021-08", "2021-08"],
        "status": ["missing", "late", "on_time", "late", "missing", "on_time"],
        "received_at": [pd.NaT] * 6, "due_at": [pd.NaT] * 6,
    })
    issues = b.submission_issues(subs, "2021-08", groups)
    assert list(zip(issues["name"], issues["period"], issues["status"])) == [
        ("玉米组", "2021-08", "late"), ("能源组", "2021-08", "missing"), ("玉米组", "2021-07", "missing")]
    counts = b.submission_counts(subs, "2021-08")
    assert counts == {"due": 3, "on_time": 1, "late": 1, "rejected": 0, "missing": 1}
    assert b.submission_sentence("2021-08", counts, issues) == (
        "8月份招商工作月报应报送3份，按时报送1份，逾期报送1份（玉米组），未报送1份（能源组）。"
        "此前月份仍有1份月报未报送（玉米组7月份），请相关工作组抓紧补报。")


def test_a_rejected_report_is_never_called_missing() -> None:
    groups = pd.DataFrame({"group_code": ["energy", "equipment", "corn"], "name": ["能源组", "装备组", "玉米组"]})
    subs = pd.DataFrame({
        "kind": ["月报"] * 6, "subject": ["energy", "equipment", "corn", "energy", "equipment", "corn"],
        "period": ["2021-07", "2021-07", "2021-07", "2021-08", "2021-08", "2021-08"],
        "status": ["rejected", "on_time", "missing", "on_time", "rejected", "late"],
        "received_at": [pd.NaT] * 6, "due_at": [pd.NaT] * 6,
    })
    issues = b.submission_issues(subs, "2021-08", groups)
    # this month: late, then rejected; then earlier months (rejected and missing alike), in group order
    assert list(zip(issues["name"], issues["period"], issues["status"])) == [
        ("玉米组", "2021-08", "late"), ("装备组", "2021-08", "rejected"),
        ("能源组", "2021-07", "rejected"), ("玉米组", "2021-07", "missing")]
    counts = b.submission_counts(subs, "2021-08")
    assert counts == {"due": 3, "on_time": 1, "late": 1, "rejected": 1, "missing": 0}
    assert b.submission_sentence("2021-08", counts, issues) == (
        "8月份招商工作月报应报送3份，按时报送1份，逾期报送1份（玉米组），已报送被退回（待更正）1份（装备组）。"
        "此前月份仍有1份月报未报送（玉米组7月份），请相关工作组抓紧补报。"
        "此前月份有1份月报已报送被退回（待更正）（能源组7月份），请相关工作组抓紧报送更正后的月报。")
    # the months a chart holds no figures of a group for: July energy (rejected), July corn, August equipment
    gaps = b.report_gaps(subs, "2021-08", groups)
    assert b.gap_note(gaps, "图中相应月份") == (
        "注：7月能源组月报已报送被退回（待更正），7月玉米组月报未报送，8月装备组月报已报送被退回（待更正），"
        "图中相应月份不含该组该月数据。")
    assert b.gap_note(b.report_gaps(subs.assign(status="on_time"), "2021-08", groups), "图中") == ""


def test_signed_projects_take_the_liaison_from_the_sheet_else_the_library() -> None:
    groups = pd.DataFrame({"group_code": ["energy", "corn"], "name": ["能源组", "玉米组"]})
    signings = pd.DataFrame({
        "group_code": ["corn", "energy", "energy"], "project_name": ["淀粉项目", "风电项目", "光伏项目"],
        "enterprise": ["中粮集团有限公司", "华能", "某光伏公司"], "signed_on": [dt.date(2021, 8, 18), dt.date(2021, 8, 2),
                                                                 dt.date(2021, 8, 30)],
        "agreement": ["投资协议", "框架协议", "投资协议"], "investment_wan": [120000.0, 500.5, 30.0],
        "liaison": ["吴国庆", None, " "]})
    snapshots = pd.DataFrame({
        "snapshot_at": pd.to_datetime(["2021-07-01", "2021-08-01", "2021-08-01"]),
        "project_name": ["风电项目", "风电项目", "淀粉项目"], "group_code": ["energy", "energy", "corn"],
        "cadre": ["王晓东", "李明远", "郑凯"]})
    rows = b.signed_projects(signings, snapshots, groups)
    # date order; 风电项目 from the newest library snapshot; 光伏项目 is in neither (blank liaison is none)
    assert list(zip(rows["project_name"], rows["group_name"], rows["cadre"], rows["from_library"])) == [
        ("风电项目", "能源组", "李明远", True), ("淀粉项目", "玉米组", "吴国庆", False), ("光伏项目", "能源组", "", False)]
    assert b.short_date(dt.date(2021, 8, 2)) == "8月2日"


def test_key_enterprises_missed_by_name_or_alias_per_group() -> None:
    contacts = pd.DataFrame({"group_code": ["energy", "energy", "corn"],
                             "enterprise": ["中广核新能源投资有限公司", "中国华能集团有限公司", "安徽丰原集团有限公司"]})
    patterns = pd.DataFrame({"pattern": ["中广核", "中国广核集团", "华能集团", "丰原集团", "中粮集团"],
                             "enterprise": ["中国广核集团", "中国广核集团", "华能集团", "丰原集团", "中粮集团"]})
    configured = {"energy": ["中国广核集团", "华能集团", "金风科技"], "corn": ["中粮集团", "丰原集团"], "equipment": []}
    # 中广核 is an alias of 中国广核集团; 金风科技 has no pattern row and is matched by its own name
    assert b.key_enterprises_missed(contacts, patterns, configured) == {"energy": ["金风科技"], "corn": ["中粮集团"]}


# ── the scenario through the real ingest and bulletin flows ──

@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The repo configuration with reporting from 2021-07 and `A&B <科技>` as a key enterprise of 装备制造组."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace('reporting_start = "2021-01"', 'reporting_start = "2021-07"')
    text = text.replace('key_enterprises = ["一汽集团", ', 'key_enterprises = ["A&B <科技>", "一汽集团", ')
    assert "A&B <科技>" in text and '"2021-07"' in text
    path = tmp_path / "zhaoshang.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def scenario(tmp_path: Path, warehouse_url: str, config: Path, prefect_server) -> Settings:
    """The scenario's workbooks ingested into a fresh warehouse (SQLite and PostgreSQL)."""
    settings = make_settings(tmp_path / "share", warehouse_url, ZHAOSHANG_CONFIG=str(config))
    inbox = settings.inbox / "月报"
    monthly(inbox / "能源7月.xlsx", "清洁能源和新型建材组", "2021-07", reporter="张海涛", received=AUG3,
            contacts=[contact("中国华能集团有限公司", "2021-07-12", person="李明远", region="山东省")],
            expenses=[expense("2021-07-13", 5000, handler="王晓东")])
    monthly(inbox / "装备7月.xlsx", "装备制造组", "2021-07", received=AUG3,
            contacts=[contact("上海电气风电集团", "2021-07-05"), contact("兴安某某科技公司", "2021-07-20", region="内蒙古")],
            signings=[signing("风电塔筒项目", "上海电气风电集团", "2021-07-28", 1000)],
            expenses=[expense("2021-07-06", 2000)])
    monthly(inbox / "装备8月.xlsx", "装备制造组", "2021年8月", received=SEP3,
            contacts=[contact("A&B <科技>", "2021-08-02", region="江苏"),
                      contact("一汽解放汽车有限公司", "2021-08-03"),
                      contact("兴安某某科技公司", "2021/8/12", region="内蒙古", stage="达成意向"),
                      contact("一汽解放汽车有限公司", "2021-08-23")],
            signings=[signing("汽车零部件项目", "一汽解放汽车有限公司", "2021年8月20日", "12000"),
                      signing("智能装备项目", "A&B <科技>", "2021.8.25", "3,500.5")],
            expenses=[expense("2021-08-05", "1,200"), expense("2021-08-06", "1.5万")])
    monthly(inbox / "玉米8月.xlsx", "玉米深加工组", "2021-08", reporter="周丽娜", received=SEP7,
            contacts=[contact("中粮集团有限公司", "2021-08-16", person="吴国庆", region="北京")],
            expenses=[expense("2021-08-17", 860.5, category="住宿", handler="郑凯")])
    summary = ingest(config=str(config), root=str(settings.root), warehouse_url=settings.warehouse_url)
    assert sorted(f.status for f in summary.files) == ["loaded"] * 4, [(f.name, f.first_problem) for f in summary.files]
    return settings


def run_bulletin(settings: Settings, **kwargs) -> Path:
    return bulletin(month="2021-08", config=str(settings.config_path), root=str(settings.root),
                    warehouse_url=settings.warehouse_url, **kwargs)


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def body_text(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


# 存在问题 of the scenario, each true: every group below 66.7% in spending (表3) and in contacts against the
# configured 60 a year (energy 1, equipment 2 + 4 = 6, corn 1); key enterprises of each group's list its own
# contacts never reached (energy reached only 华能集团; equipment A&B, 一汽, 上海电气 in July; corn 中粮);
# reports late (corn August), missing (energy August, corn July). No weekly reports: no project sentences.
SCENARIO_PROBLEMS = [
    "（一）招商经费执行低于序时进度。截至8月底序时进度为66.7%，清洁能源和新型建材组、装备制造组、玉米深加工组"
    "预算使用率分别为5.0%、18.2%、0.9%，低于序时进度。",
    "（二）对接企业进度低于序时进度。1—8月，清洁能源和新型建材组累计对接企业1家次，"
    "完成年度目标60家次的1.7%；装备制造组累计对接企业6家次，完成年度目标60家次的10.0%；"
    "玉米深加工组累计对接企业1家次，完成年度目标60家次的1.7%，低于序时进度66.7%。",
    "（三）重点企业对接不够全面。1—8月，清洁能源和新型建材组尚未对接中国广核集团、华电集团、中材科技、远景集团、"
    "金风科技、上海电气、中车集团；装备制造组尚未对接盈创、中车集团、金风科技；玉米深加工组尚未对接丰原集团、创诺集团。",
    "（四）月报报送不够及时。8月份月报逾期报送的有玉米深加工组；8月份月报未报送的有清洁能源和新型建材组；"
    "此前月份月报未报送的有玉米深加工组7月份。",
]
ALL_GROUPS = "清洁能源和新型建材组、装备制造组、玉米深加工组"
SCENARIO_ASKS = [
    f"1．{ALL_GROUPS}要按照年度招商工作安排，加大外出招商和上门对接力度，按序时进度使用招商经费。",
    f"2．{ALL_GROUPS}要加密对接频次，确保完成年度对接企业目标。",
    f"3．{ALL_GROUPS}要主动与尚未对接的重点企业联系，争取上门拜访或来访洽谈。",
    "4．请清洁能源和新型建材组抓紧补报8月份月报。",
    "5．请玉米深加工组抓紧补报7月份月报。",
]

# August: equipment 4 + corn 1 = 5 contacts vs July 1 + 2 = 3; key 3 + 1 = 4 vs 1 + 1 = 2; signings 2 vs 1;
# 12000 + 3500.5 = 15500.5 万元 vs 1000; spending 16200 + 860.5 = 17060.5 元 vs 5000 + 2000 = 7000 (+143.7%).
HEADLINE = ("本月共对接企业5家次，环比增加2家次、增长66.7%；其中对接重点企业4家次，环比增加2家次、增长100.0%；"
            "签约项目2个，环比增加1个、增长100.0%；协议投资额15500.5万元，环比增加14500.5万元、增长1450.1%；"
            "支出招商经费17060.5元，环比增加10060.5元、增长143.7%。")
# July + August; 24060.5 / 300000 = 8.02%
YTD = ("1—8月累计对接企业8家次，其中对接重点企业6家次；签约项目3个，协议投资额16500.5万元；"
       "支出招商经费24060.5元，占年度预算的8.0%。")


def test_bulletin_document_figures_and_tables(scenario: Settings) -> None:
    path = run_bulletin(scenario)

    assert path == scenario.reports / "通报" / DOCX_NAME
    paragraphs = body_text(path)
    assert paragraphs[:3] == ["兴安盟经济技术开发区管理委员会", "2021年第8期", "关于2021年8月份招商引资工作情况的通报"]
    for expected in (
        HEADLINE, YTD,
        "清洁能源和新型建材组：8月份招商工作月报未报送。",
        "装备制造组：对接企业4家次（3家），其中重点企业3家次（A&B <科技>、一汽集团）；覆盖重点区域吉林省、江苏省；"
        "签约项目2个，协议投资额15500.5万元；支出招商经费16200元。",
        "玉米深加工组：对接企业1家次（1家），其中重点企业1家次（中粮集团）；覆盖重点区域北京市；无新签约项目；"
        "支出招商经费860.5元。",
        "注：清洁能源和新型建材组8月份月报未报送，表中以“—”表示。",
        # 24060.5 / 300000 = 8.0% against 8/12 = 66.7%; every group is far below
        "截至8月底，序时进度为66.7%（预算使用率与序时进度相差不超过2个百分点的视为持平）。"
        "1—8月各组累计支出招商经费24060.5元，占年度预算300000元的8.0%，各组均低于序时进度。",
        "8月份招商工作月报应报送3份，按时报送1份，逾期报送1份（玉米深加工组），未报送1份（清洁能源和新型建材组）。"
        "此前月份仍有1份月报未报送（玉米深加工组7月份），请相关工作组抓紧补报。",
        "四、月报报送情况", "表5  月报未按时报送情况", "2021年9月8日",
        # the signings come first (表1), then the groups' tables
        "表1  2021年8月签约项目", "表2  2021年8月各工作组招商工作情况", "表4  1—8月招商经费使用情况",
        # July corn and August energy sent no report: every chart and year-to-date figure says so
        "注：7月玉米深加工组月报未报送，8月清洁能源和新型建材组月报未报送，以上累计数不含该组该月数据。",
        "注：7月玉米深加工组月报未报送，8月清洁能源和新型建材组月报未报送，图中相应月份不含该组该月数据。",
        "注：7月玉米深加工组月报未报送，8月清洁能源和新型建材组月报未报送，图中1—8月累计不含该组该月数据。",
        "注：7月玉米深加工组月报未报送，8月清洁能源和新型建材组月报未报送，表中累计支出不含该组该月数据。",
        *SCENARIO_PROBLEMS,
    ):
        assert expected in paragraphs, expected
    # the seam for later sections renders nothing when there are none; no template tag survives
    assert not [p for p in paragraphs if re.search(r"{[{%#]|[}%#]}|None|nan|重点项目", p)]
    # 存在问题 holds exactly the four true sentences; no report was rejected, so nothing says 被退回
    start, end = paragraphs.index("五、存在问题"), paragraphs.index("六、下步工作")
    assert paragraphs[start + 1:end] == SCENARIO_PROBLEMS
    assert not [p for p in paragraphs if "被退回（待更正）" in p and not p.startswith("（四）规范报送工作")]
    asks = paragraphs[paragraphs.index("针对本月存在的问题，提出以下具体要求："):][1:6]
    assert asks == SCENARIO_ASKS
    # the office's standing text comes from the template, before the month's 要求
    assert paragraphs[end + 1].startswith("（一）坚持全员招商。")

    signed, group, reach, budget, late = Document(str(path)).tables
    # every signing of August named; no 包联人 in the sheet and no project library: "—"
    assert cells(signed) == [
        ["项目名称", "签约企业", "协议类型", "协议投资额（万元）", "签约日期", "工作组", "包联人"],
        ["汽车零部件项目", "一汽解放汽车有限公司", "投资协议", "12000", "8月20日", "装备制造组", "—"],
        ["智能装备项目", "A&B<科技>", "投资协议", "3500.5", "8月25日", "装备制造组", "—"],  # spaces inside a name go (DESIGN §3.5)
    ]
    assert cells(group) == [
        ["工作组", "对接企业（家次）", "对接企业（家）", "其中重点企业（家次）", "签约项目（个）", "协议投资额（万元）"],
        ["清洁能源和新型建材组", "—", "—", "—", "—", "—"],
        ["装备制造组", "4", "3", "3", "2", "15500.5"],  # the two 一汽解放 rows are one enterprise
        ["玉米深加工组", "1", "1", "1", "0", "0"],
        ["合计", "5", "4", "4", "2", "15500.5"],
    ]
    assert cells(reach) == [
        ["工作组", "对接的重点企业", "覆盖的重点区域"],
        ["清洁能源和新型建材组", "—", "—"],
        ["装备制造组", "A&B <科技>、一汽集团", "吉林省、江苏省"],  # first-contact order; 内蒙古 is no key region
        ["玉米深加工组", "中粮集团", "北京市"],
    ]
    assert cells(budget) == [
        ["工作组", "本月支出（元）", "1—8月累计支出（元）", "年度预算（元）", "预算使用率", "对照序时进度（66.7%）"],
        ["清洁能源和新型建材组", "—", "5000", "100000", "5.0%", "低于序时进度"],
        ["装备制造组", "16200", "18200", "100000", "18.2%", "低于序时进度"],
        ["玉米深加工组", "860.5", "860.5", "100000", "0.9%", "低于序时进度"],  # 0.8605% → 0.9%
        ["合计", "17060.5", "24060.5", "300000", "8.0%", "低于序时进度"],
    ]
    assert cells(late) == [
        ["工作组", "报告月份", "报送情况", "截止时间", "报送时间"],
        ["玉米深加工组", "2021年8月", "逾期报送", "2021年9月6日", "2021年9月7日"],  # 9-05 is a Sunday: due Monday
        ["清洁能源和新型建材组", "2021年8月", "未报送", "2021年9月6日", "—"],
        ["玉米深加工组", "2021年7月", "未报送", "2021年8月5日", "—"],
    ]
    charts = sorted(p.name for p in (scenario.reports / "通报" / "图表").iterdir())
    assert charts == ["2021年第8期_图1_各月对接企业和签约项目.png", "2021年第8期_图2_各工作组签约项目协议投资额.png"]


@pytest.fixture
def with_rejected(scenario: Settings, config: Path) -> Settings:
    """The scenario plus energy's August report, rejected (an 对接方式 outside the list), and a project library
    naming 汽车零部件项目's 包联人."""
    monthly(scenario.inbox / "月报" / "能源8月.xlsx", "清洁能源和新型建材组", "2021-08", reporter="张海涛", received=SEP3,
            contacts=[contact("中国华电集团有限公司", "2021-08-10", person="李明远", method="飞鸽传书")])
    library(scenario.inbox / "项目库" / "项目库.xlsx", [project("P-EQ-01", cadre="陈静", group="装备制造组",
                                                             name="汽车零部件项目", status="已签约")], received=SEP3)
    summary = ingest(config=str(config), root=str(scenario.root), warehouse_url=scenario.warehouse_url)
    assert sorted((f.kind, f.status) for f in summary.files) == [("月报", "rejected"), ("项目库", "loaded")], \
        [(f.name, f.first_problem) for f in summary.files]
    return scenario


def test_a_rejected_report_is_named_so_and_asked_to_be_corrected(with_rejected: Settings) -> None:
    path = run_bulletin(with_rejected)
    paragraphs = body_text(path)

    for expected in (
        "清洁能源和新型建材组：8月份招商工作月报已报送被退回（待更正）。",
        "注：清洁能源和新型建材组8月份月报已报送被退回（待更正），表中以“—”表示。",
        "8月份招商工作月报应报送3份，按时报送1份，逾期报送1份（玉米深加工组），已报送被退回（待更正）1份（清洁能源和新型建材组）。"
        "此前月份仍有1份月报未报送（玉米深加工组7月份），请相关工作组抓紧补报。",
        "注：7月玉米深加工组月报未报送，8月清洁能源和新型建材组月报已报送被退回（待更正），图中相应月份不含该组该月数据。",
        "（四）月报报送不够及时。8月份月报逾期报送的有玉米深加工组；8月份月报已报送被退回（待更正）的有清洁能源和新型建材组；"
        "此前月份月报未报送的有玉米深加工组7月份。",
        "4．请清洁能源和新型建材组对照错误说明更正8月份月报，尽快重新报送。",
        "5．请玉米深加工组抓紧补报7月份月报。",
    ):
        assert expected in paragraphs, expected
    # energy sent something: nowhere is its August report called 未报送
    assert not [p for p in paragraphs if "清洁能源和新型建材组8月份月报未报送" in p or "8月清洁能源和新型建材组月报未报送" in p
                or "未报送1份" in p or "补报8月份" in p]
    signed, *_, late = Document(str(path)).tables
    assert cells(signed)[1] == ["汽车零部件项目", "一汽解放汽车有限公司", "投资协议", "12000", "8月20日", "装备制造组", "陈静"]
    assert cells(late) == [
        ["工作组", "报告月份", "报送情况", "截止时间", "报送时间"],
        ["玉米深加工组", "2021年8月", "逾期报送", "2021年9月6日", "2021年9月7日"],
        ["清洁能源和新型建材组", "2021年8月", "已报送被退回（待更正）", "2021年9月6日", "2021年9月3日"],
        ["玉米深加工组", "2021年7月", "未报送", "2021年8月5日", "—"],
    ]


def test_every_table_figure_is_traced_to_query_rows(scenario: Settings) -> None:
    path = run_bulletin(scenario)
    workbook = path.with_name("2021年第8期招商引资工作通报_数据来源.xlsx")
    sheets = pd.read_excel(workbook, sheet_name=None, dtype=str)

    trace = sheets["数据来源"]
    assert set(sheets) == {"数据来源", "查询语句", "mart_group_month", "mart_submission", "dim_group",
                           "dim_key_enterprise", "fact_contact", "fact_signing", "project_snapshot", "key_contacts_year"}
    row = trace.loc[trace["指标"] == "装备制造组 协议投资额（万元）"].iloc[0]
    assert row["通报中的数值"] == "15500.5"
    assert "FROM mart_group_month" in row["SQL"]
    # the row numbers it names point at equipment's August row of mart_group_month, which holds that number
    numbers = [int(n) for n in row["来源行（行号）"].split(": ")[1].split(", ")]
    mart = sheets["mart_group_month"].set_index("行号")
    assert [(mart.loc[str(n), "group_code"], mart.loc[str(n), "month"], float(mart.loc[str(n), "signed_investment_wan"]))
            for n in numbers] == [("equipment", "2021-08", 15500.5)]
    key = trace.loc[trace["指标"] == "装备制造组 对接的重点企业"].iloc[0]
    assert key["通报中的数值"] == "A&B <科技>、一汽集团"
    assert "fact_contact" in key["来源行（行号）"] and "dim_key_enterprise" in key["来源行（行号）"]
    # every cell of every table in the document is a traced figure
    traced = set(trace["通报中的数值"].fillna(""))
    for table in Document(str(path)).tables:
        for r in cells(table)[1:]:
            assert set(r[1:]) <= traced, r


EXPECTED_PAGES = 6  # the layout pass (reports/layout.py) keeps 落款 and 版记 with the end of 下步工作: no page of their own


def test_pdf_has_embedded_chinese_font_and_expected_pages(scenario: Settings, tmp_path: Path) -> None:
    docx = run_bulletin(scenario)
    out = tmp_path / "pdf"
    profile = tmp_path / f"lo-profile-{uuid.uuid4().hex[:8]}"
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(docx)], check=True, capture_output=True, timeout=180)
    pdf = out / DOCX_NAME.replace(".docx", ".pdf")

    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if re.search(r"CJK|WenQuanYi|Hei|Song", line)]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # the 'emb' column
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages == EXPECTED_PAGES, info
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "page")], check=True, timeout=120)
    assert len(list(out.glob("page-*.png"))) == pages


def test_later_sections_plug_in_numbered_before_submissions(scenario: Settings) -> None:
    engine = sa.create_engine(scenario.warehouse_url)
    try:
        data = report.read_bulletin_data(engine, "2021-08")
    finally:
        engine.dispose()
    sections = [{"title": "重点项目推进情况", "paragraphs": ["风电主机项目本月完成投资1200万元。"],
                 "table": {"caption": "重点项目推进情况", "header": ["项目名称", "本月完成投资（万元）", "建设阶段"],
                           "rows": [["风电主机项目", "1200", "主体施工"]]}},
                {"title": "需协调解决的问题", "paragraphs": ["能评手续尚未办结。"],
                 "problems": ["项目手续办理滞后。"], "requirements": ["请包联人督促办结超期手续。"]}]
    files = report.render_bulletin(scenario, data, sections)

    paragraphs = body_text(files.docx)
    assert (paragraphs.index("四、重点项目推进情况") < paragraphs.index("五、需协调解决的问题")
            < paragraphs.index("六、月报报送情况") < paragraphs.index("七、存在问题") < paragraphs.index("八、下步工作"))
    assert "表5  重点项目推进情况" in paragraphs and "表6  月报未按时报送情况" in paragraphs
    # a section's problems and requirements join the bulletin's own, after them
    assert paragraphs[paragraphs.index("八、下步工作") - 1] == "（五）项目手续办理滞后。"
    assert paragraphs[paragraphs.index("兴安盟经济技术开发区管理委员会", 1) - 2] == "6．请包联人督促办结超期手续。"
    tables = Document(str(files.docx)).tables
    assert cells(tables[4]) == [["项目名称", "本月完成投资（万元）", "建设阶段"], ["风电主机项目", "1200", "主体施工"]]


def test_send_queues_one_mail_to_the_leaders(scenario: Settings) -> None:
    pytest.importorskip("zhaoshang.delivery.mail")
    run_bulletin(scenario, send=True)
    run_bulletin(scenario, send=True)  # a re-run does not mail the leaders twice

    engine = sa.create_engine(scenario.warehouse_url)
    try:
        with engine.connect() as conn:
            mails = conn.execute(sa.text("SELECT subject, recipients FROM mail_delivery")).all()
    finally:
        engine.dispose()
    bulletins = [m for m in mails if m.subject.startswith("【招商引资工作通报】")]
    assert [m.subject for m in bulletins] == ["【招商引资工作通报】2021年第8期"]
    for leader in ("linzhenhua@example.cn", "hanweidong@example.cn", "songzhigang@example.cn"):
        assert leader in bulletins[0].recipients
    # and each group's excerpt once to its secretary (tests/test_excerpt.py reads them)
    assert sorted(m.subject for m in mails if m not in bulletins) == sorted(
        f"【本组通报摘要】2021年第8期招商引资工作通报（{g.name}）" for g in scenario.groups)
    assert list(scenario.outbox.rglob("*.eml"))


def test_month_must_be_year_dash_month() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        bulletin.fn(month="2021-8")


def test_missing_chinese_font_is_a_clear_error() -> None:
    with pytest.raises(report.MissingChineseFont, match="install one of No Such Font SC"):
        report.chinese_font(("No Such Font SC",))


def template_tags(document) -> list[str]:
    """Every Jinja tag of a template, in document order (paragraphs, then table cells)."""
    texts = [p.text for p in document.paragraphs] + [c for t in document.tables for row in cells(t) for c in row]
    return [tag for text in texts for tag in re.findall(r"{[{%].*?[}%]}", text)]


def test_committed_template_matches_its_builder_and_page_setup(tmp_path: Path) -> None:
    # staff may reword and restyle templates/bulletin.docx; its tags are the contract with the code
    spec = importlib.util.spec_from_file_location("build_templates", report.TEMPLATE.parent / "build_templates.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)

    built = Document(str(builder.build_bulletin(tmp_path / "bulletin.docx")))
    committed = Document(str(report.TEMPLATE))
    assert template_tags(built) == template_tags(committed)
    section = committed.sections[0]  # A4, GB/T 9704 margins: top 37, bottom 35, left 28, right 26 mm
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [210, 297, 37, 35, 28, 26]
    fonts = {f.get(qn("w:eastAsia")) for f in committed.element.iter(qn("w:rFonts"))}
    assert {"仿宋_GB2312", "黑体", "宋体", "方正小标宋简体"} <= fonts


# ── 存在问题 exactly when true, on constructed mart rows ──

def january_data(settings: Settings, rejected: str | None = None) -> report.BulletinData:
    """January 2021, every group on pace: 5 of 60 contacts and 8333.33 of 100000 元 (1/12 = 8.3%), each of its
    configured key enterprises contacted, its report on time; `rejected` names a group whose report was rejected
    instead (so it has no figures)."""
    groups = [g for g in settings.groups]
    reported = [g for g in groups if g.code != rejected]
    gm = pd.DataFrame([(g.code, "2021-01", 5, 5, 1, 0, 0.0, 8333.33, i) for i, g in enumerate(reported, 1)],
                      columns=["group_code", "month", "contacts", "enterprises", "key_enterprise_contacts", "signings",
                               "signed_investment_wan", "expense_yuan", "file_id"])
    due = pd.Timestamp("2021-02-05 23:59:59")
    subs = pd.DataFrame([("月报", g.code, "2021-01", "rejected" if g.code == rejected else "on_time",
                          pd.NaT if g.code == rejected else pd.Timestamp("2021-02-03 10:00"), due,
                          pd.Timestamp("2021-02-03 10:00") if g.code == rejected else pd.NaT) for g in groups],
                        columns=["kind", "subject", "period", "status", "received_at", "due_at", "rejected_at"])
    keys = pd.DataFrame([(g.code, f"{k}有限公司") for g in reported for k in g.key_enterprises],
                        columns=["group_code", "enterprise"])
    patterns = pd.DataFrame(sorted({(k, k) for g in groups for k in g.key_enterprises}), columns=["pattern", "enterprise"])
    frames = {
        "mart_group_month": gm, "mart_submission": subs,
        "dim_group": pd.DataFrame([(g.code, g.name, g.budget_yuan) for g in groups],
                                  columns=["group_code", "name", "budget_yuan"]),
        "dim_key_enterprise": patterns,
        "fact_contact": keys.assign(month="2021-01", region="吉林省", file_id=1, sheet_row=range(1, len(keys) + 1)),
        "fact_signing": pd.DataFrame(columns=["group_code", "month", "project_name", "enterprise", "signed_on", "agreement",
                                              "investment_wan", "liaison", "file_id", "sheet_row"]),
        "project_snapshot": pd.DataFrame(columns=["snapshot_at", "project_code", "project_name", "builder", "group_code",
                                                  "cadre"]),
        "key_contacts_year": keys,
    }
    return report.BulletinData("2021-01", frames, {"first": "2020-12", "year_first": "2021-01", "last": "2021-01"})


def test_problems_only_when_true_on_pace_month_and_one_rejected(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "share", ZHAOSHANG_TODAY="2021-02-08")
    context, *_ = report.bulletin_content(january_data(settings), settings)
    # 8333.33 / 100000 = 8.3% and 5 / 60 = 8.3% against 1/12 = 8.3%; all reached; all on time: nothing to report
    assert context["problems"] == ["经梳理，本月未发现需要通报的问题。"]
    assert context["requirements"] == []
    assert context["gap"] == {"trend": "", "investment": "", "ytd": "", "budget": ""}
    assert context["signed_rows"] == [] and context["t"]["groups"] == 1  # no signing table: the groups' is 表1

    context, *_ = report.bulletin_content(january_data(settings, rejected="equipment"), settings)
    # equipment's report was rejected: its figures are absent, so it is behind in money and contacts and reached
    # none of its key enterprises — each sentence true, and its report called 已报送被退回（待更正）
    assert context["problems"] == [
        "（一）招商经费执行低于序时进度。截至1月底序时进度为8.3%，装备制造组预算使用率为0.0%，低于序时进度。",
        "（二）对接企业进度低于序时进度。1月，装备制造组累计对接企业0家次，完成年度目标60家次的0.0%，低于序时进度8.3%。",
        "（三）重点企业对接不够全面。1月，装备制造组尚未对接一汽集团、盈创、上海电气、中车集团、金风科技。",
        "（四）月报报送不够及时。1月份月报已报送被退回（待更正）的有装备制造组。",
    ]
    assert context["requirements"][-1] == "4．请装备制造组对照错误说明更正1月份月报，尽快重新报送。"
    assert context["gap"]["trend"] == "注：1月装备制造组月报已报送被退回（待更正），图中相应月份不含该组该月数据。"
    assert context["group_notes"][0] == "注：装备制造组1月份月报已报送被退回（待更正），表中以“—”表示。"
