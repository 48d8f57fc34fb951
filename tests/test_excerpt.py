"""Each group's excerpt of the monthly bulletin (本组通报摘要, DESIGN §5): its figures, its .docx and its mail.

The pure parts on tiny inline frames; then the demo year (SQLite and PostgreSQL) through the
bulletin flow: one excerpt per group beside the bulletin, holding exactly that group's figures and
none of another group's names, mailed To its secretary with Cc the office and the excerpt attached.
"""

from __future__ import annotations

import datetime as dt
import email
import importlib.util
import io
import re
from email import policy
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from flows.bulletin import bulletin
from flows.ingest import ingest
from tests.conftest import make_settings
from zhaoshang.demo.generate import write_demo_inbox
from zhaoshang.reports import excerpt
from zhaoshang.reports.excerpt import figures as e
from zhaoshang.settings import Person

T = pd.Timestamp


def submissions(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kind", "subject", "period", "status", "received_at", "due_at"])


# ── pure parts ──

def test_submission_rows_use_the_four_words_and_skip_what_was_on_time() -> None:
    subs = submissions(
        ("月报", "corn", "2021-02", "rejected", pd.NaT, T("2021-03-05 23:59:59")),
        ("月报", "corn", "2021-03", "on_time", T("2021-04-02 09:00"), T("2021-04-06 23:59:59")),
        ("月报", "corn", "2021-08", "late", T("2021-09-07 09:30"), T("2021-09-06 23:59:59")),
        ("月报", "energy", "2021-04", "missing", pd.NaT, T("2021-05-06 23:59:59")),  # another group's
        ("周报", "郑凯", "2021-08-09", "missing", pd.NaT, T("2021-08-16 12:00")),
        ("周报", "吴国庆", "2021-08-09", "late", T("2021-08-16 15:00"), T("2021-08-16 12:00")),
        ("周报", "李明远", "2021-08-09", "missing", pd.NaT, T("2021-08-16 12:00")),  # not a corn cadre
        ("周报", "吴国庆", "2021-07-26", "missing", pd.NaT, T("2021-08-02 12:00")),  # a week of July
    )
    rows = e.submission_rows(subs, "2021-08", "corn", ["吴国庆", "郑凯"])
    # months first, then the month's weeks in roster order (吴国庆 before 郑凯); on-time and others' rows left out
    assert [list(r.values()) for r in rows] == [
        ["月报", "2021年2月", "已报送被退回（待更正）", "3月5日 23:59", "—"],
        ["月报", "2021年8月", "逾期报送", "9月6日 23:59", "9月7日 09:30"],
        ["吴国庆周报", "8月9日当周", "逾期报送", "8月16日 12:00", "8月16日 15:00"],
        ["郑凯周报", "8月9日当周", "未报送", "8月16日 12:00", "—"]]
    status = e.monthly_status(subs, "2021-08", "corn")
    # this month's report is named first; the other three are counted by their words
    assert e.submission_sentence("2021-08", status, rows, 2) == (
        "本组8月份招商工作月报逾期报送（截止9月6日，9月7日报送）。本年度此前各月月报和8月本组包联人周报中，"
        "逾期报送1份，已报送被退回（待更正）1份，未报送1份（见表2）。")
    assert e.monthly_sentence("2021-09", None) == "本组9月份招商工作月报尚未到报送截止时间。"
    assert e.monthly_sentence("2021-02", e.monthly_status(subs, "2021-02", "corn")) == (
        "本组2月份招商工作月报已报送被退回（待更正）（截止3月5日），请按错误说明更正后重新报送。")  # never 未报送
    assert e.no_report_sentence("2021-02", "玉米深加工组", e.monthly_status(subs, "2021-02", "corn")) == (
        "玉米深加工组：2月份招商工作月报已报送被退回（待更正），本月工作数据暂缺。")
    missing = e.monthly_status(subs.assign(subject="energy", status="missing"), "2021-02", "energy")
    assert e.monthly_sentence("2021-02", missing) == "本组2月份招商工作月报未报送（截止3月5日），请抓紧补报。"
    assert e.submission_sentence("2021-03", e.monthly_status(subs, "2021-03", "corn"), [], 0) == (
        "本组3月份招商工作月报按时报送（4月2日报送）。本年度此前各月月报和3月本组包联人周报均按时报送。")


def test_figure_table_and_note_for_months_without_a_report() -> None:
    now = {"reported": True, "contacts": 5, "key_enterprise_contacts": 1, "signings": 1,
           "signed_investment_wan": 3500.5, "expense_yuan": 860.5}
    before = {"reported": False}
    ytd = {"contacts": 12, "key_enterprise_contacts": 3, "signings": 2, "signed_investment_wan": 4500.5,
           "expense_yuan": 1860.5}
    assert [list(r.values()) for r in e.figure_table(now, before, ytd, "2021-08")] == [
        ["对接企业（家次）", "5", "—", "12"], ["其中重点企业（家次）", "1", "—", "3"], ["签约项目（个）", "1", "—", "2"],
        ["协议投资额（万元）", "3500.5", "—", "4500.5"], ["支出招商经费（元）", "860.5", "—", "1860.5"]]
    gm = pd.DataFrame({"group_code": ["corn", "corn", "energy"], "month": ["2021-06", "2021-08", "2021-07"]})
    missing = e.months_without_report(gm, "2021-08", "corn", "2021-06")  # from the reporting start only
    assert missing == ["2021-07"]
    words = e.status_words_of(submissions(("月报", "corn", "2021-07", "rejected", pd.NaT, T("2021-08-05"))), "corn")
    assert e.ytd_note(missing, "2021-08", words) == "注：本组7月份月报已报送被退回（待更正），1—8月累计数不含该月数据。"
    assert e.ytd_note([], "2021-08", {}) == ""


def test_overdue_procedures_from_each_projects_latest_week_of_the_month() -> None:
    d = dt.date
    procedures = pd.DataFrame([
        # project, week, Sunday, procedure, status, planned
        ("P1", d(2021, 8, 23), d(2021, 8, 29), "环评", "办理中", d(2021, 8, 1)),  # an earlier week: not counted
        ("P1", d(2021, 8, 30), d(2021, 9, 5), "环评", "已办结", d(2021, 8, 1)),  # done by the latest week
        ("P1", d(2021, 8, 30), d(2021, 9, 5), "能评", "办理中", d(2021, 8, 6)),  # 30 days before 9-05
        ("P1", d(2021, 8, 30), d(2021, 9, 5), "安评", "不涉及", d(2021, 8, 6)),
        ("P1", d(2021, 8, 30), d(2021, 9, 5), "施工许可", "未启动", d(2021, 9, 5)),  # due on the Sunday: not yet
        ("P2", d(2021, 8, 30), d(2021, 9, 5), "土地审批", "办理中", d(2021, 8, 20)),  # another group's project
    ], columns=["project_code", "week_start", "week_end", "procedure", "status", "planned_on"])
    projects = pd.DataFrame({"project_code": ["P1"], "project_name": ["风电项目"], "cadre": ["李明远"],
                             "leader": ["林振华"]})
    rows = e.overdue_procedures(procedures, projects)
    assert e.procedure_table(rows, "2021-08") == [{"project": "风电项目", "procedure": "能评", "planned": "8月6日",
                                        "status": "办理中", "days": "30天", "cadre": "李明远"}]
    problems = pd.DataFrame([("P1", "用地指标", "林振华", d(2021, 9, 30), "推进中"),
                             ("P1", "能评指标", "林振华", d(2021, 8, 31), "未解决"),
                             ("P2", "草原调整", "韩卫东", d(2021, 8, 20), "推进中")],
                            columns=["project_code", "description", "leader", "deadline", "status"])
    open_rows = e.open_problems(problems, projects, dt.date(2021, 9, 8))
    assert [list(r.values()) for r in e.problem_table(open_rows, "2021-08")] == [
        ["风电项目", "能评指标", "林振华", "8月31日", "未解决（已超期）"],  # past its deadline: first
        ["风电项目", "用地指标", "林振华", "9月30日", "推进中"]]
    assert e.projects_sentence("2021-08", projects, rows, open_rows, {"procedures": 3, "problems": 4}) == (
        "截至8月末，本组1个在库项目中有超期未办结手续1项（见表3）；未解决问题2个，其中1个已超过办结时限（见表4）。"
        "请包联人督促建设单位加快办理，责任领导协调限期办结。")
    none = rows.iloc[0:0]
    assert e.projects_sentence("2021-04", projects, none, open_rows.iloc[0:0], {}, reported=False) == (
        "4月本组1个在库项目的项目周报中无手续办理和问题记录。")  # before the weekly reports: no claim of none overdue


def test_group_projects_from_the_library_as_of_the_months_end() -> None:
    snapshots = pd.DataFrame([
        (T("2021-06-01 09:00"), "P1", "风电项目", "energy", "李明远", "林振华"),
        (T("2021-06-01 09:00"), "P2", "汽配项目", "equipment", "陈静", "韩卫东"),
        (T("2021-09-02 09:00"), "P1", "风电项目", "equipment", "陈静", "林振华"),  # after August: not yet
    ], columns=["snapshot_at", "project_code", "project_name", "group_code", "cadre", "leader"])
    assert e.group_projects(snapshots, "2021-08", "energy")["project_code"].tolist() == ["P1"]
    assert e.group_projects(snapshots, "2021-09", "energy")["project_code"].tolist() == []
    # before the first snapshot, the earliest stands in
    assert e.group_projects(snapshots, "2021-05", "equipment")["project_code"].tolist() == ["P2"]


def test_table_dates_name_the_year_only_when_it_is_not_the_bulletins() -> None:
    assert e.table_date(dt.date(2021, 8, 20), "2021-08") == "8月20日"
    assert e.table_date(dt.date(2022, 6, 30), "2021-12") == "2022年6月30日"
    assert e.table_time(T("2022-01-05 23:59:59"), "2021-12") == "2022年1月5日 23:59"


def test_the_group_cadres_are_the_rosters() -> None:
    roster = [Person(name="甲", group="corn", roles=["cadre"]), Person(name="乙", group="corn", roles=["secretary"]),
              Person(name="丙", group="energy", roles=["cadre"])]
    assert e.group_cadres(roster, "corn") == ["甲"]


def test_committed_template_matches_its_builder(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_excerpt_template",
                                                  excerpt.TEMPLATE.parent / "build_excerpt_template.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    built = Document(str(builder.build_excerpt(tmp_path / "excerpt.docx")))
    committed = Document(str(excerpt.TEMPLATE))
    assert tags(built) == tags(committed)
    section = committed.sections[0]  # A4, GB/T 9704 margins, as the bulletin
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [210, 297, 37, 35, 28, 26]


def tags(document) -> list[str]:
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [tag for text in texts for tag in re.findall(r"{[{%].*?[}%]}", text)]


# ── the demo month, through the bulletin flow ──

GROUPS = {"energy": "清洁能源和新型建材组", "equipment": "装备制造组", "corn": "玉米深加工组"}
SECRETARIES = {"energy": "张海涛 <zhanghaitao@example.cn>", "equipment": "刘志强 <liuzhiqiang@example.cn>",
               "corn": "周丽娜 <zhoulina@example.cn>"}
OFFICE = "高建华 <gaojianhua@example.cn>, 何婷 <heting@example.cn>"
# The demo's August (mart_group_month), July beside it, and January–August summed per group;
# the figures are the bulletin's own rows (表1), read in the demo's warehouse.
FIGURES = {
    "energy": [["对接企业（家次）", "5", "4", "37"], ["其中重点企业（家次）", "1", "3", "18"], ["签约项目（个）", "0", "1", "5"],
               ["协议投资额（万元）", "0", "42000", "269000"], ["支出招商经费（元）", "8910", "8580", "55740"]],
    "equipment": [["对接企业（家次）", "3", "8", "41"], ["其中重点企业（家次）", "0", "2", "10"], ["签约项目（个）", "0", "1", "5"],
                  ["协议投资额（万元）", "0", "35000", "157800"], ["支出招商经费（元）", "8000", "9400", "64030"]],
    "corn": [["对接企业（家次）", "5", "7", "41"], ["其中重点企业（家次）", "1", "1", "9"], ["签约项目（个）", "1", "0", "5"],
             ["协议投资额（万元）", "120000", "0", "331500"], ["支出招商经费（元）", "6790", "9660", "63770"]],
}
# energy never sent April; its July came late. equipment's February is still rejected, its May came
# late, and 杨帆's week of 08-16 arrived at 16:05 (due 12:00). corn's March came late, 吴国庆's 08-02 week too.
SUBMISSIONS = {
    "energy": [["月报", "2021年4月", "未报送", "5月6日 23:59", "—"],
               ["月报", "2021年7月", "逾期报送", "8月5日 23:59", "8月9日 15:40"]],
    "equipment": [["月报", "2021年2月", "已报送被退回（待更正）", "3月5日 23:59", "—"],
                  ["月报", "2021年5月", "逾期报送", "6月7日 23:59", "6月8日 09:15"],
                  ["杨帆周报", "8月16日当周", "逾期报送", "8月23日 12:00", "8月23日 16:05"]],
    "corn": [["月报", "2021年3月", "逾期报送", "4月6日 23:59", "4月9日 10:20"],
             ["吴国庆周报", "8月2日当周", "逾期报送", "8月9日 12:00", "8月10日 09:20"]],
}
# the latest August week of each project: 风光制氢's 土地审批 planned 08-20, 16 days before Sunday 09-05;
# 聚乳酸's 能评 planned 07-31, 36 days. Problems open on 2021-09-08, past deadlines marked.
PROJECT_TABLES = {
    "energy": [[["风光制氢一体化示范项目", "土地审批", "8月20日", "办理中", "16天", "王晓东"]],
               [["风光制氢一体化示范项目", "项目选址部分地块为基本草原，需办理基本草原调整后方可报批用地", "韩卫东",
                 "8月20日", "推进中（已超期）"],
                ["100MW/200MWh电化学储能电站项目", "储能电站接入系统方案尚未获得电网公司批复，影响项目开工", "林振华",
                 "9月30日", "推进中"]]],
    "equipment": [],
    "corn": [[["年产10万吨聚乳酸项目", "能评", "7月31日", "办理中", "36天", "郑凯"]],
             [["年产10万吨聚乳酸项目", "项目年综合能耗约18万吨标准煤，能耗指标未落实，能评报告无法获批", "宋志刚",
               "7月31日", "推进中（已超期）"],
              ["年产10万吨聚乳酸项目", "项目用地涉及耕地，耕补库指标未落实", "宋志刚", "8月31日", "推进中（已超期）"]]],
}
PARAGRAPHS = {
    "energy": ["清洁能源和新型建材组：对接企业5家次（5家），其中重点企业1家次（中车集团）；覆盖重点区域安徽省、山东省、北京市；"
               "无新签约项目；支出招商经费8910元。",
               "注：本组4月份月报未报送，1—8月累计数不含该月数据。",
               "1—8月本组累计支出招商经费55740元，占年度预算100000元的55.7%；截至8月底序时进度为66.7%，本组低于序时进度。",
               "本组8月份招商工作月报按时报送（9月2日报送）。本年度此前各月月报和8月本组包联人周报中，逾期报送1份，未报送1份（见表2）。",
               "截至8月末，本组5个在库项目中有超期未办结手续1项（见表3）；未解决问题2个，其中1个已超过办结时限（见表4）。"
               "请包联人督促建设单位加快办理，责任领导协调限期办结。"],
    "equipment": ["装备制造组：对接企业3家次（3家），未对接重点企业；覆盖重点区域安徽省、湖北省；无新签约项目；支出招商经费8000元。",
                  "注：本组2月份月报已报送被退回（待更正），1—8月累计数不含该月数据。",
                  "本组8月份招商工作月报按时报送（9月2日报送）。本年度此前各月月报和8月本组包联人周报中，逾期报送2份，"
                  "已报送被退回（待更正）1份（见表2）。",
                  "截至8月末，本组5个在库项目无超期未办结手续，无未解决问题。"],
    "corn": ["1—8月本组累计支出招商经费63770元，占年度预算100000元的63.8%；截至8月底序时进度为66.7%，本组低于序时进度。",
             "截至8月末，本组5个在库项目中有超期未办结手续1项（见表3）；未解决问题2个，均已超过办结时限（见表4）。"
             "请包联人督促建设单位加快办理，责任领导协调限期办结。"],
}


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def all_text(source: Path | io.BytesIO) -> str:
    document = Document(source if isinstance(source, io.BytesIO) else str(source))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c for t in document.tables for row in cells(t) for c in row])


