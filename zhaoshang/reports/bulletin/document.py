"""The monthly bulletin (招商引资工作通报) at the I/O edge.

read_bulletin_data  – run the named queries below (marts, dims, current contacts) for one month
bulletin_content    – turn their rows into the template's context, the mail summary and the trace
render_bulletin     – draw the charts, render templates/bulletin.docx, write the trace workbook

Every figure printed in the bulletin is listed in the companion workbook
`…_数据来源.xlsx`: where it appears, its value as printed, how it was computed, the SQL
query and the numbers (行号) of the query rows it came from; each query's rows are a
sheet of that workbook. The figures themselves come from figures.py beside this module.

Later sections (key projects, open problems from the weekly reports) plug in through
`sections`: each a mapping {"title", "paragraphs", optional "table": {"caption",
"header", "rows"}, optional "trace": [trace rows]}; the template renders a section only
when it is given, numbered after the fixed ones, so no placeholder ever reaches a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from transforms.status_words import STATUS_WORDS
from zhaoshang.reports.bulletin import figures as b
from zhaoshang.reports.bulletin.figures import QUERIES, BulletinData, read_bulletin_data  # noqa: F401 (re-exported)
from zhaoshang.reports.bulletin.mail import mail_summary
from zhaoshang.reports.common import (  # noqa: F401 (re-exported)
    MissingChineseFont,
    chinese_font,
    finish_report,
    replace_atomically,
    start_source_workbook,
    typed_frame,
    visible_context,
)
from zhaoshang.settings import PROJECT_DIR, Settings

TEMPLATE = PROJECT_DIR / "templates" / "bulletin.docx"
CHART_WIDTH_MM = 140
TRACE_COLUMNS = ["序号", "位置", "指标", "通报中的数值", "计算方法", "查询", "来源行（行号）", "SQL"]
STATUS_ZH = STATUS_WORDS  # the four words of DESIGN §5 (transforms/status_words.py)
SIGNED_HEADER = ["项目名称", "签约企业", "协议类型", "协议投资额（万元）", "签约日期", "工作组", "包联人"]

@dataclass
class BulletinFiles:
    """What one rendering wrote, and the short summary for the mail body."""

    docx: Path
    trace: Path
    charts: list[Path]
    summary: list[str]
    headline: list[str] = field(default_factory=list)


# ── the trace of every figure ──

@dataclass
class Trace:
    """Collects one row per printed figure: where, what, value, method, and which query rows it came from."""

    rows: list[dict] = field(default_factory=list)

    def add(self, place: str, label: str, value: str, method: str, **sources: pd.Series | Sequence[bool]) -> None:
        """Record a figure; `sources` maps a query name to a boolean mask over its rows."""
        used = {name: [i + 1 for i, hit in enumerate(list(mask)) if hit] for name, mask in sources.items()}
        self.rows.append({
            "序号": len(self.rows) + 1, "位置": place, "指标": label, "通报中的数值": value, "计算方法": method,
            "查询": "\n".join(used),
            "来源行（行号）": "\n".join(f"{n}: {', '.join(map(str, rows)) or '（无，按0计）'}" for n, rows in used.items()),
            "SQL": "\n\n".join(QUERIES[n] for n in used),
        })


# ── building the content ──

@dataclass
class MonthRows:
    """The rows and selections every section of one bulletin shares."""

    month: str
    frames: Mapping[str, pd.DataFrame]
    groups: pd.DataFrame  # dim_group in configuration order
    has_prev: bool  # is the month before within the reporting period (else no 环比)

    @property
    def gm(self) -> pd.DataFrame:
        return self.frames["mart_group_month"]

    def months(self, *months: str) -> pd.Series:
        """Mask over mart_group_month rows of the given months."""
        return self.gm["month"].isin(months)

    def year(self) -> pd.Series:
        """Mask over mart_group_month rows from January to the bulletin's month."""
        return self.months(*b.year_months(self.month))

    def all(self, name: str) -> list[bool]:
        """Mask selecting every row of a query."""
        return [True] * len(self.frames[name])

    def status_words(self) -> dict[str, str]:
        """group_code → the word for its report of this month (按时报送 … 未报送); groups with nothing due absent."""
        return {code: STATUS_WORDS[status] for code, status in b.month_statuses(self.frames["mart_submission"], self.month).items()}

    def gaps(self) -> pd.DataFrame:
        """The year's group-months still without an accepted report (missing or rejected)."""
        return b.report_gaps(self.frames["mart_submission"], self.month, self.groups)


