"""The half-year appraisal 半年考核汇总: scores of a hand-computed cohort, weights from configuration,
the rendered tables cell by cell, mart_person_half, 述职数据摘要 and the leaders' mail.

The cohort (a small roster of its own, config written by `write_config`; clock 2021-07-15;
monthly reports due from 2021-05, weekly reports from the week of 2021-06-07):

  energy     张海涛 secretary · 李明远 cadre · 赵雪梅 member        budget 100000 元
  equipment  刘志强 secretary · 陈静 cadre   · 孙立军 member        budget 100000 元

  May report   energy (06-03, on time): 李明远 华能集团 山东省 (key), 李明远 兴安某某科技公司 内蒙古;
                 signing 新材料项目 3000 万元 with an enterprise nobody contacted, no 包联人 → secretary 张海涛;
                 spent 20000 元
               equipment (06-08, late: due Monday 06-07): 刘志强 一汽解放 吉林省 (key); 陈静 一汽解放 吉林省 (key);
                 spent 50000 元
  June report  energy (07-02, on time): 李明远 远景能源 江苏省 (key, alias); 张海涛 华能集团 山东省 (key);
                 signing 风电装备项目 8000 万元, 包联人 李明远 → 李明远; spent 15000 元
               equipment (07-05, on time): 陈静 一汽解放 吉林省 (key), 陈静 安徽某某 安徽省;
                 signing 汽车零部件项目 6000 万元, no 包联人; contacted by 陈静 and 刘志强 → 0.5 each, 3000 万元 each;
                 spent 10000 元
  Library      05-20: P1 风电装备项目 (energy, 李明远, 已签约), P2 汽车零部件项目 (equipment, 陈静, 在谈)
               07-10: P2 becomes 在建 — a start in H2, not H1
  Weekly       李明远 owes 4 weeks in H1 (P1 已签约): 06-07 前期手续 on time (due 06-15: 06-14 is 端午),
               06-14 开工建设 on time → P1 started 06-14, credited to 李明远; 06-21 late; 06-28 missing → 2/4 on time
  Review       林振华 and 韩卫东 score everyone; the corrected file (07-10) changes 孙立军's 70 from 林振华 to 80,
               which ties him with 赵雪梅 (80 and 80). 赵雪梅 and 孙立军 have no activity at all.

Indicators (share_of_best; best in brackets):
  person   contacts key regions signings invest  starts timeliness review
  李明远     3        2   2       1        8000    1      50         90
  陈静       3        2   2       0.5      3000    0      —          86
  张海涛     1        1   1       1        3000    0      100        88
  刘志强     1        1   1       0.5      3000    0      50         85
  赵雪梅     0        0   0       0        0       0      —          80
  孙立军     0        0   0       0        0       0      —          80
  (best)    3        2   2       1        8000    1      100        90
Weights 15 15 10 10 15 5 10 20 (Σ 100; Σ 90 when timeliness does not apply).
"""

from __future__ import annotations

import datetime as dt
import email
from decimal import Decimal
from email import policy
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from flows.appraisal import appraisal
from flows.ingest import ingest
from tests.builders import contact, expense, library, monthly, progress, project, review, weekly
from tests.conftest import make_settings
from tests.test_ingest_flow import query
from zhaoshang.reports.appraisal import figures as a
from zhaoshang.settings import Settings

TODAY = "2021-07-15"
ENERGY, EQUIPMENT = "清洁能源和新型建材组", "装备制造组"
DOCX = "2021年上半年招商引资工作考核汇总.docx"
WEIGHTS = {"contacts": 15, "key_enterprise_contacts": 15, "key_regions": 10, "signings": 10, "signed_investment": 15,
           "construction_starts": 5, "timeliness": 10, "review": 20}

