"""The monthly bulletin's figures and sentences (招商引资工作通报, DESIGN §5).

Pure: DataFrames and values in, DataFrames and values out. The inputs are mart rows:
- `group_month`: mart_group_month (one row per group and month that has a current report);
- `groups`: dim_group rows in display order (group_code, name, budget_yuan);
- `contacts`: current contact rows (group_code, month, enterprise, region), one per 对接企业 row;
- `patterns`: dim_key_enterprise (pattern, enterprise) — the key-enterprise name or alias matched;
- `submissions`: mart_submission rows of kind 月报 (subject = group code, period = YYYY-MM).

Numbers are printed as officials write them: no thousands separator, trailing zeros dropped,
percentages to one decimal, rounded half up (27.78 → 27.8%).

序时进度 (time-elapsed pace of budget use): after month N the elapsed share of the year is
N/12; a share of the yearly budget used within ±2 percentage points of it (inclusive) is
"与序时进度持平", more is "超序时进度", less is "低于序时进度".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from sqlalchemy import Engine, text

from transforms.status_words import STATUS_WORDS
from zhaoshang.reports.common import typed_frame
from zhaoshang.reports.printed import NO_DATA, date_label, number_text, percent_text, share  # noqa: F401 (the bulletin's words)

# The measures summed over groups for the zone's totals (mart_group_month columns).
TOTAL_MEASURES = ["contacts", "key_enterprise_contacts", "signings", "signed_investment_wan", "expense_yuan"]
PACE_TOLERANCE = Decimal("0.02")  # ±2 percentage points of the elapsed share count as on pace
NUMERALS = "一二三四五六七八九十"
OPEN_STATUSES = ["rejected", "missing"]  # a due report with no accepted version yet

# (measure, lead-in, unit, decimals) of the month-on-month headline, in reading order
HEADLINE = [
    ("contacts", "本月共对接企业", "家次", 0),
    ("key_enterprise_contacts", "其中对接重点企业", "家次", 0),
    ("signings", "签约项目", "个", 0),
    ("signed_investment_wan", "协议投资额", "万元", 4),
    ("expense_yuan", "支出招商经费", "元", 2),
]


# ── periods ──

def issue_number(month: str) -> int:
    """第N期: a bulletin's number within its year is its month number (2021-08 → 8)."""
    return int(month[5:7])


def issue_label(month: str) -> str:
    """The issue line, e.g. "2021年第8期"."""
    return f"{month[:4]}年第{issue_number(month)}期"


def month_label(month: str) -> str:
    """"2021-08" → "2021年8月"."""
    return f"{month[:4]}年{int(month[5:7])}月"


def ytd_label(month: str) -> str:
    """The year-to-date span as officials write it: "1—8月" (an em dash), or "1月" in January."""
    return "1月" if issue_number(month) == 1 else f"1—{issue_number(month)}月"


def previous_month(month: str) -> str:
    """The month before "YYYY-MM"."""
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


def year_months(month: str) -> list[str]:
    """January to `month` of its year, "YYYY-MM" each."""
    return [f"{month[:4]}-{m:02d}" for m in range(1, issue_number(month) + 1)]


def section_numbers(names: Sequence[str]) -> dict[str, str]:
    """Chinese ordinal of each section in order: {"overview": "一", "groups": "二", …}."""
    return {name: NUMERALS[i] if i < 10 else f"十{NUMERALS[i - 10]}" for i, name in enumerate(names)}


# ── month on month and year to date ──

def change_phrase(current: float, previous: float | None, unit: str, decimals: int = 0) -> str:
    """环比 as officials write it: "环比增加5家次、增长27.8%", "环比减少…、下降…%", "与上月持平", "…（上月为0）"."""
    if previous is None:
        return ""
    now, before = (Decimal(number_text(v, decimals)) for v in (current, previous))
    if now == before:
        return "与上月持平"
    amount, rate = ("增加", "增长") if now > before else ("减少", "下降")
    delta = number_text(abs(now - before), decimals)
    if before == 0:
        return f"环比{amount}{delta}{unit}（上月为0）"
    return f"环比{amount}{delta}{unit}、{rate}{percent_text(abs(now - before), before)}"


