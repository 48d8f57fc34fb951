"""One group's excerpt of the monthly bulletin (本组通报摘要, DESIGN §5): its figures, pure.

The bulletin's own rows (`BulletinData.frames`: mart_group_month, dim_group, fact_contact,
dim_key_enterprise) give the group's figures through the bulletin's functions, so an excerpt
prints what the bulletin prints. The excerpt reads four more things (QUERIES below):
- `mart_submission`: the year's 月报 (subject = group code) and the month's 周报 (subject = cadre);
- `project_snapshot`: the project library, to know which projects are the group's;
- `fact_procedure_week`: the procedures reported in the month's weeks (for the overdue ones);
- `mart_problem`: problems not 已解决, first reported by the month's end.

Every function here takes DataFrames and values and returns DataFrames, dicts or text; nothing
here names another group: each selection is of one group's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from transforms.kinds import monthly, weekly
from transforms.status_words import STATUS_WORDS
from zhaoshang.reports.bulletin import figures as b
from zhaoshang.reports.printed import NO_DATA, number_text, percent_text

MONTHLY, WEEKLY = monthly.CONTRACT.kind, weekly.CONTRACT.kind  # 月报, 周报: mart_submission.kind
CLOSED = ("已办结", "不涉及")  # a procedure in either state is never overdue (DESIGN §4)
# (label in the table, mart_group_month column, decimals) — the rows of 表1
MEASURES = [("对接企业（家次）", "contacts", 0), ("其中重点企业（家次）", "key_enterprise_contacts", 0),
            ("签约项目（个）", "signings", 0), ("协议投资额（万元）", "signed_investment_wan", 4),
            ("支出招商经费（元）", "expense_yuan", 2)]


# ── periods ──

def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of "YYYY-MM"."""
    first = dt.date.fromisoformat(f"{month}-01")
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def short_date(day: dt.date | dt.datetime) -> str:
    """"9月7日" (the year is the bulletin's)."""
    return f"{day.month}月{day.day}日"


def table_date(day: dt.date, month: str) -> str:
    """A date in a table: "8月20日" (the year added when it is not the bulletin's: "2022年6月30日")."""
    return f"{'' if day.year == int(month[:4]) else f'{day.year}年'}{day.month}月{day.day}日"


def table_time(moment: dt.datetime, month: str) -> str:
    """A deadline or arrival in a table: "9月7日 09:30" (the year added when it is not the bulletin's)."""
    year = "" if moment.year == int(month[:4]) else f"{moment.year}年"
    return f"{year}{moment.month}月{moment.day}日 {moment:%H:%M}"


def excerpt_title(month: str, group_name: str) -> str:
    """The excerpt's name, as its file and its attachment are called: 2021年第8期装备制造组本组通报摘要."""
    return f"{b.issue_label(month)}{group_name}本组通报摘要"


# ── the group's figures (from the bulletin's rows) ──

def group_row(group_month: pd.DataFrame, groups: pd.DataFrame, month: str, code: str) -> dict:
    """The group's row of the bulletin's 表1 for `month` (reported False when it has no current report)."""
    rows = b.group_month_rows(group_month, groups, month)
    return rows.loc[rows["group_code"] == code].iloc[0].to_dict()


def group_ytd(group_month: pd.DataFrame, month: str, code: str) -> dict[str, float]:
    """The group's measures summed from January to `month` (months without a report add nothing)."""
    own = group_month.loc[(group_month["group_code"] == code) & group_month["month"].isin(b.year_months(month))]
    return {column: round(float(own[column].sum()), 4) for _, column, _ in MEASURES}


def months_without_report(group_month: pd.DataFrame, month: str, code: str, reporting_start: str) -> list[str]:
    """Months of the year, from the reporting start to `month`, for which the group has no current report."""
    have = set(group_month.loc[group_month["group_code"] == code, "month"])
    return [m for m in b.year_months(month) if m >= reporting_start and m not in have]