def ordered_groups(groups: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """dim_group rows in the configuration's order (unknown codes last, alphabetically)."""
    order = {g.code: i for i, g in enumerate(settings.groups)}
    rank = groups["group_code"].map(lambda c: order.get(c, len(order)))
    return groups.assign(_rank=rank).sort_values(["_rank", "group_code"]).drop(columns="_rank").reset_index(drop=True)


def _cell(value: float, decimals: int = 0, reported: bool = True) -> str:
    """A table cell: the number as printed, or "—" for a group that did not report."""
    return b.number_text(value, decimals) if reported else b.NO_DATA


def _subject(lead: str) -> str:
    """"本月共对接企业" → "对接企业" (the figure's name without its lead-in)."""
    return lead.removeprefix("本月共").removeprefix("其中")


def overview_section(m: MonthRows, trace: Trace) -> list[str]:
    """一、总体情况: the month's headline with 环比, then the year to date."""
    prev = b.previous_month(m.month)
    now = b.totals_of(b.month_totals(m.gm, [m.month]), m.month)
    before = b.totals_of(b.month_totals(m.gm, [prev]), prev) if m.has_prev else None
    ytd, budget = b.ytd_totals(m.gm, m.month), float(m.groups["budget_yuan"].sum())
    clauses = b.headline_clauses(now, before)
    for (measure, lead, unit, places), clause in zip(b.HEADLINE, clauses):
        trace.add("一、总体情况", f"本月{_subject(lead)}（{unit}）", b.number_text(now[measure], places),
                  f"mart_group_month.{measure} 本月各组之和", mart_group_month=m.months(m.month))
        if before is not None:
            trace.add("一、总体情况", f"{_subject(lead)}环比", b.change_phrase(now[measure], before[measure], unit, places),
                      f"与上月（{prev}）mart_group_month.{measure} 各组之和比较", mart_group_month=m.months(m.month, prev))
        trace.add("一、总体情况", f"{b.ytd_label(m.month)}累计{_subject(lead)}（{unit}）", b.number_text(ytd[measure], places),
                  f"mart_group_month.{measure} {b.ytd_label(m.month)}各组之和", mart_group_month=m.year())
    if budget:
        trace.add("一、总体情况", "累计支出占年度预算", b.percent_text(ytd["expense_yuan"], budget),
                  "累计支出 ÷ dim_group.budget_yuan 之和", mart_group_month=m.year(), dim_group=m.all("dim_group"))
    return ["；".join(clauses) + "。", b.ytd_sentence(m.month, ytd, budget)]


GROUP_FIELDS = [("contacts", "对接企业（家次）", "contacts", 0), ("enterprises", "对接企业（家）", "enterprises", 0),
                ("key_contacts", "其中重点企业（家次）", "key_enterprise_contacts", 0),
                ("signings", "签约项目（个）", "signings", 0), ("investment", "协议投资额（万元）", "signed_investment_wan", 4)]


def group_table(m: MonthRows, rows: pd.DataFrame, trace: Trace) -> tuple[list[dict], dict, list[str]]:
    """表1: one row per group, the 合计 row, and the notes under the table."""
    table = []
    for row in rows.to_dict("records"):
        ok, mask = row["reported"], m.months(m.month) & (m.gm["group_code"] == row["group_code"])
        cells = {"name": row["name"], **{key: _cell(row[col], places, ok) for key, _, col, places in GROUP_FIELDS}}
        table.append(cells)
        for key, label, column, _ in GROUP_FIELDS:
            trace.add("表1及“各工作组工作情况”", f"{row['name']} {label}", cells[key],
                      f"mart_group_month.{column}" if ok else "本月无该组现行月报（未报送），以“—”表示", mart_group_month=mask)
    contacts = m.frames["fact_contact"]
    distinct = b.distinct_enterprises(contacts, m.month)
    total = {key: b.number_text(rows.loc[rows["reported"], col].sum(), places) for key, _, col, places in GROUP_FIELDS}
    total["enterprises"] = b.number_text(distinct)
    for key, label, column, _ in GROUP_FIELDS:
        if key == "enterprises":
            trace.add("表1", f"合计 {label}", total[key], "本月各组对接记录的企业名称去重计数", fact_contact=m.all("fact_contact"))
        else:
            trace.add("表1", f"合计 {label}", total[key], f"mart_group_month.{column} 本月之和", mart_group_month=m.months(m.month))
    notes = []
    words = m.status_words()
    absent = rows.loc[~rows["reported"]]
    for word in dict.fromkeys(words.get(code, "未报送") for code in absent["group_code"]):
        names = [r.name for r in absent.itertuples() if words.get(r.group_code, "未报送") == word]
        notes.append(f"注：{'、'.join(names)}{int(m.month[5:])}月份月报{word}，表中以“—”表示。")
    if distinct != int(rows.loc[rows["reported"], "enterprises"].sum()):
        notes.append("注：合计栏“对接企业（家）”为全区去重数，同一企业由多个组对接的只计一次。")
    return table, total, notes


def reach_table(m: MonthRows, rows: pd.DataFrame, regions: Sequence[str], trace: Trace) -> tuple[list[dict], dict, dict]:
    """表2: per group, which key enterprises and which key regions its contacts reached."""
    contacts, patterns = m.frames["fact_contact"], m.frames["dim_key_enterprise"]
    keys = b.key_enterprises_reached(contacts, patterns)
    key_names = b.names_by_group(keys, "key_enterprise")
    region_names = b.names_by_group(b.key_regions_covered(contacts, regions), "region")
    table = []
    for row in rows.to_dict("records"):
        code, ok = row["group_code"], row["reported"]
        cells = {"name": row["name"], "key_enterprises": key_names.get(code, "无") if ok else b.NO_DATA,
                 "regions": region_names.get(code, "无") if ok else b.NO_DATA}
        table.append(cells)
        own = contacts["group_code"] == code
        matched = patterns["enterprise"].isin(keys.loc[keys["group_code"] == code, "key_enterprise"])
        hit = own & contacts["enterprise"].map(lambda e: any(p in e for p in patterns.loc[matched, "pattern"]))  # noqa: B023 — map() runs inside this iteration
        trace.add("表2及“各工作组工作情况”", f"{row['name']} 对接的重点企业", cells["key_enterprises"],
                  "企业名称包含 dim_key_enterprise.pattern 的对接记录，取其 enterprise（按首次对接顺序）",
                  fact_contact=hit, dim_key_enterprise=matched)
        trace.add("表2及“各工作组工作情况”", f"{row['name']} 覆盖的重点区域", cells["regions"],
                  f"对接记录的所在地区属于配置的重点区域（{'、'.join(regions)}）",
                  fact_contact=own & contacts["region"].isin(list(regions)))
    return table, key_names, region_names


def budget_table(m: MonthRows, rows: pd.DataFrame, trace: Trace) -> tuple[list[dict], dict, str]:
    """表3 and its paragraph: spending this month and so far against each group's yearly budget."""
    money = b.budget_rows(m.gm, m.groups, m.month)
    reported = dict(zip(rows["group_code"], rows["reported"]))
    table = []
    for r in money.to_dict("records"):
        cells = {"name": r["name"], "month_yuan": _cell(r["month_yuan"], 2, reported[r["group_code"]]),
                 "ytd_yuan": b.number_text(r["ytd_yuan"], 2), "budget_yuan": b.number_text(r["budget_yuan"], 2),
                 "used": b.percent_text(r["ytd_yuan"], r["budget_yuan"]), "pace": r["pace"]}
        table.append(cells)
        own, dim = m.gm["group_code"] == r["group_code"], m.frames["dim_group"]["group_code"] == r["group_code"]
        _trace_budget_row(trace, f"{r['name']} ", cells, m, own, dim)
    spent, ytd, budget = (float(money[c].sum()) for c in ("month_yuan", "ytd_yuan", "budget_yuan"))
    total = {"month_yuan": b.number_text(spent, 2), "ytd_yuan": b.number_text(ytd, 2), "budget_yuan": b.number_text(budget, 2),
             "used": b.percent_text(ytd, budget), "pace": b.pace_verdict(b.share(ytd, budget), b.elapsed_share(m.month))}
    _trace_budget_row(trace, "合计 ", total, m, pd.Series(True, index=m.gm.index), m.all("dim_group"))
    return table, total, b.pace_sentence(m.month, ytd, budget, money)


def _trace_budget_row(trace: Trace, who: str, cells: Mapping[str, str], m: MonthRows, own, dim) -> None:
    """Trace rows for one row of 表3 (`own` selects the group's mart rows, `dim` its dim_group row)."""
    elapsed = b.percent_text(b.issue_number(m.month), 12)
    trace.add("表3", f"{who}本月支出（元）", cells["month_yuan"], "mart_group_month.expense_yuan 本月",
              mart_group_month=m.months(m.month) & own)
    trace.add("表3及“招商经费使用情况”", f"{who}累计支出（元）", cells["ytd_yuan"],
              f"mart_group_month.expense_yuan {b.ytd_label(m.month)}之和", mart_group_month=m.year() & own)
    trace.add("表3及“招商经费使用情况”", f"{who}年度预算（元）", cells["budget_yuan"], "dim_group.budget_yuan", dim_group=dim)
    trace.add("表3及“招商经费使用情况”", f"{who}预算使用率", cells["used"], "累计支出 ÷ 年度预算",
              mart_group_month=m.year() & own, dim_group=dim)
    trace.add("表3及“招商经费使用情况”", f"{who}对照序时进度", cells["pace"],
              f"预算使用率与序时进度 {elapsed} 比较，相差不超过2个百分点为持平", mart_group_month=m.year() & own, dim_group=dim)


def submission_section(m: MonthRows, trace: Trace) -> tuple[str, list[dict]]:
    """月报报送情况: the paragraph and the rows of late or missing reports."""
    subs = m.frames["mart_submission"]
    issues = b.submission_issues(subs, m.month, m.groups)
    counts = b.submission_counts(subs, m.month)
    rows = []
    for r in issues.to_dict("records"):
        arrived = r["received_at"] if pd.notna(r["received_at"]) else r.get("rejected_at")
        rows.append({"name": r["name"], "period": b.month_label(r["period"]), "status": STATUS_ZH[r["status"]],
                     "due": b.date_label(r["due_at"]),
                     "received": b.date_label(arrived) if pd.notna(arrived) else b.NO_DATA})
        row = (subs["subject"] == r["subject"]) & (subs["period"] == r["period"])
        for key, label, column in (("period", "报告月份", "period"), ("status", "报送情况", "status"),
                                   ("due", "截止时间", "due_at"),
                                   ("received", "报送时间", "rejected_at（首个被退回版本）" if r["status"] == "rejected"
                                    else "received_at（首个被接收版本）")):
            trace.add("表（月报未按时报送情况）", f"{r['name']} {r['period']} 月报 {label}", rows[-1][key],
                      f"mart_submission.{column}", mart_submission=row)
    this_month = subs["period"] == m.month
    for key, label in (("due", "应报送"), *STATUS_WORDS.items()):
        trace.add("月报报送情况", f"本月月报{label}（份）", str(counts[key]),
                  "mart_submission 本月行数" if key == "due" else f"mart_submission.status = '{key}' 的行数",
                  mart_submission=this_month if key == "due" else this_month & (subs["status"] == key))
    return b.submission_sentence(m.month, counts, issues), rows


def signed_table(m: MonthRows, trace: Trace) -> list[dict]:
    """The month's signed projects, one row each: 项目名称 … 包联人 (from the signing sheet, else the library)."""
    signings, snapshots = m.frames["fact_signing"], m.frames["project_snapshot"]
    rows = b.signed_projects(signings, snapshots, m.groups)
    table = []
    for r in rows.to_dict("records"):
        cells = {"project": r["project_name"], "enterprise": r["enterprise"], "agreement": r["agreement"],
                 "investment": b.number_text(r["investment_wan"], 4), "date": b.short_date(r["signed_on"]),
                 "group": r["group_name"], "cadre": r["cadre"] or b.NO_DATA}
        table.append(cells)
        own = ((signings["file_id"] == r["file_id"]) & (signings["sheet_row"] == r["sheet_row"]))
        for key, label, column in (("project", "项目名称", "project_name"), ("enterprise", "签约企业", "enterprise"),
                                   ("agreement", "协议类型", "agreement"), ("investment", "协议投资额（万元）", "investment_wan"),
                                   ("date", "签约日期", "signed_on"), ("group", "工作组", "group_code → dim_group.name")):
            trace.add("本月签约项目表", f"{r['project_name']} {label}", cells[key], f"fact_signing.{column}（本月现行月报）",
                      fact_signing=own)
        if r["from_library"]:
            lib = (snapshots["project_name"] == r["project_name"]) & (snapshots["group_code"] == r["group_code"])
            trace.add("本月签约项目表", f"{r['project_name']} 包联人", cells["cadre"],
                      "签约项目表未填包联人，取项目库同名项目最新快照的 cadre", fact_signing=own, project_snapshot=lib)
        else:
            trace.add("本月签约项目表", f"{r['project_name']} 包联人", cells["cadre"],
                      "fact_signing.liaison（签约项目表的包联人）；未填且项目库无同名项目时为“—”", fact_signing=own)
    return table


def gap_notes(m: MonthRows, trace: Trace) -> dict[str, str]:
    """The notes under 图1, 图2, the year-to-date totals and 表（经费）when a month lacks a group's report."""
    gaps = m.gaps()
    subs = m.frames["mart_submission"]
    mask = subs["period"].isin(gaps["period"]) & subs["subject"].isin(gaps["subject"])  # the query reads 月报 only
    notes = {"trend": b.gap_note(gaps, "图中相应月份"), "investment": b.gap_note(gaps, f"图中{b.ytd_label(m.month)}累计"),
             "ytd": b.gap_note(gaps, "以上累计数"), "budget": b.gap_note(gaps, "表中累计支出")}
    if not gaps.empty:
        trace.add("图1、图2、累计数及表注", "缺报月份", b.gap_items(gaps),
                  "mart_submission 本年至本月 status 为 rejected 或 missing 的月报", mart_submission=mask)
    return notes


def _names(items: Sequence[str]) -> str:
    return "、".join(items)


def issue_lines(m: MonthRows, rows: pd.DataFrame, money: pd.DataFrame, settings: Settings,
                trace: Trace) -> tuple[list[str], list[str]]:
    """存在问题 (each sentence only when the data make it true) and the 要求 lines of 下步工作 they call for."""
    problems, asks = [], []
    month_no, elapsed = int(m.month[5:7]), b.percent_text(b.issue_number(m.month), 12)
    behind = money.loc[money["pace"] == "低于序时进度"]
    if len(behind):
        used = "、".join(b.percent_text(r.ytd_yuan, r.budget_yuan) for r in behind.itertuples())
        problems.append(f"招商经费执行低于序时进度。截至{month_no}月底序时进度为{elapsed}，"
                        f"{_names(behind['name'])}预算使用率{'分别' if len(behind) > 1 else ''}为{used}，低于序时进度。")
        asks.append(f"{_names(behind['name'])}要按照年度招商工作安排，加大外出招商和上门对接力度，按序时进度使用招商经费。")
        trace.add("存在问题", "经费执行低于序时进度的组", _names(behind["name"]), "表3“对照序时进度”为“低于序时进度”的组",
                  mart_group_month=m.year(), dim_group=m.all("dim_group"))
    targets = {g.code: g.contacts_target for g in settings.groups if g.contacts_target}
    ytd_contacts = m.gm.loc[m.year()].groupby("group_code")["contacts"].sum()
    slow = [(r.name, int(ytd_contacts.get(r.group_code, 0)), targets[r.group_code]) for r in m.groups.itertuples()
            if r.group_code in targets and b.pace_verdict(b.share(int(ytd_contacts.get(r.group_code, 0)), targets[r.group_code]),
                                                          b.elapsed_share(m.month)) == "低于序时进度"]
    if slow:
        detail = "；".join(f"{n}累计对接企业{c}家次，完成年度目标{t}家次的{b.percent_text(c, t)}" for n, c, t in slow)
        problems.append(f"对接企业进度低于序时进度。{b.ytd_label(m.month)}，{detail}，低于序时进度{elapsed}。")
        asks.append(f"{_names([n for n, _, _ in slow])}要加密对接频次，确保完成年度对接企业目标。")
        trace.add("存在问题", "对接企业低于序时进度的组", _names([n for n, _, _ in slow]),
                  f"本年累计 mart_group_month.contacts ÷ 配置的年度对接目标，低于序时进度{elapsed}超过2个百分点",
                  mart_group_month=m.year())
    configured = {g.code: g.key_enterprises for g in settings.groups if g.code in set(m.groups["group_code"])}
    missed = b.key_enterprises_missed(m.frames["key_contacts_year"], m.frames["dim_key_enterprise"], configured)
    if missed:
        names = dict(zip(m.groups["group_code"], m.groups["name"]))
        detail = "；".join(f"{names[c]}尚未对接{_names(k)}" for c, k in missed.items())
        problems.append(f"重点企业对接不够全面。{b.ytd_label(m.month)}，{detail}。")
        asks.append(f"{_names([names[c] for c in missed])}要主动与尚未对接的重点企业联系，争取上门拜访或来访洽谈。")
        trace.add("存在问题", "尚未对接的重点企业", detail,
                  "配置的各组重点企业中，本年该组对接记录的企业名称均不含其名称或别名的",
                  key_contacts_year=m.all("key_contacts_year"), dim_key_enterprise=m.all("dim_key_enterprise"))
    issues = b.submission_issues(m.frames["mart_submission"], m.month, m.groups)
    clauses = []
    for status in ("late", "rejected", "missing"):
        now = issues.loc[issues["current"] & (issues["status"] == status), "name"].tolist()
        if now:
            clauses.append(f"{month_no}月份月报{STATUS_WORDS[status]}的有{_names(now)}")
    for status in ("rejected", "missing"):
        before = issues.loc[~issues["current"] & (issues["status"] == status)]
        if len(before):
            items = _names([f"{r.name}{int(r.period[5:7])}月份" for r in before.itertuples()])
            clauses.append(f"此前月份月报{STATUS_WORDS[status]}的有{items}")
    if clauses:
        problems.append(f"月报报送不够及时。{'；'.join(clauses)}。")
        trace.add("存在问题", "月报报送问题", "；".join(clauses), "mart_submission 本月及此前 status 非 on_time 的月报",
                  mart_submission=m.frames["mart_submission"]["period"].isin(issues["period"])
                  & m.frames["mart_submission"]["subject"].isin(issues["subject"]))
    for status, ask in (("rejected", "请{name}对照错误说明更正{months}月报，尽快重新报送。"),
                        ("missing", "请{name}抓紧补报{months}月报。")):
        open_ = issues.loc[issues["status"] == status]
        for name in dict.fromkeys(open_["name"]):
            months = "、".join(f"{int(p[5:7])}月份" for p in sorted(open_.loc[open_["name"] == name, "period"]))
            asks.append(ask.format(name=name, months=months))
    return problems, asks


def extra_sections(sections: Sequence[Mapping], trace: Trace, first_table: int) -> tuple[list[dict], int]:
    """Sections added by later issues, their tables numbered from `first_table`; returns them and the next number."""
    out, table_no = [], first_table
    for section in sections:
        item = {"title": section["title"], "paragraphs": list(section.get("paragraphs", ()))}
        if section.get("table"):
            table = section["table"]
            item["table"] = {"caption": f"表{table_no}  {table['caption']}", "header": list(table["header"]),
                             "rows": [list(r) for r in table["rows"]]}
            table_no += 1
        for row in section.get("trace", ()):
            trace.rows.append({**row, "序号": len(trace.rows) + 1})
        out.append(item)
    return out, table_no


def chart_series(m: MonthRows, trace: Trace) -> tuple[dict, dict]:
    """The numbers the two charts plot (each traced like a table cell)."""
    trend = b.month_totals(m.gm, b.year_months(m.month))
    for r in trend.to_dict("records"):
        for column, label in (("contacts", "对接企业（家次）"), ("signings", "签约项目（个）")):
            trace.add("图1", f"{int(r['month'][5:])}月 {label}", b.number_text(r[column]),
                      f"mart_group_month.{column} 各组之和", mart_group_month=m.months(r["month"]))
    bars = []
    for g in m.groups.to_dict("records"):
        own = m.gm["group_code"] == g["group_code"]
        bar = {"name": g["name"], "month": float(m.gm.loc[own & m.months(m.month), "signed_investment_wan"].sum()),
               "ytd": float(m.gm.loc[own & m.year(), "signed_investment_wan"].sum())}
        bars.append(bar)
        trace.add("图2", f"{g['name']} 本月协议投资额（万元）", b.number_text(bar["month"], 4),
                  "mart_group_month.signed_investment_wan 本月", mart_group_month=own & m.months(m.month))
        trace.add("图2", f"{g['name']} {b.ytd_label(m.month)}累计协议投资额（万元）", b.number_text(bar["ytd"], 4),
                  "mart_group_month.signed_investment_wan 累计之和", mart_group_month=own & m.year())
    return ({"months": [f"{int(x[5:])}月" for x in trend["month"]], "contacts": trend["contacts"].tolist(),
             "signings": trend["signings"].tolist()}, {"bars": bars, "ytd_label": b.ytd_label(m.month)})


def bulletin_content(data: BulletinData, settings: Settings,
                     sections: Sequence[Mapping] = ()) -> tuple[dict, list[str], tuple[dict, dict], Trace]:
    """The template context (without the chart images), the mail summary, the chart series and the trace."""
    month, trace = data.month, Trace()
    m = MonthRows(month, data.frames, ordered_groups(data.frames["dim_group"], settings),
                  b.previous_month(month) >= settings.zone.reporting_start)
    rows = b.group_month_rows(m.gm, m.groups, month)
    note = b.preliminary_note(month, b.submission_counts(data.frames["mart_submission"], month), settings.today())
    overview = ([note] if note else []) + overview_section(m, trace)
    signed_rows = signed_table(m, trace)
    first = 2 if signed_rows else 1
    tables = {"signed": 1, "groups": first, "reach": first + 1, "budget": first + 2}
    group_rows, group_total, notes = group_table(m, rows, trace)
    reach_rows, key_names, region_names = reach_table(m, rows, settings.zone.key_regions, trace)
    budget_rows, budget_total, budget_paragraph = budget_table(m, rows, trace)
    submission_paragraph, submission_rows = submission_section(m, trace)
    extra, next_table = extra_sections(sections, trace, first_table=first + 3)
    problems, asks = issue_lines(m, rows, b.budget_rows(m.gm, m.groups, month), settings, trace)
    for section in sections:
        problems += list(section.get("problems", ()))
        asks += list(section.get("requirements", ()))
    numbers = b.section_numbers(["overview", "groups", "budget", *[f"s{i}" for i in range(len(extra))], "submissions",
                                 "problems", "next"])
    for i, item in enumerate(extra):
        item["number"] = numbers[f"s{i}"]
    series = chart_series(m, trace)
    words = m.status_words()
    context = {
        "committee": settings.zone.committee, "office_full": f"{settings.zone.name}{settings.zone.office}",
        "issue_label": b.issue_label(month), "month_label": b.month_label(month), "ytd_label": b.ytd_label(month),
        "issue_date": b.date_label(settings.today()), "year": month[:4], "no": numbers, "t": tables,
        "overview": overview, "gap": gap_notes(m, trace), "signed_rows": signed_rows,
        "elapsed_text": b.percent_text(b.issue_number(month), 12),
        "group_paragraphs": [b.group_sentence(r, month, key_names.get(r["group_code"], ""), region_names.get(r["group_code"], ""),
                                              words.get(r["group_code"], STATUS_WORDS["missing"]))
                             for r in rows.to_dict("records")],
        "group_rows": group_rows, "group_total": group_total, "group_notes": notes, "reach_rows": reach_rows,
        "budget_paragraph": budget_paragraph, "budget_rows": budget_rows, "budget_total": budget_total,
        "sections": extra, "submission_paragraph": submission_paragraph, "submission_rows": submission_rows,
        "submission_table_no": next_table,
        "problems": [f"（{b.NUMERALS[i] if i < 10 else i + 1}）{text}" for i, text in enumerate(problems)]
        or ["经梳理，本月未发现需要通报的问题。"],
        "requirements": [f"{i}．{text}" for i, text in enumerate(asks, start=1)],
    }
    return context, mail_summary(month, overview, budget_paragraph, submission_paragraph), series, trace


# ── charts ──

def _wrap(name: str, longest: int = 6) -> str:
    """A group name for an axis label: longer than `longest` characters, broken into two even lines."""
    if len(name) <= longest:
        return name
    half = (len(name) + 1) // 2
    return f"{name[:half]}\n{name[half:]}"


def draw_trend_chart(series: Mapping, path: Path, font: str) -> Path:
    """Line chart: contacts (left axis) and signings (right axis) per month of the year so far."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": [font], "axes.unicode_minus": False, "font.size": 10}):
        fig = Figure(figsize=(6.4, 2.45), dpi=200, layout="constrained")
        ax = fig.add_subplot()
        x = range(len(series["months"]))
        ax.plot(x, series["contacts"], marker="o", color="#C00000", label="对接企业（家次）")
        right = ax.twinx()
        right.plot(x, series["signings"], marker="s", color="#1F4E79", linestyle="--", label="签约项目（个）")
        for xi, v in zip(x, series["contacts"]):
            ax.annotate(str(v), (xi, v), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8, color="#C00000")
        ax.set_xticks(list(x), series["months"])
        ax.set_ylabel("对接企业（家次）")
        right.set_ylabel("签约项目（个）")
        ax.set_ylim(0, max([*series["contacts"], 1]) * 1.25)
        right.set_ylim(0, max([*series["signings"], 1]) * 1.6)
        right.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", alpha=0.3)
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False, ncols=2)
        fig.savefig(path, format="png", metadata={"Software": None})
    return path


def draw_investment_chart(series: Mapping, path: Path, font: str) -> Path:
    """Bar chart: signed investment (万元) by group, this month beside the year so far."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": [font], "axes.unicode_minus": False, "font.size": 10}):
        fig = Figure(figsize=(6.4, 2.45), dpi=200, layout="constrained")
        ax = fig.add_subplot()
        bars = series["bars"]
        x = list(range(len(bars)))
        width = 0.36
        for offset, key, label, color in ((-width / 2, "month", "本月", "#C00000"),
                                          (width / 2, "ytd", f"{series['ytd_label']}累计", "#1F4E79")):
            values = [bar[key] for bar in bars]
            drawn = ax.bar([xi + offset for xi in x], values, width, label=label, color=color)
            ax.bar_label(drawn, labels=[b.number_text(v, 4) for v in values], fontsize=8, padding=2)
        ax.set_xticks(x, [_wrap(bar["name"]) for bar in bars])
        ax.set_ylabel("协议投资额（万元）")
        ax.set_ylim(0, max([bar["ytd"] for bar in bars] + [1]) * 1.3)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", frameon=False, ncols=2)
        fig.savefig(path, format="png", metadata={"Software": None})
    return path