CONFIG = """
[zone]
name = "兴安盟经济技术开发区"
committee = "兴安盟经济技术开发区管理委员会"
office = "投资促进局"
reporting_start = "2021-05"
weekly_start = "2021-06-07"
key_regions = ["吉林省", "安徽省", "湖北省", "山东省", "北京市", "上海市", "江苏省", "浙江省"]

[[groups]]
code = "energy"
name = "清洁能源和新型建材组"
budget_yuan = 100000
key_enterprises = ["华能集团", "远景集团"]

[[groups]]
code = "equipment"
name = "装备制造组"
budget_yuan = 100000
key_enterprises = ["一汽集团"]

[aliases]
"远景集团" = ["远景能源"]
"一汽集团" = ["一汽解放"]

{people}

[appraisal]
normalisation = "share_of_best"
signing_credit = "liaison"
[appraisal.weights]
{weights}
[appraisal.group_weights]
contacts = 15
key_enterprise_contacts = 15
key_regions = 10
signings = 15
signed_investment = 20
construction_starts = 5
timeliness = 10
budget_execution = 10
"""
PEOPLE = [("张海涛", "energy", ["secretary", "member"]), ("李明远", "energy", ["member", "cadre"]),
          ("赵雪梅", "energy", ["member"]), ("刘志强", "equipment", ["secretary", "member"]),
          ("陈静", "equipment", ["member", "cadre"]), ("孙立军", "equipment", ["member"]),
          ("林振华", None, ["leader"]), ("韩卫东", None, ["leader"])]