def figure_table(current: Mapping, previous: Mapping | None, ytd: Mapping[str, float], month: str) -> list[dict]:
    """表1: one row per measure — this month, last month ("—" without a report) and the year to date."""
    def cell(row: Mapping | None, column: str, places: int) -> str:
        return number_text(row[column], places) if row is not None and row["reported"] else NO_DATA

    return [{"label": label, "month": cell(current, column, places), "previous": cell(previous, column, places),
             "ytd": number_text(ytd[column], places)} for label, column, places in MEASURES]


def ytd_note(missing: Sequence[str], month: str, words: Mapping[str, str]) -> str:
    """A note under 表1 when some month of the year lacks the group's report ("" when none does);
    `words` gives each such month's status word (未报送, 已报送被退回（待更正）)."""
    if not missing:
        return ""
    months = "，".join(f"{int(m[5:])}月份月报{words.get(m, STATUS_WORDS['missing'])}" for m in missing)
    which = "该月" if len(missing) == 1 else "上述月份"
    return f"注：本组{months}，{b.ytd_label(month)}累计数不含{which}数据。"


def status_words_of(submissions: pd.DataFrame, code: str) -> dict[str, str]:
    """The status word of each of the group's 月报 periods in `submissions`."""
    own = submissions.loc[(submissions["kind"] == MONTHLY) & (submissions["subject"] == code)]
    return {p: STATUS_WORDS[s] for p, s in zip(own["period"], own["status"])}


def key_names(contacts: pd.DataFrame, patterns: pd.DataFrame, code: str) -> str:
    """The key enterprises the group's contacts of the month reached, "、"-joined ("" when none)."""
    own = contacts.loc[contacts["group_code"] == code]
    return b.names_by_group(b.key_enterprises_reached(own, patterns), "key_enterprise").get(code, "")


def region_names(contacts: pd.DataFrame, key_regions: Sequence[str], code: str) -> str:
    """The configured key regions the group's contacts of the month reached ("" when none)."""
    own = contacts.loc[contacts["group_code"] == code]
    return b.names_by_group(b.key_regions_covered(own, key_regions), "region").get(code, "")


def budget_row(group_month: pd.DataFrame, groups: pd.DataFrame, month: str, code: str) -> dict:
    """The group's row of the bulletin's 表3: spending this month and so far, budget, share used, pace."""
    rows = b.budget_rows(group_month, groups, month)
    return rows.loc[rows["group_code"] == code].iloc[0].to_dict()


def budget_sentence(month: str, row: Mapping) -> str:
    """The group's spending against its budget and 序时进度 in one sentence."""
    spent = f"{b.ytd_label(month)}本组累计支出招商经费{number_text(row['ytd_yuan'], 2)}元"
    if not row["budget_yuan"]:
        return f"{spent}，尚未安排年度预算。"
    return (f"{spent}，占年度预算{number_text(row['budget_yuan'], 2)}元的{percent_text(row['ytd_yuan'], row['budget_yuan'])}；"
            f"截至{int(month[5:])}月底序时进度为{percent_text(b.issue_number(month), 12)}，本组{row['pace']}。")


# ── the group's submissions (the four status words) ──

def group_cadres(roster: Sequence, code: str) -> list[str]:
    """The roster's liaison cadres (包联人) of the group, in roster order."""
    return [p.name for p in roster if p.group == code and "cadre" in p.roles]


def monthly_status(submissions: pd.DataFrame, month: str, code: str) -> dict | None:
    """The group's 月报 of `month` as mart_submission judges it (None while it is not yet due)."""
    rows = submissions.loc[(submissions["kind"] == MONTHLY) & (submissions["subject"] == code)
                           & (submissions["period"] == month)]
    return rows.iloc[0].to_dict() if len(rows) else None