@pytest.fixture
def demo(tmp_path: Path, warehouse_url: str, prefect_server, monkeypatch: pytest.MonkeyPatch):
    """The demo year ingested (SQLite and PostgreSQL) and its August bulletin made and sent (twice)."""
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")
    settings = make_settings(tmp_path / "share", warehouse_url)
    write_demo_inbox(settings)
    ingest(root=str(settings.root), warehouse_url=warehouse_url)
    for _ in range(2):  # a re-run rewrites the excerpts and mails nobody twice
        docx = bulletin(month="2021-08", send=True, root=str(settings.root), warehouse_url=warehouse_url)
    return settings, docx


def test_each_groups_excerpt_holds_its_own_figures_and_is_mailed_to_its_secretary(demo) -> None:
    settings, bulletin_docx = demo
    folder = bulletin_docx.parent
    for code, name in GROUPS.items():
        path = folder / f"2021年第8期{name}本组通报摘要.docx"
        document = Document(str(path))
        paragraphs = [p.text for p in document.paragraphs if p.text]
        assert paragraphs[:5] == ["兴安盟经济技术开发区管理委员会", "2021年第8期", "关于2021年8月份招商引资工作情况的通报",
                                  f"（{name}本组摘要）", f"{name}："]
        for expected in PARAGRAPHS[code]:
            assert expected in paragraphs, (code, expected)
        tables = [cells(t) for t in document.tables]
        assert tables[0] == [["指标", "本月", "上月", "1—8月累计"], *FIGURES[code]]
        assert tables[1] == [["报送内容", "报告期", "报送情况", "截止时间", "报送时间"], *SUBMISSIONS[code]]
        assert [t[1:] for t in tables[2:]] == PROJECT_TABLES[code]
        text = all_text(path)
        others = [n for c, n in GROUPS.items() if c != code]
        assert not [n for n in others if n in text], code  # none of another group's names
        assert "{{" not in text and "{%" not in text

    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(settings.outbox.glob("*.eml"))]
    excerpts = {m["Subject"]: m for m in mails if m["Subject"].startswith("【本组通报摘要】")}
    assert sorted(excerpts) == sorted(f"【本组通报摘要】2021年第8期招商引资工作通报（{n}）" for n in GROUPS.values())
    # besides the ingest's 【退回】 mails: the leaders' bulletin and the three excerpts, the second run sent none again
    assert len([m for m in mails if not m["Subject"].startswith("【退回】")]) == 4
    for code, name in GROUPS.items():
        mail = excerpts[f"【本组通报摘要】2021年第8期招商引资工作通报（{name}）"]
        assert str(mail["To"]) == SECRETARIES[code]
        assert str(mail["Cc"]) == OFFICE
        attachments = list(mail.iter_attachments())
        assert [a.get_filename() for a in attachments] == [f"2021年第8期{name}本组通报摘要.docx"]
        attached = io.BytesIO(attachments[0].get_content())  # the excerpt as written (re-rendered alike by the re-run)
        assert all_text(attached) == all_text(folder / f"2021年第8期{name}本组通报摘要.docx")
        body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF, as on the wire
        salutation = SECRETARIES[code].split(" ")[0]
        assert body.startswith(f"{salutation}同志：\n\n现将《2021年第8期招商引资工作通报》中涉及{name}的情况摘要发给你")
        assert body.rstrip().endswith("兴安盟经济技术开发区投资促进局\n\n2021年9月8日")
        assert not [n for c, n in GROUPS.items() if c != code and n in body], code