def write_config(path: Path, **weights: float) -> Path:
    """The cohort's configuration, with the given weights overriding WEIGHTS."""
    people = "\n".join(
        f'[[people]]\nname = "{name}"\n' + (f'group = "{group}"\n' if group else "")
        + "roles = [" + ", ".join(f'"{r}"' for r in roles) + f']\nemail = "p{i}@example.cn"\n'
        for i, (name, group, roles) in enumerate(PEOPLE))
    lines = "\n".join(f"{k} = {v}" for k, v in {**WEIGHTS, **weights}.items())
    path.write_text(CONFIG.replace("{people}", people).replace("{weights}", lines), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def appraisal_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", TODAY)


@pytest.fixture
def settings(tmp_path: Path, warehouse_url: str) -> Settings:
    """The cohort's shared folder and warehouse (SQLite and PostgreSQL, from conftest's warehouse_url)."""
    config = write_config(tmp_path / "zhaoshang.toml")
    return make_settings(tmp_path / "share", warehouse_url, ZHAOSHANG_CONFIG=str(config), ZHAOSHANG_TODAY=TODAY)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {hour:02d}:00")


def signing_row(project_name: str, enterprise: str, day: str, wan: float, liaison: str | None = None) -> list:
    """One 签约项目 row with its 包联人."""
    return [1, project_name, enterprise, day, "投资协议", wan, "风电装备", None, None, liaison, None]


def run_pass(settings: Settings):
    return ingest(config=str(settings.config_path), root=str(settings.root), warehouse_url=settings.warehouse_url)


def run_appraisal(settings: Settings, config: Path | None = None, **options) -> Path:
    return appraisal(half="2021H1", config=str(config or settings.config_path), root=str(settings.root),
                     warehouse_url=settings.warehouse_url, **options)


def review_rows(sun_from_lin: float) -> list[tuple]:
    scores = {"张海涛": (90, 86), "李明远": (92, 88), "赵雪梅": (80, 80), "刘志强": (85, 85), "陈静": (88, 84),
              "孙立军": (sun_from_lin, 80)}
    group = {"张海涛": ENERGY, "李明远": ENERGY, "赵雪梅": ENERGY, "刘志强": EQUIPMENT, "陈静": EQUIPMENT, "孙立军": EQUIPMENT}
    return [("2021H1", person, group[person], rater, score, None)
            for person, pair in scores.items() for rater, score in zip(("林振华", "韩卫东"), pair)]


def load_cohort(settings: Settings) -> None:
    """Drop the scenario's files (see the module docstring) and ingest them in two passes."""
    month, week = settings.inbox / "月报", settings.inbox / "周报"
    monthly(month / "能源5月.xlsx", ENERGY, "2021-05", reporter="张海涛", received=at("2021-06-03"),
            contacts=[contact("华能集团", "2021-05-10", person="李明远", region="山东省"),
                      contact("兴安某某科技公司", "2021-05-12", person="李明远", region="内蒙古自治区")],
            signings=[signing_row("新材料项目", "兴安新材料有限公司", "2021-05-28", 3000)],
            expenses=[expense("2021-05-10", 20000, handler="张海涛")])
    monthly(month / "能源6月.xlsx", ENERGY, "2021-06", reporter="张海涛", received=at("2021-07-02"),
            contacts=[contact("远景能源有限公司", "2021-06-08", person="李明远", region="江苏省"),
                      contact("华能集团", "2021-06-15", person="张海涛", region="山东省")],
            signings=[signing_row("风电装备项目", "远景能源有限公司", "2021-06-20", 8000, liaison="李明远")],
            expenses=[expense("2021-06-12", 15000, handler="李明远")])
    monthly(month / "装备5月.xlsx", EQUIPMENT, "2021-05", reporter="刘志强", received=at("2021-06-08"),
            contacts=[contact("一汽解放汽车有限公司", "2021-05-11", person="陈静"),
                      contact("一汽解放汽车有限公司", "2021-05-20", person="刘志强")],
            expenses=[expense("2021-05-15", 50000, handler="刘志强")])
    monthly(month / "装备6月.xlsx", EQUIPMENT, "2021-06", reporter="刘志强", received=at("2021-07-05", 9),
            contacts=[contact("一汽解放汽车有限公司", "2021-06-10", person="陈静"),
                      contact("安徽某某机械有限公司", "2021-06-18", person="陈静", region="安徽省")],
            signings=[signing_row("汽车零部件项目", "一汽解放汽车有限公司", "2021-06-25", 6000)],
            expenses=[expense("2021-06-20", 10000)])
    library(settings.inbox / "项目库" / "项目库0520.xlsx", [
        project("P1", cadre="李明远", status="已签约"),
        project("P2", cadre="陈静", status="在谈", group=EQUIPMENT, name="汽车零部件项目")], received=at("2021-05-20"))
    for n, (day, stage, received) in enumerate((("2021-06-07", "前期手续", at("2021-06-15")),
                                                ("2021-06-14", "开工建设", at("2021-06-21", 11)),
                                                ("2021-06-21", "主体施工", at("2021-06-28", 15))), start=1):
        weekly(week / f"李明远{day}.xlsx", "李明远", day, received=received,
               progress=[progress("P1", 100, 100 * n, stage=stage)])
    review(settings.inbox / "述职评议" / "评议.xlsx", review_rows(70), received=at("2021-07-08"))
    summary = run_pass(settings)
    assert all(f.status == "loaded" for f in summary.files), [(f.name, f.status, f.first_problem) for f in summary.files]
    library(settings.inbox / "项目库" / "项目库0710.xlsx", [
        project("P1", cadre="李明远", status="在建"),
        project("P2", cadre="陈静", status="在建", group=EQUIPMENT, name="汽车零部件项目")], received=at("2021-07-10"))
    review(settings.inbox / "述职评议" / "评议（更正）.xlsx", review_rows(80), received=at("2021-07-10"))
    run_pass(settings)


def by_rank(rows: list[tuple]) -> list[tuple]:
    """Mart rows (rank, person, …) by rank, tied people as the roster lists them (collation-free on both databases)."""
    roster = [p[0] for p in PEOPLE]
    plain = [tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in rows]  # PostgreSQL's NUMERIC
    return sorted(plain, key=lambda r: (r[0], roster.index(r[1])))


def table_text(table) -> list[list[str]]:
    """Every cell's text, row by row (merged cells repeat, as python-docx reports them)."""
    return [[cell.text for cell in row.cells] for row in table.rows]


# ── the whole flow on SQLite and PostgreSQL ──

PERSON_MART = [
    # rank, person, group, half, contacts, signings, investment, review, score, timeliness, note
    # 李明远 (15·100 + 15·100 + 10·100 + 10·100 + 15·8000/8000·100 + 5·100 + 10·50/100·100 + 20·90/90·100) ÷ 100 = 95.00
    (1, "李明远", "energy", "2021H1", 3, 1.0, 8000.0, 90.0, 95.0, 50.0, None),
    # 陈静 timeliness n/a: (15·100 + 15·100 + 10·100 + 10·0.5/1·100 + 15·3000/8000·100 [37.50] + 5·0
    #      + 20·86/90·100 [95.56]) ÷ 90 = 6973.7 ÷ 90 = 77.4855… → 77.49
    (2, "陈静", "equipment", "2021H1", 3, 0.5, 3000.0, 86.0, 77.49, None, a.NO_DUTY),
    # 张海涛 (15·1/3·100 [33.33] + 15·50 + 10·50 + 10·100 + 15·37.50 + 5·0 + 10·100 + 20·88/90·100 [97.78]) ÷ 100
    #      = 6268.05 ÷ 100 → 62.68
    (3, "张海涛", "energy", "2021H1", 1, 1.0, 3000.0, 88.0, 62.68, 100.0, None),
    # 刘志强 (15·33.33 + 15·50 + 10·50 + 10·50 + 15·37.50 + 5·0 + 10·50 + 20·85/90·100 [94.44]) ÷ 100 = 52.0125 → 52.01
    (4, "刘志强", "equipment", "2021H1", 1, 0.5, 3000.0, 85.0, 52.01, 50.0, None),
    # 赵雪梅 and 孙立军: no activity, timeliness n/a: 20·80/90·100 [88.89] ÷ 90 = 19.7533… → 19.75, tied 5th
    # (孙立军's first file said 70 and 80 = 75 → 18.52, 6th; the corrected file makes it 80 and 80)
    (5, "赵雪梅", "energy", "2021H1", 0, 0.0, 0.0, 80.0, 19.75, None, f"{a.NO_ACTIVITY}；{a.NO_DUTY}"),
    (5, "孙立军", "equipment", "2021H1", 0, 0.0, 0.0, 80.0, 19.75, None, f"{a.NO_ACTIVITY}；{a.NO_DUTY}"),
]


@pytest.mark.usefixtures("prefect_server")
def test_hand_computed_cohort_scores_tables_prefill_and_mail(settings: Settings) -> None:
    load_cohort(settings)
    docx = run_appraisal(settings, send=True, prefill=True)
    assert docx == settings.reports / "考核" / DOCX

    rows = query(settings, "SELECT rank, person, group_code, half, contacts, signings, signed_investment_wan, review_score, "
                           "appraisal_score, timeliness_pct, note FROM mart_person_half")
    assert by_rank(rows) == PERSON_MART

    doc = Document(str(docx))
    groups, people, group_detail, person_detail = doc.tables
    # groups: energy (15·100 + 15·100 + 10·100 + 15·100 + 20·100 + 5·100 + 10·100 + 10·70/80·100 [87.50]) ÷ 100 = 98.75;
    # equipment (15·100 + 15·100 + 10·100 + 15·1/2·100 + 20·6000/11000·100 [54.55] + 5·0 + 10·(1/2)/(4/6)·100 [75.00]
    #            + 10·100) ÷ 100 = 75.91. Budget: energy spent 35% of the year's budget against 50% elapsed →
    # 100 − |0.35/0.5 − 1|·100 = 70; equipment 60% → 100 − |1.2 − 1|·100 = 80 (the best).
    assert table_text(groups)[1:] == [
        ["1", ENERGY, "4", "2", "11000", "66.7%", "98.75"],
        ["2", EQUIPMENT, "4", "1", "6000", "50.0%", "75.91"],
    ]
    assert table_text(people)[0] == ["名次", "姓名", "工作组", "对接企业（家次）", "签约项目（个）", "协议投资额（万元）",
                                     "述职评议平均分", "综合得分", "备注"]
    assert table_text(people)[1:] == [
        ["1", "李明远", ENERGY, "3", "1", "8000", "90.00", "95.00", ""],
        ["2", "陈静", EQUIPMENT, "3", "0.5", "3000", "86.00", "77.49", "无报送任务"],
        ["3", "张海涛", ENERGY, "1", "1", "3000", "88.00", "62.68", ""],
        ["4", "刘志强", EQUIPMENT, "1", "0.5", "3000", "85.00", "52.01", ""],
        ["5", "赵雪梅", ENERGY, "0", "0", "0", "80.00", "19.75", "无业务记录\n无报送任务"],
        ["5", "孙立军", EQUIPMENT, "0", "0", "0", "80.00", "19.75", "无业务记录\n无报送任务"],
    ]
    header, sub = table_text(person_detail)[:2]
    assert header[3] == header[4] == "对接企业\n（家次）\n权重15" and header[17] == "述职评议平均分\n权重20"
    assert sub[3:5] == ["数值", "得分"] and header[-1] == "综合得分"
    assert table_text(person_detail)[2:] == [
        ["1", "李明远", ENERGY, "3", "100.00", "2", "100.00", "2", "100.00", "1", "100.00", "8000", "100.00", "1", "100.00",
         "50.0", "50.00", "90.00", "100.00", "95.00"],
        ["2", "陈静", EQUIPMENT, "3", "100.00", "2", "100.00", "2", "100.00", "0.5", "50.00", "3000", "37.50", "0", "0.00",
         "—", "—", "86.00", "95.56", "77.49"],
        ["3", "张海涛", ENERGY, "1", "33.33", "1", "50.00", "1", "50.00", "1", "100.00", "3000", "37.50", "0", "0.00",
         "100.0", "100.00", "88.00", "97.78", "62.68"],
        ["4", "刘志强", EQUIPMENT, "1", "33.33", "1", "50.00", "1", "50.00", "0.5", "50.00", "3000", "37.50", "0", "0.00",
         "50.0", "50.00", "85.00", "94.44", "52.01"],
        ["5", "赵雪梅", ENERGY, "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00",
         "—", "—", "80.00", "88.89", "19.75"],
        ["5", "孙立军", EQUIPMENT, "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00", "0", "0.00",
         "—", "—", "80.00", "88.89", "19.75"],
    ]
    assert table_text(group_detail)[2:] == [
        ["1", ENERGY, "4", "100.00", "3", "100.00", "2", "100.00", "2", "100.00", "11000", "100.00", "1", "100.00",
         "66.7", "100.00", "70.0", "87.50", "98.75"],
        ["2", EQUIPMENT, "4", "100.00", "3", "100.00", "2", "100.00", "1", "50.00", "6000", "54.55", "0", "0.00",
         "50.0", "75.00", "80.0", "100.00", "75.91"],
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "赵雪梅和孙立军综合得分相同，并列第5名。" in text
    assert "赵雪梅和孙立军本期无业务记录" in text
    assert "李明远：综合得分＝（15×100.00＋15×100.00＋10×100.00＋10×100.00＋15×100.00＋5×100.00＋10×50.00＋20×100.00）÷100＝95.00" in text
    assert "陈静：综合得分＝（15×100.00＋15×100.00＋10×100.00＋10×50.00＋15×37.50＋5×0.00＋20×95.56）÷90＝77.49" in text
    assert "“汽车零部件项目”（6000万元）未填写考核对象为包联人，由对接过一汽解放汽车有限公司的刘志强和陈静平均分享。" in text
    assert "“新材料项目”（3000万元）无包联人、本组无人对接过该企业，计入工作组秘书张海涛。" in text
    assert "{{" not in text and "{%" not in text
    assert len(list((settings.reports / "考核" / "图表").glob("*.png"))) == 2

    # 述职数据摘要: the facts behind 陈静's figures, one document per person
    prefill = settings.reports / "考核" / "述职数据摘要"
    assert sorted(p.name for p in prefill.glob("*.docx")) == sorted(
        f"2021年上半年述职数据摘要_{n}.docx" for n in ("张海涛", "李明远", "赵雪梅", "刘志强", "陈静", "孙立军"))
    chen = Document(str(prefill / "2021年上半年述职数据摘要_陈静.docx"))
    contacts, signings = chen.tables
    assert table_text(contacts)[1:] == [["1", "5月11日", "一汽解放汽车有限公司", "吉林省", "上门拜访", "初步接触", "是"],
                                        ["2", "6月10日", "一汽解放汽车有限公司", "吉林省", "上门拜访", "初步接触", "是"],
                                        ["3", "6月18日", "安徽某某机械有限公司", "安徽省", "上门拜访", "初步接触", "否"]]
    assert table_text(signings)[1:] == [["6月25日", "汽车零部件项目", "一汽解放汽车有限公司", "6000", "0.5", "对接人均分"]]
    li = Document(str(prefill / "2021年上半年述职数据摘要_李明远.docx"))
    assert table_text(li.tables[2])[1:] == [["P1", "风电装备项目", "6月14日", "2021-06-07 周报建设阶段“前期手续” → "
                                                                           "2021-06-14 周报建设阶段“开工建设”"]]
    assert [r[4] for r in table_text(li.tables[3])[1:]] == ["按时报送", "按时报送", "逾期报送", "未报送"]

    # the leaders' mail: queued once, with the summary attached (no SMTP configured → outbox only)
    mails = query(settings, "SELECT message_key, subject, recipients, status FROM mail_delivery")
    assert mails == [("appraisal:2021H1", "【招商引资工作考核汇总】2021年上半年", "p6@example.cn,p7@example.cn", "written")]
    eml = next(settings.outbox.glob("*.eml"))
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert [part.get_filename() for part in message.iter_attachments()] == [DOCX]  # no PDF: the suite writes none


@pytest.mark.usefixtures("prefect_server")
def test_a_heavier_timeliness_weight_lifts_the_punctual_secretary(settings: Settings, tmp_path: Path) -> None:
    load_cohort(settings)
    run_appraisal(settings)
    heavier = write_config(tmp_path / "timeliness100.toml", timeliness=100)
    run_appraisal(settings, config=heavier)
    # Σ weights 190 (90 where timeliness does not apply); only timeliness points change the order:
    # 张海涛 (6268.05 − 10·100 + 100·100) ÷ 190 = 80.36; 陈静 unchanged 77.49 (n/a);
    # 李明远 (9500 − 10·50 + 100·50) ÷ 190 = 73.68; 刘志强 (5201.25 − 10·50 + 100·50) ÷ 190 = 51.06
    rows = query(settings, "SELECT rank, person, appraisal_score FROM mart_person_half WHERE half = '2021H1'")
    assert by_rank(rows) == [(1, "张海涛", 80.36), (2, "陈静", 77.49), (3, "李明远", 73.68), (4, "刘志强", 51.06),
                             (5, "赵雪梅", 19.75), (5, "孙立军", 19.75)]
    people = Document(str(settings.reports / "考核" / DOCX)).tables[1]
    assert [r[:2] + r[7:8] for r in table_text(people)[1:]] == [
        ["1", "张海涛", "80.36"], ["2", "陈静", "77.49"], ["3", "李明远", "73.68"], ["4", "刘志强", "51.06"],
        ["5", "赵雪梅", "19.75"], ["5", "孙立军", "19.75"]]
    assert table_text(Document(str(settings.reports / "考核" / DOCX)).tables[3])[0][15] == "按时报送率\n（%）\n权重100"


# ── pure rules ──

def test_competition_ranking_shares_a_place_and_skips_the_next() -> None:
    assert a.competition_ranks(pd.Series([95.0, 80.0, 80.0, 70.0])).tolist() == [1, 2, 2, 4]


def test_points_by_share_of_best_and_by_target() -> None:
    values = pd.Series([3.0, 1.0, 0.0, float("nan")])
    assert a.indicator_points(values, "share_of_best").tolist()[:3] == [100.0, 33.33, 0.0]  # 1 ÷ 3 × 100 = 33.333…
    assert pd.isna(a.indicator_points(values, "share_of_best").iloc[3])  # not applicable stays not applicable
    assert a.indicator_points(pd.Series([0.0, 0.0]), "share_of_best").tolist() == [0.0, 0.0]  # best 0 → everyone 0
    assert a.indicator_points(pd.Series([30.0, 12.0]), "target", 24).tolist() == [100.0, 50.0]  # capped at 100


def test_weighted_score_leaves_out_what_does_not_apply() -> None:
    points = {"contacts": 100.0, "timeliness": float("nan"), "review": 50.0}
    # (15·100 + 20·50) ÷ 35 = 71.428… → 71.43; timeliness's weight 10 is not in the denominator
    assert a.weighted_score(points, {"contacts": 15, "timeliness": 10, "review": 20}) == 71.43


def test_a_shared_signing_keeps_its_total() -> None:
    cohort = pd.DataFrame([("甲", "g", True, False), ("乙", "g", False, False), ("丙", "g", False, False)],
                          columns=["person", "group_code", "secretary", "cadre"])
    contacts = pd.DataFrame({"group_code": ["g"] * 3, "enterprise": ["某公司"] * 3, "contact_person": ["甲", "乙", "丙"],
                             "contact_date": [dt.date(2021, 3, 1), dt.date(2020, 11, 2), dt.date(2021, 7, 2)]})
    signings = pd.DataFrame([{"file_id": 1, "sheet_row": 2, "group_code": "g", "project_name": "项目", "enterprise": "某公司",
                              "signed_on": dt.date(2021, 4, 1), "investment_wan": 1000.0, "liaison": "外单位某人"}])
    credits = a.signing_credits(signings, contacts, cohort, a.half_of("2021H1"), "liaison")
    # 丙's contact (07-02) is after the half: 甲 and 乙 share, 500 万元 each
    assert credits[["person", "share", "credited_wan", "basis"]].values.tolist() == [
        ["甲", 0.5, 500.0, "对接人均分"], ["乙", 0.5, 500.0, "对接人均分"]]
    assert credits["credited_wan"].sum() == 1000.0


def test_construction_start_must_be_seen() -> None:
    weeks = pd.DataFrame({"project_code": ["A", "A", "B", "C"], "project_name": ["甲", "甲", "乙", "丙"],
                          "week_start": [dt.date(2021, 6, 7), dt.date(2021, 6, 14), dt.date(2021, 6, 7), dt.date(2021, 6, 7)],
                          "stage": ["前期手续", "主体施工", "主体施工", "开工建设"], "cadre": ["甲", "甲", "乙", "丙"]})
    snapshots = pd.DataFrame({"snapshot_at": [pd.Timestamp("2021-06-01 09:00")] * 3, "project_code": ["A", "B", "C"],
                              "project_name": ["甲", "乙", "丙"], "group_code": ["g", "g", "h"], "cadre": ["甲", "乙", "丙"],
                              "status": ["已签约", "在建", "在建"]})
    cohort = pd.DataFrame({"person": ["甲", "乙", "丙"], "group_code": ["g", "g", "h"]})
    starts = a.construction_starts(weeks, snapshots, a.half_of("2021H1"), cohort)
    # A: 已签约 then 主体施工 → started 06-14; B: first seen 在建/主体施工 → started before the records, not counted;
    # C: library 在建 on 06-01 and its first weekly stage is 开工建设 → started 06-01
    assert starts[["project_code", "group_code", "cadre", "started_on"]].values.tolist() == [
        ["A", "g", "甲", dt.date(2021, 6, 14)], ["C", "h", "丙", dt.date(2021, 6, 1)]]


def test_a_configuration_that_cannot_be_applied_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown indicator\(s\) \['budget_execution'\]"):
        a.Method(weights={"budget_execution": 10}, group_weights={})
    with pytest.raises(ValueError, match=r"needs a positive target for \['review'\]"):
        a.Method(weights={"review": 20}, group_weights={}, normalisation="target", targets={})
    with pytest.raises(ValueError, match="YYYYH1"):
        a.half_of("2021-H1")


def test_half_year_periods() -> None:
    h1, h2 = a.half_of("2021H1"), a.half_of("2021H2")
    assert (h1.first, h1.last, h1.label, h1.months[-1], float(h1.elapsed)) == (
        dt.date(2021, 1, 1), dt.date(2021, 6, 30), "2021年上半年", "2021-06", 0.5)
    assert (h2.first, h2.last, h2.label, float(h2.elapsed)) == (dt.date(2021, 7, 1), dt.date(2021, 12, 31), "2021年下半年", 1.0)