def submission_rows(submissions: pd.DataFrame, month: str, code: str, cadres: Sequence[str]) -> list[dict]:
    """The group's reports that were not on time: the year's 月报 up to `month`, then its cadres' 周报 of the
    weeks starting in `month` (by week, then roster order), each with its status word and times."""
    first, last = month_bounds(month)
    monthly = submissions.loc[(submissions["kind"] == MONTHLY) & (submissions["subject"] == code)
                              & submissions["period"].isin(b.year_months(month))]
    weekly = submissions.loc[(submissions["kind"] == WEEKLY) & submissions["subject"].isin(list(cadres))
                             & (submissions["period"] >= first.isoformat()) & (submissions["period"] <= last.isoformat())]
    order = {name: i for i, name in enumerate(cadres)}
    weekly = weekly.assign(_rank=weekly["subject"].map(order)).sort_values(["period", "_rank"], kind="stable")
    rows = []
    for r in [*monthly.sort_values("period").to_dict("records"), *weekly.to_dict("records")]:
        if r["status"] == "on_time":
            continue
        weekly_report = r["kind"] == WEEKLY
        rows.append({
            "what": f"{r['subject']}{WEEKLY}" if weekly_report else MONTHLY,
            "period": (f"{short_date(dt.date.fromisoformat(r['period']))}当周" if weekly_report
                       else b.month_label(r["period"])),
            "status": STATUS_WORDS[r["status"]],
            "due": table_time(r["due_at"], month),
            "received": table_time(r["received_at"], month) if pd.notna(r["received_at"]) else NO_DATA,
        })
    return rows


def monthly_sentence(month: str, status: Mapping | None) -> str:
    """This month's 月报 of the group in the four words ("按时报送（9月3日报送）" …)."""
    label = f"本组{int(month[5:])}月份招商工作月报"
    if status is None:
        return f"{label}尚未到报送截止时间。"
    word = STATUS_WORDS[status["status"]]
    if status["status"] == "on_time":
        return f"{label}{word}（{short_date(status['received_at'])}报送）。"
    if status["status"] == "late":
        return f"{label}{word}（截止{short_date(status['due_at'])}，{short_date(status['received_at'])}报送）。"
    ask = "请按错误说明更正后重新报送" if status["status"] == "rejected" else "请抓紧补报"
    return f"{label}{word}（截止{short_date(status['due_at'])}），{ask}。"


def no_report_sentence(month: str, name: str, status: Mapping | None) -> str:
    """The group's month when it has no current report: why, in the status words."""
    word = "尚未到报送截止时间" if status is None else STATUS_WORDS[status["status"]]
    return f"{name}：{int(month[5:])}月份招商工作月报{word}，本月工作数据暂缺。"


def submission_sentence(month: str, status: Mapping | None, rows: Sequence[Mapping], table_no: int) -> str:
    """The submissions paragraph: this month's 月报, then how many of the group's reports were not on time
    (listed in 表`table_no`)."""
    text = monthly_sentence(month, status)
    others = [r for r in rows if not (r["what"] == MONTHLY and r["period"] == b.month_label(month))]
    scope = f"本年度此前各月月报和{int(month[5:])}月本组包联人周报"
    if not others:
        return text + f"{scope}均按时报送。"
    counts = {w: sum(r["status"] == w for r in others) for w in STATUS_WORDS.values()}
    parts = "，".join(f"{w}{n}份" for w, n in counts.items() if n)
    return text + f"{scope}中，{parts}（见表{table_no}）。"


# ── the group's projects: overdue procedures, open problems ──

def group_projects(snapshots: pd.DataFrame, month: str, code: str) -> pd.DataFrame:
    """The group's projects in the library as of the month's end (the latest snapshot received by then, else
    the earliest): project_code, project_name, cadre, leader."""
    if snapshots.empty:
        return pd.DataFrame(columns=["project_code", "project_name", "cadre", "leader"])
    end = pd.Timestamp(month_bounds(month)[1] + dt.timedelta(days=1))
    times = pd.to_datetime(snapshots["snapshot_at"])
    known = snapshots.loc[times < end] if (times < end).any() else snapshots.loc[times == times.min()]
    latest = known.loc[pd.to_datetime(known["snapshot_at"]) == pd.to_datetime(known["snapshot_at"]).max()]
    own = latest.loc[latest["group_code"] == code].sort_values("project_code")
    return own[["project_code", "project_name", "cadre", "leader"]].reset_index(drop=True)