def figure_clause(lead: str, current: float, previous: float | None, unit: str, decimals: int = 0) -> str:
    """One headline figure with its change: "本月共对接企业23家次，环比增加5家次、增长27.8%"."""
    phrase = change_phrase(current, previous, unit, decimals)
    figure = f"{lead}{number_text(current, decimals)}{unit}"
    return f"{figure}，{phrase}" if phrase else figure


def headline_clauses(current: Mapping[str, float], previous: Mapping[str, float] | None) -> list[str]:
    """The month's headline clauses in reading order (no 环比 when there is no previous month to compare)."""
    return [figure_clause(lead, current[measure], None if previous is None else previous[measure], unit, places)
            for measure, lead, unit, places in HEADLINE]


def month_totals(group_month: pd.DataFrame, months: Sequence[str]) -> pd.DataFrame:
    """One row per month in `months` (zeros where no report): the headline measures summed over groups."""
    sums = group_month.groupby("month")[TOTAL_MEASURES].sum()
    frame = sums.reindex(list(months), fill_value=0).rename_axis("month").reset_index()
    return frame.astype({"contacts": int, "key_enterprise_contacts": int, "signings": int})


def totals_of(totals: pd.DataFrame, month: str) -> dict[str, float]:
    """The headline measures of one month (a row of `month_totals`)."""
    row = totals.loc[totals["month"] == month, TOTAL_MEASURES]
    return {k: v for k, v in zip(TOTAL_MEASURES, row.iloc[0].tolist())} if len(row) else dict.fromkeys(TOTAL_MEASURES, 0)


def ytd_totals(group_month: pd.DataFrame, month: str) -> dict[str, float]:
    """The headline measures summed from January to `month` of its year."""
    totals = month_totals(group_month, year_months(month))
    return {k: round(float(totals[k].sum()), 4) for k in TOTAL_MEASURES}


def ytd_sentence(month: str, ytd: Mapping[str, float], budget_yuan: float) -> str:
    """"1—8月累计对接企业…家次，其中对接重点企业…家次；签约项目…个，协议投资额…万元；支出招商经费…元，占年度预算的…%。"."""
    spent = number_text(ytd["expense_yuan"], 2)
    budget = f"，占年度预算的{percent_text(ytd['expense_yuan'], budget_yuan)}" if budget_yuan else ""
    return (f"{ytd_label(month)}累计对接企业{number_text(ytd['contacts'])}家次，"
            f"其中对接重点企业{number_text(ytd['key_enterprise_contacts'])}家次；"
            f"签约项目{number_text(ytd['signings'])}个，协议投资额{number_text(ytd['signed_investment_wan'], 4)}万元；"
            f"支出招商经费{spent}元{budget}。")


# ── per group ──

def group_month_rows(group_month: pd.DataFrame, groups: pd.DataFrame, month: str) -> pd.DataFrame:
    """One row per group (in `groups` order) with its month's mart figures; reported is False where no report."""
    this_month = group_month.loc[group_month["month"] == month].drop(columns=["month"])
    rows = groups[["group_code", "name"]].merge(this_month, on="group_code", how="left", indicator=True)
    rows["reported"] = rows.pop("_merge") == "both"
    return rows


def distinct_enterprises(contacts: pd.DataFrame, month: str) -> int:
    """Distinct enterprises contacted in `month` across all groups (one enterprise counted once)."""
    return int(contacts.loc[contacts["month"] == month, "enterprise"].nunique())


def key_enterprises_reached(contacts: pd.DataFrame, patterns: pd.DataFrame) -> pd.DataFrame:
    """One row per group and key enterprise its contacts reached, in order of first contact."""
    pairs = [(c.group_code, p.enterprise) for c in contacts.itertuples()
             for p in patterns.itertuples() if p.pattern and p.pattern in c.enterprise]
    return pd.DataFrame(pairs, columns=["group_code", "key_enterprise"]).drop_duplicates(ignore_index=True)


