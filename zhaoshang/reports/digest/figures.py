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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from transforms.contract import BUILD_STAGES, PROCEDURES
from transforms.due import ACTIVE_PROJECT_STATUSES
from transforms.staging.normalise import clean_name
from zhaoshang.reports.common import typed_frame
from zhaoshang.reports.printed import number_text, percent_text

DONE, NOT_APPLICABLE, RESOLVED = "已办结", "不涉及", "已解决"
CLOSED = (DONE, NOT_APPLICABLE)
# rapidfuzz fuzz.ratio (0–100, on normalised names) at or above which two names are the same project or
# enterprise: one wrong character in a name of 7 or more characters still matches (12/14 = 85.7),
# "风电装备" and "风电设备" (75) or a project and its 二期 ("风电装备" vs "风电装备二期", 80) do not.
MATCH_CUTOFF = 85.0
GRACE_WEEKS = 4  # a signed project should appear in the weekly reports within this many weeks
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "公司")
STATE_OF_STATUS = {"已办结": "done", "办理中": "in_progress", "未启动": "not_started", "不涉及": "not_applicable"}


# ── the week ──

def week_end(week: dt.date) -> dt.date:
    """The Sunday of the week that starts on Monday `week`."""
    return week + dt.timedelta(days=6)


def iso_week_label(week: dt.date) -> str:
    """"2021年第35周": the ISO year and week number of the Monday."""
    year, number, _ = week.isocalendar()
    return f"{year}年第{number}周"


def short_week_label(week: dt.date, digest_week: dt.date) -> str:
    """"第33周" within the digest's ISO year, "2020年第52周" otherwise."""
    label = iso_week_label(week)
    return label.split("年", 1)[1] if week.isocalendar()[0] == digest_week.isocalendar()[0] else label


def week_span_label(week: dt.date) -> str:
    """"2021年8月30日至9月5日" (the year and month repeated only when they change)."""
    end = week_end(week)
    tail = f"{end.month}月{end.day}日" if end.year == week.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{week.year}年{week.month}月{week.day}日至{tail}"


def table_date(day: dt.date, week: dt.date) -> str:
    """A date in a table: "8月20日" within the digest's year, "2022年6月30日" otherwise."""
    return f"{day.month}月{day.day}日" if day.year == week.year else f"{day.year}年{day.month}月{day.day}日"


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


def _where(values: pd.Series, test: Callable[[object], object]) -> pd.Series:
    """A boolean mask of `test` over `values` (bool dtype even when empty, so it never selects columns)."""
    return pd.Series([bool(test(v)) for v in values], index=values.index, dtype=bool)


def _present(values: pd.Series) -> pd.Series:
    """True where a text value is filled in (not null, not blank)."""
    return _where(values, lambda v: isinstance(v, str) and v.strip())


