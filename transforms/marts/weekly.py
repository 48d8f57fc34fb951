"""The weekly digest's figures (项目周报汇总, DESIGN §5): pure, DataFrames and values in and out.

Inputs (dates as `datetime.date`, amounts as float; the reader at the edge converts):
- `project_weeks`: mart_project_week — one row per project and reported week (project_code,
  week_start, invest_week_wan, invest_cum_wan, stage, project_name, cadre, planned_wan, leader);
- `procedures`: current fact_procedure_week rows — one row per project, week and procedure
  (project_code, week_start, procedure, status, planned_on, done_on);
- `problems`: mart_problem — one row per problem in its latest state (project_code, description,
  category, leader, deadline, status, first_week, last_week, resolved_week);
- `library`: the project library as it stood at the end of the week (library_as_of), one row per
  project (project_code, project_name, builder, group_code, cadre, leader, status);
- `signings`: current fact_signing rows (group_code, project_name, enterprise, signed_on, investment_wan).

A week is named by its Monday and ends on its Sunday. 倒排工期: a procedure is overdue in a
week when its planned date is before that Sunday and it is neither 已办结 nor 不涉及; days
overdue are counted to that Sunday. A problem is past its deadline (限期办结) on the same rule.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from transforms.marts.deadlines import ACTIVE_PROJECT_STATUSES
from transforms.staging.normalise import clean_name
from zhaoshang.contract import PROCEDURES

DONE, NOT_APPLICABLE, RESOLVED = "已办结", "不涉及", "已解决"
CLOSED = (DONE, NOT_APPLICABLE)
# rapidfuzz fuzz.ratio (0–100, on normalised names) at or above which two names are the same project or
# enterprise: one wrong character in a name of 7 or more characters still matches (12/14 = 85.7),
# "风电装备" and "风电设备" (75) or a project and its 二期 ("风电装备" vs "风电装备二期", 80) do not.
MATCH_CUTOFF = 85.0
GRACE_WEEKS = 4  # a signed project should appear in the weekly reports within this many weeks
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "公司")
GRID_STATES = ("done", "in_progress", "not_started", "overdue", "not_applicable", "missing")
STATE_OF_STATUS = {"已办结": "done", "办理中": "in_progress", "未启动": "not_started", "不涉及": "not_applicable"}


# ── the week ──

def week_end(week: dt.date) -> dt.date:
    """The Sunday of the week that starts on Monday `week`."""
    return week + dt.timedelta(days=6)


def iso_week_label(week: dt.date) -> str:
    """"2021年第35周": the ISO year and week number of the Monday."""
    year, number, _ = week.isocalendar()
    return f"{year}年第{number}周"


def week_span_label(week: dt.date) -> str:
    """"2021年8月30日至9月5日" (the year and month repeated only when they change)."""
    end = week_end(week)
    tail = f"{end.month}月{end.day}日" if end.year == week.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{week.year}年{week.month}月{week.day}日至{tail}"


def weeks_spanned(first: dt.date, last: dt.date) -> int:
    """Calendar weeks from the week of `first` to the week of `last`, both counted (weeks without a report too)."""
    return (last - first).days // 7 + 1


# ── projects this week ──

def reports_in_week(project_weeks: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """The mart rows of `week`, one per project (the last loaded if two cadres reported the same project)."""
    rows = project_weeks[project_weeks["week_start"] == week]
    return rows.drop_duplicates("project_code", keep="last").sort_values("project_code").reset_index(drop=True)


def project_week_lines(project_weeks: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """One row per project reported in `week`: investment this week and so far, share of the planned total, stage."""
    lines = reports_in_week(project_weeks, week)
    planned = lines["planned_wan"].astype(float)
    share = (lines["invest_cum_wan"].astype(float) / planned).where(planned > 0)
    columns = ["project_code", "project_name", "cadre", "invest_week_wan", "invest_cum_wan", "planned_wan", "stage"]
    return lines[columns].assign(share=share)


def week_totals(lines: pd.DataFrame) -> dict[str, float]:
    """Sums over the week's project lines: this week's and cumulative investment and the planned total (万元)."""
    return {"projects": len(lines), "invest_week_wan": round(float(lines["invest_week_wan"].sum()), 4),
            "invest_cum_wan": round(float(lines["invest_cum_wan"].sum()), 4),
            "planned_wan": round(float(lines["planned_wan"].sum()), 4)}


def _present(values: pd.Series) -> pd.Series:
    """True where a text value is filled in (not null, not blank)."""
    return values.notna() & values.astype(str).str.strip().ne("") & values.astype(str).ne("None")


def project_directory(project_weeks: pd.DataFrame, library: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """One row per project known in `week`: name, cadre and 责任领导 as reported that week, else from the library."""
    reported = reports_in_week(project_weeks, week)[["project_code", "project_name", "cadre", "leader"]]
    listed = library[["project_code", "project_name", "cadre", "leader", "group_code"]]
    both = reported.merge(listed, on="project_code", how="outer", suffixes=("", "_library"))
    for column in ("project_name", "cadre", "leader"):
        both[column] = both[column].where(_present(both[column]), both[f"{column}_library"])
        both[column] = both[column].where(_present(both[column]), None)
    return both[["project_code", "project_name", "cadre", "leader", "group_code"]].sort_values("project_code")


# ── procedures ──

def latest_earlier_report(procedures: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """Each project's procedure rows in its most recent report before `week` (weeks without a report are skipped)."""
    earlier = procedures[procedures["week_start"] < week]
    last = earlier.groupby("project_code")["week_start"].transform("max")
    return earlier[earlier["week_start"] == last].drop_duplicates(["project_code", "procedure"], keep="last")