def key_regions_covered(contacts: pd.DataFrame, key_regions: Sequence[str]) -> pd.DataFrame:
    """One row per group and configured key region its contacts reached, in configuration order."""
    reached = set(zip(contacts["group_code"], contacts["region"]))
    groups = list(dict.fromkeys(contacts["group_code"]))
    pairs = [(g, region) for g in groups for region in key_regions if (g, region) in reached]
    return pd.DataFrame(pairs, columns=["group_code", "region"])


def names_by_group(pairs: pd.DataFrame, column: str) -> dict[str, str]:
    """Per group, the values of `column` joined with "、" (order kept)."""
    return {code: "、".join(rows[column]) for code, rows in pairs.groupby("group_code", sort=False)}


def group_sentence(row: Mapping, month: str, key_names: str, regions: str, word: str = "未报送") -> str:
    """One group's month in a sentence (or that its report is missing or rejected: `word`)."""
    if not row["reported"]:
        return f"{row['name']}：{int(month[5:7])}月份招商工作月报{word}。"
    keys = f"其中重点企业{int(row['key_enterprise_contacts'])}家次（{key_names}）" if key_names else "未对接重点企业"
    where = f"覆盖重点区域{regions}" if regions else "未覆盖重点区域"
    signed = (f"签约项目{int(row['signings'])}个，协议投资额{number_text(row['signed_investment_wan'], 4)}万元"
              if row["signings"] else "无新签约项目")
    return (f"{row['name']}：对接企业{int(row['contacts'])}家次（{int(row['enterprises'])}家），{keys}；"
            f"{where}；{signed}；支出招商经费{number_text(row['expense_yuan'], 2)}元。")


# ── budget and 序时进度 ──

def elapsed_share(month: str) -> Decimal:
    """Share of the year elapsed at the end of `month`: N/12."""
    return Decimal(issue_number(month)) / Decimal(12)


def pace_verdict(used: Decimal | None, elapsed: Decimal, tolerance: Decimal = PACE_TOLERANCE) -> str:
    """Budget used vs time elapsed: "超序时进度", "与序时进度持平" (within ±tolerance) or "低于序时进度"."""
    if used is None:
        return NO_DATA
    if abs(used - elapsed) <= tolerance:
        return "与序时进度持平"
    return "超序时进度" if used > elapsed else "低于序时进度"


def budget_rows(group_month: pd.DataFrame, groups: pd.DataFrame, month: str) -> pd.DataFrame:
    """One row per group: month and year-to-date spending, budget, share used and its pace verdict."""
    ytd = group_month.loc[group_month["month"].isin(year_months(month))].groupby("group_code")["expense_yuan"].sum()
    now = group_month.loc[group_month["month"] == month].set_index("group_code")["expense_yuan"]
    rows = groups[["group_code", "name", "budget_yuan"]].copy()
    rows["month_yuan"] = rows["group_code"].map(now)  # NaN: no report this month
    rows["ytd_yuan"] = rows["group_code"].map(ytd).fillna(0.0).round(2)
    rows["used"] = [share(s, b) for s, b in zip(rows["ytd_yuan"], rows["budget_yuan"])]
    rows["pace"] = [pace_verdict(u, elapsed_share(month)) for u in rows["used"]]
    return rows