def project_directory(project_weeks: pd.DataFrame, library: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """One row per project known in `week`: name, cadre and 责任领导 as reported that week, else from the library."""
    reported = reports_in_week(project_weeks, week)[["project_code", "project_name", "cadre", "leader"]]
    listed = library[["project_code", "project_name", "cadre", "leader", "group_code"]]
    both = reported.merge(listed, on="project_code", how="outer", suffixes=("", "_library"))
    for column in ("project_name", "cadre", "leader"):
        both[column] = both[column].where(_present(both[column]), both[f"{column}_library"])
        both[column] = both[column].where(_present(both[column]), None)
    return both[["project_code", "project_name", "cadre", "leader", "group_code"]].sort_values("project_code")


def project_labels(directory: pd.DataFrame) -> dict[str, str]:
    """How tables name each project: its name, with the code added only where two projects share the name."""
    names, named = directory["project_name"], _present(directory["project_name"])
    shared = set(names[named & names.duplicated(keep=False)])
    return {code: (f"{name}（{code}）" if name in shared else name) if ok else code
            for code, name, ok in zip(directory["project_code"], names, named)}


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
    in_week = _where(rows["done_on"], lambda d: isinstance(d, dt.date) and week <= d <= week_end(week))
    changed = rows["previous_status"].notna() & (rows["previous_status"] != DONE)
    rows = rows.assign(on_time=pd.Series([_finished_on_time(d, p) for d, p in zip(rows["done_on"], rows["planned_on"])],
                                         index=rows.index, dtype=object))
    done = rows[in_week | changed]
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


def overdue_rows(procedures: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """倒排工期: procedures reported in `week`, planned before its Sunday, neither 已办结 nor 不涉及, with days overdue."""
    rows = procedures[(procedures["week_start"] == week) & ~procedures["status"].isin(CLOSED)]
    rows = rows[_where(rows["planned_on"], lambda d: isinstance(d, dt.date) and d < week_end(week))]
    return rows.assign(days_overdue=pd.Series([(week_end(week) - d).days for d in rows["planned_on"]],
                                              index=rows.index, dtype=int))


def overdue_procedures(procedures: pd.DataFrame, directory: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """The overdue procedures of `week` with their project's name, cadre and 责任领导, longest overdue first."""
    owners = directory[["project_code", "project_name", "cadre", "leader"]]
    rows = overdue_rows(procedures, week)[["project_code", "procedure", "status", "planned_on", "days_overdue"]]
    late = rows.merge(owners, on="project_code", how="left")
    return late.sort_values(["days_overdue", "project_code"], ascending=[False, True]).reset_index(drop=True)


def procedure_grid(procedures: pd.DataFrame, lines: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """挂图作战: one row per project reported in `week` and procedure (contract order) with its state and a note.

    state: done / in_progress / not_started / overdue / not_applicable / missing (no row reported);
    note: "超N天" on overdue cells, "本周" on procedures completed this week.
    """
    rows = procedures[procedures["week_start"] == week].drop_duplicates(["project_code", "procedure"], keep="last")
    codes = sorted(set(lines["project_code"]) | set(rows["project_code"]))
    cells = pd.MultiIndex.from_product([codes, list(PROCEDURES)], names=["project_code", "procedure"])
    cells = cells.to_frame(index=False)
    grid = cells.merge(rows[["project_code", "procedure", "status"]], on=["project_code", "procedure"], how="left")
    late = overdue_rows(procedures, week)
    done = procedures_completed(procedures, week)
    key = list(zip(grid["project_code"], grid["procedure"]))
    overdue_days = dict(zip(zip(late["project_code"], late["procedure"]), late["days_overdue"]))
    done_now = set(zip(done["project_code"], done["procedure"]))
    state = ["overdue" if k in overdue_days else STATE_OF_STATUS.get(s, "missing") for k, s in zip(key, grid["status"])]
    note = [f"超{overdue_days[k]}天" if k in overdue_days else ("本周" if k in done_now else "") for k in key]
    return grid.assign(state=state, note=note)


# ── problems needing coordination ──

def problem_ledger(problems: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """Problems first reported by `week`, as they stood that week: resolved or not, weeks open, past the deadline.

    weeks_open counts calendar weeks from the first report to `week` (to the week it was resolved, if it was),
    weeks without a report included; days_past_deadline counts to the week's Sunday (0 when not past).
    mart_problem keeps only a problem's latest state: for an earlier week, a problem resolved later shows 推进中.
    """
    known = problems[problems["first_week"] <= week]
    resolved = _where(known["resolved_week"], lambda d: isinstance(d, dt.date) and d <= week)
    until = known["resolved_week"].where(resolved, week)
    past = pd.Series([max((week_end(week) - d).days, 0) if isinstance(d, dt.date) and not r else 0
                      for d, r in zip(known["deadline"], resolved)], index=known.index, dtype=int)
    return known.assign(
        resolved=resolved,
        status_as_of=[RESOLVED if r else ("推进中" if s == RESOLVED else s) for r, s in zip(resolved, known["status"])],
        weeks_open=[weeks_spanned(first, last) for first, last in zip(known["first_week"], until)],
        days_past_deadline=past, overdue=past > 0,
    ).reset_index(drop=True)


def open_problems(ledger: pd.DataFrame) -> pd.DataFrame:
    """The unresolved problems: past the deadline first (longest first), then by deadline and project."""
    rows = ledger[~ledger["resolved"]]
    order = ["overdue", "days_past_deadline", "deadline", "project_code", "first_week"]
    return rows.sort_values(order, ascending=[False, False, True, True, True]).reset_index(drop=True)


def problems_resolved_in(ledger: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """The problems first reported as 已解决 in `week`."""
    rows = ledger[_where(ledger["resolved_week"], lambda d: d == week)]
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

def _missing(value: object) -> bool:
    """None, or the NaN pandas puts in a missing cell (which clean_name would read as the text "nan")."""
    return value is None or (isinstance(value, float) and value != value)


def normalised_project_name(name: object) -> str:
    """A project name for matching: clean_name, without a trailing "项目" ("" when missing)."""
    return "" if _missing(name) else clean_name(name).removesuffix("项目")


def normalised_enterprise(name: object) -> str:
    """An enterprise name for matching: clean_name, without its company-form suffix (有限公司 …); "" when missing."""
    text = "" if _missing(name) else clean_name(name)
    for suffix in COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text.removesuffix(suffix)
    return text


def name_similarities(names: Sequence[str], candidates: Sequence[str]) -> np.ndarray:
    """rapidfuzz fuzz.ratio of every normalised name against every candidate, one row per name
    (100 = identical, 0 where either is empty), computed in one call."""
    from rapidfuzz import fuzz, process

    scores = np.zeros((len(names), len(candidates)))
    if len(names) and len(candidates):
        scores = process.cdist(names, candidates, scorer=fuzz.ratio, dtype=np.float64)
        scores[[not n for n in names], :] = 0.0
        scores[:, [not c for c in candidates]] = 0.0
    return scores


def signing_match(names: np.ndarray, builders: np.ndarray, codes: Sequence[str],
                  cutoff: float = MATCH_CUTOFF) -> tuple[str | None, str, float]:
    """The library project a signing refers to, from its similarities to each library project's name and
    builder: the best project-name match, else the only project of the same builder."""
    if len(names) and names.max() >= cutoff:
        return codes[int(names.argmax())], "项目名称", float(names.max())
    same = np.flatnonzero(builders >= cutoff)
    if len(same) == 1:
        return codes[int(same[0])], "建设单位", float(builders[same[0]])
    return None, "", float(names.max()) if len(names) else 0.0


def signing_matches(signings: pd.DataFrame, library: pd.DataFrame, cutoff: float = MATCH_CUTOFF) -> pd.DataFrame:
    """Each signing with the library project it was matched to (project_code None when none), how, and the score."""
    names = name_similarities([normalised_project_name(n) for n in signings["project_name"]],
                              [normalised_project_name(n) for n in library["project_name"]])
    builders = name_similarities([normalised_enterprise(n) for n in signings["enterprise"]],
                                 [normalised_enterprise(n) for n in library["builder"]])
    codes = list(library["project_code"])
    found = [signing_match(names[i], builders[i], codes, cutoff) for i in range(len(signings))]
    return signings.reset_index(drop=True).assign(
        project_code=pd.Series([f[0] for f in found], dtype=object),  # None (not NaN) where unmatched
        matched_by=[f[1] for f in found], match_score=[f[2] for f in found])


def signed_without_reports(matches: pd.DataFrame, project_weeks: pd.DataFrame, week: dt.date,
                           grace_weeks: int = GRACE_WEEKS) -> pd.DataFrame:
    """(a) Signings `grace_weeks` weeks old by the week's Sunday whose project has no weekly report up to `week`.

    A signing matched to no library project is listed too (in_library False): it cannot be reported on.
    """
    old = matches[_where(matches["signed_on"], lambda d: d + dt.timedelta(weeks=grace_weeks) <= week_end(week))]
    reported = set(project_weeks.loc[project_weeks["week_start"] <= week, "project_code"])
    rows = old[~old["project_code"].isin(reported)]
    rows = rows.assign(in_library=rows["project_code"].notna())
    return rows.sort_values(["signed_on", "project_name"]).reset_index(drop=True)


def reported_without_signing(project_weeks: pd.DataFrame, matches: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    """(b) Projects in the weekly reports up to `week` that no group's monthly report ever listed as signed."""
    reported = project_weeks[project_weeks["week_start"] <= week].sort_values("week_start")
    first = reported.groupby("project_code")["week_start"].min().rename("first_week")
    latest = reported.drop_duplicates("project_code", keep="last").set_index("project_code")
    rows = latest[["project_name", "cadre"]].join(first).reset_index()
    unsigned = rows[~rows["project_code"].isin(set(matches["project_code"].dropna()))]
    return unsigned.sort_values("project_code").reset_index(drop=True)


# ── the sentences of the overview ──

def progress_sentence(week: dt.date, due: int, reported: int, missing: int, totals: dict[str, float]) -> str:
    """"本周（…），项目库中在建和已签约项目共N个，M个项目报送周报…；报送项目本周完成投资…万元，累计…，占计划总投资的…%。"."""
    head = f"本周（{week_span_label(week)}），项目库中在建和已签约项目共{due}个"
    if not reported:
        return f"{head}，没有项目报送周报。"
    missing_text = f"，{missing}个应报项目未报送" if missing else "，应报项目均已报送"
    return (f"{head}，{reported}个项目报送周报{missing_text}；报送项目本周完成投资{number_text(totals['invest_week_wan'], 4)}"
            f"万元，累计完成投资{number_text(totals['invest_cum_wan'], 4)}万元，"
            f"占计划总投资的{percent_text(totals['invest_cum_wan'], totals['planned_wan'])}。")


def procedures_unreported(project_weeks: pd.DataFrame, week: dt.date) -> list[str]:
    """Names of the projects reported in `week` without a 手续办理 sheet (a CSV report): their procedures are 未报."""
    rows = reports_in_week(project_weeks, week)
    return list(rows.loc[rows["procedures_done"].isna(), "project_name"])


def procedure_sentence(completed: int, overdue: pd.DataFrame, unreported: Sequence[str] = ()) -> str:
    """"本周办结手续N项；超期未办结手续M项，涉及K个项目，超期最长的是…（责任领导：…）。", and the projects whose
    procedures were not reported this week (未报: unknown, not none)."""
    head = f"本周办结手续{completed}项；" if completed else "本周没有办结的手续；"
    tail = (f"另有{len(unreported)}个项目（{'、'.join(unreported)}）本周周报未含手续办理情况，其手续为“未报”，"
            "未计入以上数字。") if unreported else ""
    if overdue.empty:
        return head + "没有超期未办结的手续。" + tail
    worst = overdue.iloc[0]
    leader = f"（责任领导：{worst['leader']}）" if isinstance(worst["leader"], str) and worst["leader"] else ""
    return (f"{head}超期未办结手续{len(overdue)}项，涉及{overdue['project_code'].nunique()}个项目，超期最长的是"
            f"{worst['project_name']}的{worst['procedure']}，已超期{worst['days_overdue']}天{leader}。{tail}")


def problem_sentence(open_rows: pd.DataFrame, resolved: pd.DataFrame) -> str:
    """"需协调解决的问题N个，其中M个已超过办结时限；本周解决问题K个。"."""
    if open_rows.empty:
        head = "目前没有需协调解决的问题"
    else:
        late = int(open_rows["overdue"].sum())
        head = f"需协调解决的问题{len(open_rows)}个" + (f"，其中{late}个已超过办结时限" if late else "，均在办结时限内")
    return head + (f"；本周解决问题{len(resolved)}个。" if len(resolved) else "。")


def cadre_sentence(cadres_due: int, silent_cadres: pd.DataFrame, late_cadres: list[str]) -> str:
    """"本周应报送周报的包联人N名，M名未报送（…）；K名逾期报送（…）。"."""
    if not cadres_due:
        return "本周没有应报送周报的包联人（项目库中无在建或已签约项目）。"
    text = f"本周应报送周报的包联人{cadres_due}名，"
    text += f"{len(silent_cadres)}名未报送（{'、'.join(silent_cadres['cadre'])}）" if len(silent_cadres) else "均已报送"
    return text + (f"；{len(late_cadres)}名逾期报送（{'、'.join(late_cadres)}）。" if late_cadres else "。")


def reporting_sentence(cadres_due: int, silent_cadres: pd.DataFrame, late_cadres: list[str], checks: int) -> str:
    """The cadre sentence, then "待核对的签约与周报不一致事项Q项。" (or that signings and reports agree)."""
    tail = f"签约项目与项目周报待核对事项{checks}项。" if checks else "各组月报签约项目与项目周报核对一致。"
    return cadre_sentence(cadres_due, silent_cadres, late_cadres) + tail


def stage_sentence(lines: pd.DataFrame) -> str:
    """"从建设阶段看，前期手续2个、主体施工3个。" (stages in the contract's order, only those present)."""
    counts = lines["stage"].value_counts()
    order = [s for s in BUILD_STAGES if s in counts] + sorted(s for s in counts.index if s not in BUILD_STAGES)
    return "从建设阶段看，" + "、".join(f"{s}{counts[s]}个" for s in order) + "。" if order else ""


def completed_sentence(completed: pd.DataFrame) -> str:
    """"本周办结手续N项，其中按期办结X项、逾期办结Y项。" (手续 without a planned date are in neither)."""
    if completed.empty:
        return "本周没有办结的手续。"
    on_time, late = int((completed["on_time"] == True).sum()), int((completed["on_time"] == False).sum())  # noqa: E712
    parts = [f"按期办结{on_time}项" if on_time else "", f"逾期办结{late}项" if late else ""]
    detail = "、".join(p for p in parts if p)
    return f"本周办结手续{len(completed)}项" + (f"，其中{detail}" if detail else "") + "。"


def overdue_by_leader(overdue: pd.DataFrame) -> pd.DataFrame:
    """Per 责任领导 (未明确 when none): overdue procedures and the longest overdue, most first."""
    leaders = overdue.assign(leader=overdue["leader"].where(_present(overdue["leader"]), "未明确责任领导"))
    counts = leaders.groupby("leader").agg(procedures=("procedure", "size"), longest=("days_overdue", "max"))
    return counts.reset_index().sort_values(["procedures", "longest", "leader"], ascending=[False, False, True])


def overdue_sentence(overdue: pd.DataFrame, week: dt.date) -> str:
    """"截至9月5日，按倒排工期应办结而未办结的手续M项，涉及K个项目。按责任领导分：林振华3项、韩卫东1项。"."""
    sunday = week_end(week)
    if overdue.empty:
        return f"截至{sunday.month}月{sunday.day}日，按倒排工期计划应办结的手续均已办结。"
    owners = "、".join(f"{r.leader}{r.procedures}项" for r in overdue_by_leader(overdue).itertuples())
    return (f"截至{sunday.month}月{sunday.day}日，按倒排工期计划应办结而未办结的手续{len(overdue)}项，"
            f"涉及{overdue['project_code'].nunique()}个项目。按责任领导分：{owners}。请责任领导督促限期办结。")


# ── reading the marts ──

# The only reads of the digest. Procedure rows, library snapshots and signings are not in any mart.
QUERIES: dict[str, str] = {
    # each project's reports of the week, of its first week and of its latest week up to this one
    "mart_project_week": (
        "WITH span AS (SELECT project_code, MIN(week_start) AS first_week, MAX(week_start) AS last_week\n"
        "              FROM mart_project_week WHERE week_start <= :week GROUP BY project_code)\n"
        "SELECT m.project_code, m.week_start, m.invest_week_wan, m.invest_cum_wan, m.stage, m.procedures_done,\n"
        "       m.procedures_overdue, m.open_problems, m.project_name, m.cadre, m.planned_wan, m.leader, m.file_id\n"
        "FROM mart_project_week m JOIN span s ON s.project_code = m.project_code\n"
        "WHERE m.week_start = :week OR m.week_start = s.first_week OR m.week_start = s.last_week\n"
        "ORDER BY m.week_start, m.project_code, m.file_id"),
    # each project's procedure rows of the week and of its latest report before it (found among the
    # weekly reports, one row a file, and then read by file: the procedures themselves are never scanned)
    "fact_procedure_week": (
        "WITH reports AS (SELECT w.project_code, w.week_start, w.file_id\n"
        "                 FROM fact_project_week w JOIN ingested_file f ON f.id = w.file_id AND f.status = 'loaded'\n"
        "                 WHERE w.week_start <= :week),\n"
        "     previous AS (SELECT project_code, MAX(week_start) AS week_start FROM reports\n"
        "                  WHERE week_start < :week GROUP BY project_code)\n"
        "SELECT p.project_code, p.week_start, p.week_end, p.procedure, p.status, p.planned_on,\n"
        "       p.done_on, p.cadre, p.file_id, p.sheet_row\n"
        "FROM fact_procedure_week p\n"
        "WHERE p.file_id IN (SELECT r.file_id FROM reports r LEFT JOIN previous b ON b.project_code = r.project_code\n"
        "                    WHERE r.week_start = :week OR r.week_start = b.week_start)\n"
        "ORDER BY p.week_start, p.project_code, p.file_id, p.sheet_row"),
    "mart_problem": (
        "SELECT project_code, description, category, leader, deadline, status, first_week, last_week,\n"
        "       resolved_week, weeks_reported, unit, cadre, file_id\n"
        "FROM mart_problem\nWHERE first_week <= :week\nORDER BY project_code, first_week, description"),
    "mart_submission": (
        "SELECT kind, subject, period, status, received_at, due_at\n"
        "FROM mart_submission\nWHERE kind = '周报' AND period = :period\nORDER BY subject"),
    "project_snapshot": (
        "SELECT s.snapshot_at, s.project_code, s.project_name, s.builder, s.group_code, s.planned_wan,\n"
        "       s.cadre, s.leader, s.status, s.file_id, s.sheet_row\nFROM project_snapshot s\n"
        "JOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "ORDER BY s.snapshot_at, s.project_code"),
    "fact_signing": (
        "SELECT s.group_code, s.month, s.project_name, s.enterprise, s.signed_on, s.agreement,\n"
        "       s.investment_wan, s.file_id, s.sheet_row\nFROM fact_signing s\n"
        "JOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "ORDER BY s.signed_on, s.group_code, s.sheet_row"),
    "dim_group": "SELECT group_code, name\nFROM dim_group\nORDER BY group_code",
}
DATES = {"week_start", "week_end", "planned_on", "done_on", "deadline", "first_week", "last_week", "resolved_week",
         "signed_on"}
TIMES = {"snapshot_at", "received_at", "due_at"}
AMOUNTS = {"invest_week_wan", "invest_cum_wan", "planned_wan", "investment_wan"}
COUNTS = {"procedures_done", "procedures_overdue", "open_problems", "weeks_reported", "file_id", "sheet_row"}


@dataclass
class DigestData:
    """The rows the digest is built from: one DataFrame per named query, and the parameters used."""

    week: dt.date
    frames: dict[str, pd.DataFrame]
    params: dict[str, str]


# ── reading ──

def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Same types on SQLite and PostgreSQL (see reports.common.typed_frame)."""
    return typed_frame(frame, dates=DATES, times=TIMES, amounts=AMOUNTS, counts=COUNTS)


def read_digest_data(engine: Engine, week: dt.date) -> DigestData:
    """Run every digest query for the week starting on Monday `week` (and the weeks before it)."""
    params = {"week": week.isoformat(), "period": week.isoformat()}
    frames = {}
    with engine.connect() as conn:
        for name, sql in QUERIES.items():
            result = conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
            frames[name] = _typed(pd.DataFrame(result.fetchall(), columns=list(result.keys())))
    return DigestData(week, frames, params)