def procedures_completed(procedures: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """Procedures finished in `week`: 已办结 with 实际办结日期 in the week, or 已办结 now but not in the project's previous report.

    A procedure the previous report did not list counts only by its date (its earlier state is unknown).
    """
    now = procedures[(procedures["week_start"] == week) & (procedures["status"] == DONE)]
    before = latest_earlier_report(procedures, week)[["project_code", "procedure", "status"]]
    rows = now.merge(before.rename(columns={"status": "previous_status"}), on=["project_code", "procedure"], how="left")
    in_week = rows["done_on"].map(lambda d: isinstance(d, dt.date) and week <= d <= week_end(week))
    changed = rows["previous_status"].notna() & (rows["previous_status"] != DONE)
    done = rows[in_week | changed].assign(on_time=rows["done_on"].combine(rows["planned_on"], _finished_on_time))
    return done.sort_values(["project_code", "procedure"], key=_procedure_order).reset_index(drop=True)


def _finished_on_time(done_on: dt.date | None, planned_on: dt.date | None) -> bool | None:
    """True when done by the planned date, False when later, None when either date is missing."""
    if not isinstance(done_on, dt.date) or not isinstance(planned_on, dt.date):
        return None
    return done_on <= planned_on


def _procedure_order(values: pd.Series) -> pd.Series:
    """Sort key: procedures in the contract's order (公司注册 … 工程验收), anything else by itself."""
    if values.name != "procedure":
        return values
    return values.map(lambda p: (PROCEDURES.index(p), p) if p in PROCEDURES else (len(PROCEDURES), p))


def overdue_procedures(procedures: pd.DataFrame, directory: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """倒排工期: procedures reported in `week`, planned before its Sunday, neither 已办结 nor 不涉及, longest overdue first."""
    rows = procedures[(procedures["week_start"] == week) & ~procedures["status"].isin(CLOSED)]
    rows = rows[rows["planned_on"].map(lambda d: isinstance(d, dt.date) and d < week_end(week))]
    days = rows["planned_on"].map(lambda d: (week_end(week) - d).days)
    owners = directory[["project_code", "project_name", "cadre", "leader"]]
    late = rows.assign(days_overdue=days.astype(int)).merge(owners, on="project_code", how="left")
    return late.sort_values(["days_overdue", "project_code"], ascending=[False, True]).reset_index(drop=True)


def procedure_grid(procedures: pd.DataFrame, lines: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """挂图作战: one row per project reported in `week` and procedure (contract order) with its state and a note.

    state: done / in_progress / not_started / overdue / not_applicable / missing (no row reported);
    note: "超N天" on overdue cells, "本周" on procedures completed this week.
    """
    rows = procedures[procedures["week_start"] == week].drop_duplicates(["project_code", "procedure"], keep="last")
    codes = sorted(set(lines["project_code"]) | set(rows["project_code"]))
    cells = pd.MultiIndex.from_product([codes, list(PROCEDURES)], names=["project_code", "procedure"]).to_frame(index=False)
    grid = cells.merge(rows[["project_code", "procedure", "status"]], on=["project_code", "procedure"], how="left")
    late = overdue_procedures(procedures, pd.DataFrame(columns=["project_code", "project_name", "cadre", "leader"]), week)
    done = procedures_completed(procedures, week)
    key = list(zip(grid["project_code"], grid["procedure"]))
    overdue_days = dict(zip(zip(late["project_code"], late["procedure"]), late["days_overdue"]))
    done_now = set(zip(done["project_code"], done["procedure"]))
    state = [("overdue" if k in overdue_days else STATE_OF_STATUS.get(s, "missing")) for k, s in zip(key, grid["status"])]
    note = [f"超{overdue_days[k]}天" if k in overdue_days else ("本周" if k in done_now else "") for k in key]
    return grid.assign(state=state, note=note)


# ── problems needing coordination ──

def problem_ledger(problems: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """Problems first reported by `week`, as they stood that week: resolved or not, weeks open, past the deadline.

    weeks_open counts calendar weeks from the first report to `week` (to the week it was resolved, if it was),
    weeks without a report included; days_past_deadline counts to the week's Sunday (0 when not past).
    mart_problem keeps only a problem's latest state: for an earlier week, a problem resolved later shows 推进中.
    """
    known = problems[problems["first_week"] <= week].copy()
    resolved = known["resolved_week"].map(lambda d: isinstance(d, dt.date) and d <= week)
    until = known["resolved_week"].where(resolved, week)
    known["resolved"] = resolved
    known["status_as_of"] = known["status"].where(resolved | (known["status"] != RESOLVED), "推进中").where(~resolved, RESOLVED)
    known["weeks_open"] = [weeks_spanned(first, last) for first, last in zip(known["first_week"], until)]
    past = known["deadline"].map(lambda d: (week_end(week) - d).days if isinstance(d, dt.date) else 0)
    known["days_past_deadline"] = past.clip(lower=0).where(~resolved, 0).astype(int)
    known["overdue"] = known["days_past_deadline"] > 0
    return known.reset_index(drop=True)


def open_problems(ledger: pd.DataFrame) -> pd.DataFrame:
    """The unresolved problems: past the deadline first (longest first), then by deadline and project."""
    rows = ledger[~ledger["resolved"]]
    order = ["overdue", "days_past_deadline", "deadline", "project_code", "first_week"]
    return rows.sort_values(order, ascending=[False, False, True, True, True]).reset_index(drop=True)


def problems_resolved_in(ledger: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """The problems first reported as 已解决 in `week`."""
    rows = ledger[ledger["resolved_week"].map(lambda d: d == week)]
    return rows.sort_values(["project_code", "first_week"]).reset_index(drop=True)


# ── who did not report ──

def active_projects(library: pd.DataFrame) -> pd.DataFrame:
    """Library projects whose liaison cadre reports weekly (已签约 or 在建)."""
    return library[library["status"].isin(ACTIVE_PROJECT_STATUSES)].sort_values("project_code").reset_index(drop=True)


def projects_not_reported(library: pd.DataFrame, project_weeks: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """Active projects without a report row for `week`; cadre_reported says whether their cadre sent a report at all."""
    reported = reports_in_week(project_weeks, week)
    active = active_projects(library)
    missing = active[~active["project_code"].isin(reported["project_code"])]
    return missing.assign(cadre_reported=missing["cadre"].isin(set(reported["cadre"]))).reset_index(drop=True)


def cadres_not_reported(library: pd.DataFrame, project_weeks: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """Liaison cadres of active projects who sent no report for `week`, with how many projects they look after."""
    missing = projects_not_reported(library, project_weeks, week)
    silent = missing[~missing["cadre_reported"]]
    counts = silent.groupby("cadre")["project_code"].agg(["count", lambda codes: "、".join(sorted(codes))])
    return counts.set_axis(["projects", "project_codes"], axis=1).reset_index()


def cadres_due(library: pd.DataFrame) -> list[str]:
    """Cadres who owe a weekly report: 包联人 of at least one active project (sorted)."""
    return sorted(set(active_projects(library)["cadre"]))


# ── reconciliation: signed vs reported ──

def normalised_project_name(name: object) -> str:
    """A project name for matching: clean_name, without a trailing "项目"."""
    return clean_name(name).removesuffix("项目")


def normalised_enterprise(name: object) -> str:
    """An enterprise name for matching: clean_name, without its company-form suffix (有限公司 …)."""
    text = clean_name(name)
    for suffix in COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text.removesuffix(suffix)
    return text


def name_similarity(a: str, b: str) -> float:
    """rapidfuzz fuzz.ratio of two normalised names (100 = identical, 0 when either is empty)."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b)) if a and b else 0.0


def signing_match(signing: pd.Series, library: pd.DataFrame, cutoff: float = MATCH_CUTOFF) -> tuple[str | None, str, float]:
    """The library project a signing refers to: best project-name match, else the only project of the same builder."""
    names = library["project_name"].map(lambda n: name_similarity(normalised_project_name(signing["project_name"]),
                                                                  normalised_project_name(n)))
    if len(names) and names.max() >= cutoff:
        return library.loc[names.idxmax(), "project_code"], "项目名称", float(names.max())
    builders = library["builder"].map(lambda n: name_similarity(normalised_enterprise(signing["enterprise"]),
                                                                normalised_enterprise(n)))
    same = builders[builders >= cutoff]
    if len(same) == 1:
        return library.loc[same.index[0], "project_code"], "建设单位", float(same.iloc[0])
    return None, "", float(names.max()) if len(names) else 0.0


def signing_matches(signings: pd.DataFrame, library: pd.DataFrame, cutoff: float = MATCH_CUTOFF) -> pd.DataFrame:
    """Each signing with the library project it was matched to (project_code None when none), how, and the score."""
    lib = library.reset_index(drop=True)
    found = [signing_match(row, lib, cutoff) for _, row in signings.iterrows()]
    columns = ["project_code", "matched_by", "match_score"]
    return signings.reset_index(drop=True).join(pd.DataFrame(found, columns=columns, index=range(len(found))))


def signed_without_reports(matches: pd.DataFrame, project_weeks: pd.DataFrame, week: dt.date,
                           grace_weeks: int = GRACE_WEEKS) -> pd.DataFrame:
    """(a) Signings at least `grace_weeks` weeks old by the week's Sunday whose project has no weekly report up to `week`.

    A signing matched to no library project is listed too (in_library False): it cannot be reported on.
    """
    old = matches[matches["signed_on"].map(lambda d: d + dt.timedelta(weeks=grace_weeks) <= week_end(week))]
    reported = set(project_weeks.loc[project_weeks["week_start"] <= week, "project_code"])
    rows = old[~old["project_code"].isin(reported)]
    return rows.assign(in_library=rows["project_code"].notna()).sort_values(["signed_on", "project_name"]).reset_index(drop=True)


def reported_without_signing(project_weeks: pd.DataFrame, matches: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """(b) Projects in the weekly reports up to `week` that no group's monthly report ever listed as signed."""
    reported = project_weeks[project_weeks["week_start"] <= week].sort_values("week_start")
    first = reported.groupby("project_code")["week_start"].min().rename("first_week")
    latest = reported.drop_duplicates("project_code", keep="last").set_index("project_code")
    rows = latest[["project_name", "cadre"]].join(first).reset_index()
    return rows[~rows["project_code"].isin(set(matches["project_code"].dropna()))].sort_values("project_code").reset_index(drop=True)