def pace_sentence(month: str, ytd_yuan: float, budget_yuan: float, rows: pd.DataFrame) -> str:
    """The budget paragraph: elapsed share, the zone's use of its budget, and which groups are ahead or behind."""
    head = (f"截至{int(month[5:7])}月底，序时进度为{percent_text(issue_number(month), 12)}"
            f"（预算使用率与序时进度相差不超过{PACE_TOLERANCE * 100:.0f}个百分点的视为持平）。")
    spent = f"{ytd_label(month)}各组累计支出招商经费{number_text(ytd_yuan, 2)}元"
    if not budget_yuan:
        return f"{head}{spent}，尚未安排年度预算。"
    verdict = pace_verdict(share(ytd_yuan, budget_yuan), elapsed_share(month))
    zone = f"{spent}，占年度预算{number_text(budget_yuan, 2)}元的{percent_text(ytd_yuan, budget_yuan)}"
    verdicts = [v for v in rows["pace"] if v != NO_DATA]
    if set(verdicts) == {verdict} and len(verdicts) == len(rows) > 1:
        return f"{head}{zone}，各组均{verdict}。"
    zone = f"{zone}，{verdict}"
    parts = [f"{v}的有{'、'.join(rows.loc[rows['pace'] == v, 'name'])}"
             for v in ("超序时进度", "与序时进度持平", "低于序时进度") if v in verdicts]
    return f"{head}{zone}。分组看，{'；'.join(parts)}。" if parts else f"{head}{zone}。"


# ── the month's signed projects ──