# ── writing ──

def bulletin_paths(settings: Settings, month: str) -> tuple[Path, Path, Path]:
    """The .docx, its trace workbook, and the charts folder under reports/通报/."""
    folder = settings.reports / "通报"
    name = f"{b.issue_label(month)}招商引资工作通报"
    return folder / f"{name}.docx", folder / f"{name}_数据来源.xlsx", folder / "图表"


def trace_sheets(data: BulletinData, trace: Trace) -> dict[str, pd.DataFrame]:
    """The companion workbook's sheets: 数据来源 (one row per printed figure), 查询语句, and one sheet of rows per query."""
    params = "，".join(f":{k} = {v}" for k, v in data.params.items())
    sheets = {"数据来源": pd.DataFrame(trace.rows, columns=TRACE_COLUMNS),
              "查询语句": pd.DataFrame([(n, sql, params) for n, sql in QUERIES.items()], columns=["查询", "SQL", "参数"])}
    for name, frame in data.frames.items():
        sheets[name[:31]] = pd.concat([pd.DataFrame({"行号": range(1, len(frame) + 1)}), frame.reset_index(drop=True)], axis=1)
    return sheets


def render_bulletin(settings: Settings, data: BulletinData, sections: Sequence[Mapping] = ()) -> BulletinFiles:
    """Charts → .docx from templates/bulletin.docx (autoescaped) → trace workbook; returns the paths and mail summary."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    docx_path, trace_path, chart_dir = bulletin_paths(settings, data.month)
    chart_dir.mkdir(parents=True, exist_ok=True)
    context, summary, series, trace = bulletin_content(data, settings, sections)
    font = chinese_font()
    label = b.issue_label(data.month)
    with start_source_workbook(trace_path, trace_sheets(data, trace)) as sources:  # a child interpreter writes it meanwhile
        trend = draw_trend_chart(series[0], chart_dir / f"{label}_图1_各月对接企业和签约项目.png", font)
        bars = draw_investment_chart(series[1], chart_dir / f"{label}_图2_各工作组签约项目协议投资额.png", font)
        template = DocxTemplate(TEMPLATE)
        context = {**context, "trend_chart": InlineImage(template, str(trend), width=Mm(CHART_WIDTH_MM)),
                   "investment_chart": InlineImage(template, str(bars), width=Mm(CHART_WIDTH_MM))}
        template.render(visible_context(context), autoescape=True)
        finish_report(settings, template, docx_path)  # fallback faces, layout, the file and its PDF
        sources.finish()
    return BulletinFiles(docx_path, trace_path, [trend, bars], summary, context["overview"])