def overdue_procedures(procedures: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """The group's procedures overdue in each project's latest week of the month that reported procedures:
    planned before that week's Sunday and neither 已办结 nor 不涉及; longest overdue first."""
    own = procedures.loc[procedures["project_code"].isin(projects["project_code"])]
    if own.empty:
        return pd.DataFrame(columns=["project_code", "project_name", "procedure", "status", "planned_on", "days",
                                     "week_end", "cadre"])
    latest = own.groupby("project_code")["week_start"].transform("max")
    rows = own.loc[(own["week_start"] == latest) & ~own["status"].isin(CLOSED)]
    rows = rows.loc[[isinstance(d, dt.date) and d < e for d, e in zip(rows["planned_on"], rows["week_end"])]]
    rows = rows.assign(days=[(e - d).days for d, e in zip(rows["planned_on"], rows["week_end"])])
    rows = rows.merge(projects[["project_code", "project_name", "cadre"]], on="project_code", how="left",
                      suffixes=("_reported", ""))
    return rows.sort_values(["days", "project_code"], ascending=[False, True], ignore_index=True)


def open_problems(problems: pd.DataFrame, projects: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The group's unresolved problems, past their deadline on `as_of` first, then by deadline."""
    own = problems.loc[problems["project_code"].isin(projects["project_code"])]
    own = own.merge(projects[["project_code", "project_name"]], on="project_code", how="left")
    own = own.assign(overdue=[d < as_of for d in own["deadline"]])
    return own.sort_values(["overdue", "deadline", "project_code"], ascending=[False, True, True], ignore_index=True)


def procedure_table(rows: pd.DataFrame, month: str) -> list[dict]:
    """The overdue-procedures table's cells: 项目, 手续, 计划办结日期, 办理状态, 超期天数 (to the week's Sunday), 包联人."""
    return [{"project": r.project_name, "procedure": r.procedure, "planned": table_date(r.planned_on, month),
             "status": r.status, "days": f"{r.days}天", "cadre": r.cadre} for r in rows.itertuples()]


def problem_table(rows: pd.DataFrame, month: str) -> list[dict]:
    """The open-problems table's cells: 项目, 问题, 责任领导, 办结时限 (past ones marked), 办理状态."""
    return [{"project": r.project_name, "description": r.description, "leader": r.leader,
             "deadline": table_date(r.deadline, month), "status": f"{r.status}（已超期）" if r.overdue else r.status}
            for r in rows.itertuples()]


def projects_sentence(month: str, projects: pd.DataFrame, overdue: pd.DataFrame, problems: pd.DataFrame,
                      tables: Mapping[str, int], reported: bool = True) -> str:
    """The projects paragraph: how many overdue procedures and open problems the group's projects have
    (`tables`: the numbers of the procedure and problem tables, when printed; `reported`: whether any
    weekly report of the month gave the group's projects' procedures)."""
    if projects.empty:
        return "项目库中暂无本组项目。"
    label = f"截至{int(month[5:])}月末"
    if overdue.empty and problems.empty and not reported:
        return f"{int(month[5:])}月本组{len(projects)}个在库项目的项目周报中无手续办理和问题记录。"
    if overdue.empty and problems.empty:
        return f"{label}，本组{len(projects)}个在库项目无超期未办结手续，无未解决问题。"
    parts = []
    if not overdue.empty:
        parts.append(f"超期未办结手续{len(overdue)}项（见表{tables['procedures']}）")
    if not problems.empty:
        past = int(problems["overdue"].sum())
        past_text = ("，均已超过办结时限" if past == len(problems) > 1 else f"，其中{past}个已超过办结时限" if past else "")
        parts.append(f"未解决问题{len(problems)}个{past_text}"
                     + f"（见表{tables['problems']}）")
    ask = "请包联人督促建设单位加快办理，责任领导协调限期办结。"
    return f"{label}，本组{len(projects)}个在库项目中有{'；'.join(parts)}。{ask}"