def signed_projects(signings: pd.DataFrame, snapshots: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The month's signings (fact_signing rows of current reports), in signing-date order, with the group's
    name and the 包联人: the signing sheet's, else the latest project-library row of the same project name
    (and group), else "" (not known)."""
    names = dict(zip(groups["group_code"], groups["name"]))
    latest = (snapshots.sort_values("snapshot_at", kind="stable").drop_duplicates(["project_name", "group_code"], keep="last")
              if len(snapshots) else snapshots)
    cadres = {(r.project_name, r.group_code): r.cadre for r in latest.itertuples()}
    rows = signings.sort_values(["signed_on", "group_code"], kind="stable").reset_index(drop=True)
    liaison = [(str(r.liaison).strip() if isinstance(r.liaison, str) and r.liaison.strip() else "")
               or cadres.get((r.project_name, r.group_code), "") for r in rows.itertuples()]
    return rows.assign(group_name=rows["group_code"].map(names).fillna(rows["group_code"]), cadre=liaison,
                       from_library=[not (isinstance(r.liaison, str) and r.liaison.strip()) and bool(c)
                                     for r, c in zip(rows.itertuples(), liaison)])


def short_date(day: dt.date) -> str:
    """"8月20日" (the year is the bulletin's)."""
    return f"{day.month}月{day.day}日"


# ── key enterprises not reached ──

def key_enterprises_missed(contacts: pd.DataFrame, patterns: pd.DataFrame,
                           configured: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Per group, its configured key enterprises (in configuration order) that none of its contacts in
    `contacts` reached by name or alias (dim_key_enterprise patterns); groups that reached all are left out."""
    aliases: dict[str, list[str]] = {}
    for r in patterns.itertuples():
        aliases.setdefault(r.enterprise, []).append(r.pattern)
    missed = {}
    for code, keys in configured.items():
        names = contacts.loc[contacts["group_code"] == code, "enterprise"].tolist()
        left = [k for k in keys if not any(p in n for p in aliases.get(k, [k]) for n in names)]
        if left:
            missed[code] = left
    return missed


# ── submissions ──

def submission_issues(submissions: pd.DataFrame, month: str, groups: pd.DataFrame) -> pd.DataFrame:
    """Monthly reports not on time: this month's (late, rejected, missing) first, then earlier months still
    rejected or missing (a rejected report is 已报送被退回（待更正）, never 未报送)."""
    due = submissions.loc[submissions["kind"] == "月报"]
    current = due.loc[(due["period"] == month) & due["status"].isin(OPEN_STATUSES + ["late"])]
    earlier = due.loc[(due["period"] < month) & due["status"].isin(OPEN_STATUSES)]
    order = {code: i for i, code in enumerate(groups["group_code"])}
    rows = pd.concat([current.assign(current=True, rank=current["status"].map({"late": 0, "rejected": 1, "missing": 2})),
                      earlier.assign(current=False, rank=3)], ignore_index=True)
    rows["group_rank"] = rows["subject"].map(order)
    rows = rows.sort_values(["rank", "period", "group_rank"], kind="stable", ignore_index=True)
    return rows.assign(name=rows["subject"].map(dict(zip(groups["group_code"], groups["name"]))).fillna(rows["subject"]))


def submission_counts(submissions: pd.DataFrame, month: str) -> dict[str, int]:
    """How many monthly reports were due for `month`, and how many were on time, late, rejected and missing."""
    statuses = submissions.loc[(submissions["kind"] == "月报") & (submissions["period"] == month), "status"]
    return {"due": int(len(statuses)), **{s: int((statuses == s).sum()) for s in STATUS_WORDS}}


def month_statuses(submissions: pd.DataFrame, month: str) -> dict[str, str]:
    """group_code → mart_submission.status of its monthly report for `month` (groups with nothing due absent)."""
    due = submissions.loc[(submissions["kind"] == "月报") & (submissions["period"] == month)]
    return dict(zip(due["subject"], due["status"]))


def report_gaps(submissions: pd.DataFrame, month: str, groups: pd.DataFrame) -> pd.DataFrame:
    """The group-months of `month`'s year (up to it) whose monthly report is still missing or rejected — the
    months a chart or a year-to-date total holds no figures of that group for. Columns: period, subject, name,
    status; in month order, then group order."""
    issues = submission_issues(submissions, month, groups)
    gaps = issues.loc[issues["status"].isin(OPEN_STATUSES) & issues["period"].isin(year_months(month))]
    return gaps.sort_values(["period", "group_rank"], kind="stable", ignore_index=True)


def gap_items(gaps: pd.DataFrame) -> str:
    """"2月装备制造组月报已报送被退回（待更正），4月清洁能源和新型建材组月报未报送"."""
    return "，".join(f"{int(r.period[5:7])}月{r.name}月报{STATUS_WORDS[r.status]}" for r in gaps.itertuples())


def gap_note(gaps: pd.DataFrame, what: str) -> str:
    """The note under a chart or total when some month lacks a group's report ("" when none does), so a dip
    is not read as a fall: "注：…，{what}不含该组该月数据。"."""
    if gaps.empty:
        return ""
    return f"注：{gap_items(gaps)}，{what}不含该组该月数据。"


def preliminary_note(month: str, counts: Mapping[str, int], today: dt.date) -> str:
    """A warning opening the bulletin when the month's reports are not yet due (figures are partial), else ""."""
    if counts["due"]:
        return ""
    return f"{int(month[5:7])}月份招商工作月报尚未到报送截止时间，本期数据为截至{date_label(today)}已报送的情况。"


def submission_sentence(month: str, counts: Mapping[str, int], issues: pd.DataFrame) -> str:
    """Who submitted this month's report on time, late, rejected or not at all, and which earlier reports are
    still missing or rejected (the four words of DESIGN §5)."""
    label = f"{int(month[5:7])}月份"
    if not counts["due"]:
        return f"{label}招商工作月报尚未到报送截止时间。"
    names = {s: "、".join(issues.loc[issues["current"] & (issues["status"] == s), "name"]) for s in STATUS_WORDS}
    text = f"{label}招商工作月报应报送{counts['due']}份，按时报送{counts['on_time']}份"
    text += f"，逾期报送{counts['late']}份（{names['late']}）" if counts["late"] else ""
    text += f"，未报送{counts['missing']}份（{names['missing']}）" if counts["missing"] else ""
    if counts["rejected"]:
        text += f"，已报送被退回（待更正）{counts['rejected']}份（{names['rejected']}）"
    text += "。" if counts["late"] or counts["missing"] or counts["rejected"] else "，各组均按时报送。"
    earlier = issues.loc[~issues["current"]]
    missing, rejected = earlier.loc[earlier["status"] == "missing"], earlier.loc[earlier["status"] == "rejected"]
    if len(missing):
        items = "、".join(f"{r.name}{int(r.period[5:7])}月份" for r in missing.itertuples())
        text += f"此前月份仍有{len(missing)}份月报未报送（{items}），请相关工作组抓紧补报。"
    if len(rejected):
        items = "、".join(f"{r.name}{int(r.period[5:7])}月份" for r in rejected.itertuples())
        text += f"此前月份有{len(rejected)}份月报已报送被退回（待更正）（{items}），请相关工作组抓紧报送更正后的月报。"
    return text


# ── reading the marts ──

# The only reads of the bulletin: the marts, two small dimensions, and the current contact rows
# (for which key enterprises and regions a group reached — not in mart_group_month).
QUERIES: dict[str, str] = {
    "mart_group_month": (
        "SELECT group_code, month, contacts, enterprises, key_enterprise_contacts, signings,\n"
        "       signed_investment_wan, expense_yuan, file_id\n"
        "FROM mart_group_month\nWHERE month >= :first AND month <= :last\nORDER BY month, group_code"),
    "mart_submission": (
        "SELECT kind, subject, period, status, received_at, due_at, rejected_at\n"
        "FROM mart_submission\nWHERE kind = '月报' AND period <= :last\nORDER BY period, subject"),
    "dim_group": "SELECT group_code, name, budget_yuan\nFROM dim_group\nORDER BY group_code",
    "dim_key_enterprise": "SELECT pattern, enterprise\nFROM dim_key_enterprise\nORDER BY pattern",
    "fact_contact": (
        "SELECT c.group_code, c.month, c.enterprise, c.region, c.file_id, c.sheet_row\n"
        "FROM fact_contact c\nJOIN ingested_file f ON f.id = c.file_id AND f.status = 'loaded'\n"
        "WHERE c.month = :last\nORDER BY c.group_code, c.file_id, c.sheet_row"),
    "fact_signing": (
        "SELECT s.group_code, s.month, s.project_name, s.enterprise, s.signed_on, s.agreement,\n"
        "       s.investment_wan, s.liaison, s.file_id, s.sheet_row\n"
        "FROM fact_signing s\nJOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "WHERE s.month = :last\nORDER BY s.signed_on, s.group_code, s.sheet_row"),
    "project_snapshot": (
        "SELECT s.snapshot_at, s.project_code, s.project_name, s.builder, s.group_code, s.cadre\n"
        "FROM project_snapshot s\nJOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "ORDER BY s.snapshot_at, s.project_code"),
    "key_contacts_year": (
        "SELECT DISTINCT c.group_code, c.enterprise\n"
        "FROM fact_contact c\nJOIN ingested_file f ON f.id = c.file_id AND f.status = 'loaded'\n"
        "WHERE c.month >= :year_first AND c.month <= :last\nORDER BY c.group_code, c.enterprise"),
}
COUNTS = ["contacts", "enterprises", "key_enterprise_contacts", "signings", "file_id", "sheet_row"]
AMOUNTS = ["signed_investment_wan", "expense_yuan", "budget_yuan", "investment_wan"]


@dataclass
class BulletinData:
    """The rows the bulletin is built from: one DataFrame per named query, and the parameters used."""

    month: str
    frames: dict[str, pd.DataFrame]
    params: dict[str, str]


# ── reading ──

def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Same dtypes on SQLite and PostgreSQL (see reports.common.typed_frame)."""
    return typed_frame(frame, times=("received_at", "due_at", "rejected_at", "snapshot_at"),
                       dates=("signed_on",), amounts=AMOUNTS, counts=COUNTS)


def read_bulletin_data(engine: Engine, month: str) -> BulletinData:
    """Run every bulletin query for `month` (its year so far, and the month before for 环比)."""
    params = {"first": min(previous_month(month), year_months(month)[0]), "year_first": year_months(month)[0],
              "last": month}
    frames = {}
    with engine.connect() as conn:
        for name, sql in QUERIES.items():
            result = conn.execute(text(sql), params)
            frames[name] = _typed(pd.DataFrame(result.fetchall(), columns=list(result.keys())))
    return BulletinData(month, frames, params)
