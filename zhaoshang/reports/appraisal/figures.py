"""The half-year appraisal (半年考核汇总, DESIGN §5): indicators, points, scores and ranks. Pure.

Grain: one row per appraised person (the roster's members, role "member") and one row per
group, for one half-year (`2021H1` = 1 January – 30 June, `2021H2` = 1 July – 31 December).

Inputs are warehouse rows of *current* submissions (the reader keeps only files whose
ledger status is 'loaded'; a corrected file has replaced the one it corrects):
- contacts:    fact_contact up to the half's last day — group_code, enterprise, region, contact_date,
               contact_person (earlier contacts matter for crediting signings)
- signings:    fact_signing signed within the half — group_code, project_name, enterprise, signed_on,
               investment_wan, liaison
- expenses:    fact_expense from 1 January to the half's last day — group_code, spent_on, amount_yuan
- reviews:     fact_review_score of the half — person, rater, score
- weeks:       fact_project_week up to the half's last day — project_code, project_name, week_start, stage, cadre
- snapshots:   project_snapshot received up to the half's last day — snapshot_at, project_code,
               project_name, group_code, cadre, status
- submissions: mart_submission rows of periods in the half — kind, subject, period, status, due_at
- patterns:    dim_key_enterprise — pattern (a key enterprise's name or alias), enterprise
- cohort:      person, group_code, secretary (bool), cadre (bool), in roster order
- groups:      group_code, name, budget_yuan, in configuration order

The rules every number rests on (the report's 方法说明 prints them from here):
- contacts: the person's 对接企业 rows (对接人 = the person); key-enterprise contacts: those whose
  enterprise name contains a configured key-enterprise name or alias; key regions covered: distinct
  configured key regions among those rows' 所在地区. A group's: all of its report's rows.
- signings (SIGNING_RULES): credited to the signing's 包联人 when that person is appraised; else
  split equally among the group's appraised members who contacted the same enterprise (same
  normalised name) in the half or before — each gets 1/n of the signing and amount/n of its
  investment, so the shares add up to the whole; else to the group's secretary; else to nobody
  (the group's figures still count it). A group's: every signing in its reports.
- construction starts: a project started on the date of the earliest record showing it under
  construction (weekly 建设阶段 开工建设 or later, or library 项目状态 在建/已投产); it counts for
  the half that date falls in, provided the start is *seen*: an earlier record shows the project
  not yet started (前期手续; 在谈/已签约), or the first weekly record showing it under construction
  has the stage 开工建设 itself. A project first recorded already further along (主体施工, or 在建
  with no weekly 开工建设) started at an unknown earlier time and does not count. Credited to the
  cadre (包联人) on the earliest record; the group is the project's 工作组 in the library.
- timeliness: on-time share of the submissions due by the appraisal date that the person was
  responsible for (a secretary: the group's monthly reports; a cadre: their weekly reports).
  Nobody responsible → not applicable. A group's: its monthly reports and its cadres' weekly reports.
- budget execution (groups): closeness of spending to the time-elapsed pace (序时进度):
  100 − |used ÷ elapsed − 1| × 100, at least 0, where used = spending 1 January – half end ÷ yearly
  budget and elapsed = 6/12 after H1, 12/12 after H2. No budget → not applicable.
- review: the mean of the raters' scores; nobody scored the person → 0 points (述职 is everyone's duty).
- points 0–100 per indicator, rounded half up to 2 decimals: share_of_best = value ÷ the cohort's
  best × 100 (best 0 → everyone 0); target = value ÷ target × 100, at most 100.
- score = Σ weight × points ÷ Σ weight over the indicators that apply to the person (a not-applicable
  indicator leaves both sums), rounded half up to 2 decimals; rank: standard competition ranking
  on the rounded score (1, 2, 2, 4).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import Engine, text

from zhaoshang.reports.common import typed_frame

# name → (label as printed, unit, decimals of the printed value)
INDICATORS: dict[str, tuple[str, str, int]] = {
    "contacts": ("对接企业", "家次", 0),
    "key_enterprise_contacts": ("重点企业对接", "家次", 0),
    "key_regions": ("覆盖重点区域", "个", 0),
    "signings": ("签约项目", "个", 4),
    "signed_investment": ("协议投资额", "万元", 4),
    "construction_starts": ("开工项目", "个", 0),
    "timeliness": ("按时报送率", "%", 2),
    "budget_execution": ("经费执行接近度", "%", 2),
    "review": ("述职评议平均分", "分", 2),
}
PERSON_INDICATORS = ("contacts", "key_enterprise_contacts", "key_regions", "signings", "signed_investment",
                     "construction_starts", "timeliness", "review")
GROUP_INDICATORS = ("contacts", "key_enterprise_contacts", "key_regions", "signings", "signed_investment",
                    "construction_starts", "timeliness", "budget_execution")
MAY_NOT_APPLY = ("timeliness", "budget_execution")  # NaN = not applicable; NaN elsewhere counts as 0
NORMALISATIONS = ("share_of_best", "target")
SIGNING_RULES = ("liaison", "contacts")  # "contacts": skip the 包联人 step, start with the contact persons
STAGES = ("前期手续", "开工建设", "主体施工", "设备安装", "竣工验收", "投产运营")
STARTED_STATUSES = ("在建", "已投产")
NOT_STARTED_STATUSES = ("在谈", "已签约")
NO_ACTIVITY = "本期无业务记录"
NO_REVIEW = "无述职评议得分"
NO_DUTY = "无报送任务，按时报送率不计分"
_HALF = re.compile(r"^(\d{4})H([12])$")


# ── the period ──

@dataclass(frozen=True)
class Half:
    """A half-year: its code, first and last day."""

    code: str
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        """"2021年上半年" / "2021年下半年"."""
        return f"{self.first.year}年{'上' if self.first.month == 1 else '下'}半年"

    @property
    def span(self) -> str:
        """"2021年1月1日至6月30日"."""
        return f"{self.first.year}年{self.first.month}月{self.first.day}日至{self.last.month}月{self.last.day}日"

    @property
    def months(self) -> list[str]:
        """The half's months, "YYYY-MM"."""
        return [f"{self.first.year}-{m:02d}" for m in range(self.first.month, self.last.month + 1)]

    @property
    def elapsed(self) -> Decimal:
        """Share of the year elapsed at the half's end (序时进度): 6/12 or 12/12."""
        return Decimal(self.last.month) / Decimal(12)


def half_of(code: str) -> Half:
    """The half-year "YYYYH1"/"YYYYH2"; anything else is a ValueError."""
    match = _HALF.match(code or "")
    if not match:
        raise ValueError(f"考核期格式应为 YYYYH1 或 YYYYH2（例如 2021H1），收到的是 {code!r}")
    year, part = int(match.group(1)), match.group(2)
    if part == "1":
        return Half(code, dt.date(year, 1, 1), dt.date(year, 6, 30))
    return Half(code, dt.date(year, 7, 1), dt.date(year, 12, 31))


# ── the method (from configuration) ──

@dataclass(frozen=True)
class Method:
    """How indicators become points and points a score (config/zhaoshang.toml [appraisal])."""

    weights: Mapping[str, float]
    group_weights: Mapping[str, float]
    normalisation: str = "share_of_best"
    targets: Mapping[str, float] = field(default_factory=dict)
    signing_credit: str = "liaison"
    key_regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse a configuration that cannot be applied, naming the offending key."""
        for section, weights, allowed in (("weights", self.weights, PERSON_INDICATORS),
                                          ("group_weights", self.group_weights, GROUP_INDICATORS)):
            unknown = sorted(set(weights) - set(allowed))
            if unknown:
                raise ValueError(f"[appraisal.{section}] has unknown indicator(s) {unknown}; allowed: {list(allowed)}")
            negative = sorted(k for k, w in weights.items() if w < 0)
            if negative:
                raise ValueError(f"[appraisal.{section}] weights must not be negative: {negative}")
        if self.normalisation not in NORMALISATIONS:
            raise ValueError(f"[appraisal] normalisation must be one of {list(NORMALISATIONS)}, not {self.normalisation!r}")
        if self.signing_credit not in SIGNING_RULES:
            raise ValueError(f"[appraisal] signing_credit must be one of {list(SIGNING_RULES)}, not {self.signing_credit!r}")
        if self.normalisation == "target":
            needed = {k for w in (self.weights, self.group_weights) for k, v in w.items() if v > 0}
            missing = sorted(k for k in needed if not self.targets.get(k, 0) > 0)
            if missing:
                raise ValueError(f"[appraisal.targets] needs a positive target for {missing} (normalisation = \"target\")")


# ── numbers ──

def round_half_up(value: float | Decimal, places: int = 2) -> float:
    """`value` rounded half up on its decimal digits (2.675 → 2.68), as a float."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


# ── rows of the half ──

def rows_in_half(frame: pd.DataFrame, column: str, half: Half) -> pd.DataFrame:
    """Rows whose date `column` lies within the half."""
    days = pd.to_datetime(frame[column]).dt.date
    return frame[(days >= half.first) & (days <= half.last)]


def key_enterprise_flags(enterprises: pd.Series, patterns: pd.DataFrame) -> pd.Series:
    """True where the enterprise name contains a key-enterprise name or alias (DESIGN §4)."""
    names = list(patterns["pattern"])
    return enterprises.map(lambda e: any(p in str(e) for p in names)).astype(bool)


def contact_indicators(contacts: pd.DataFrame, patterns: pd.DataFrame, key_regions: Sequence[str],
                       by: str) -> pd.DataFrame:
    """Per `by` (contact_person or group_code): contacts, key_enterprise_contacts, key_regions covered."""
    rows = contacts.assign(is_key=key_enterprise_flags(contacts["enterprise"], patterns),
                           key_region=contacts["region"].where(contacts["region"].isin(list(key_regions))))
    grouped = rows.groupby(by)
    return pd.DataFrame({
        "contacts": grouped.size(),
        "key_enterprise_contacts": grouped["is_key"].sum(),
        "key_regions": grouped["key_region"].nunique(),
    }).astype(int)


# ── signings and who is credited ──

CREDIT_COLUMNS = ["file_id", "sheet_row", "group_code", "project_name", "enterprise", "signed_on", "investment_wan",
                  "liaison", "person", "share", "credited_wan", "basis"]


def signing_shares(signing: Mapping, contacts: pd.DataFrame, cohort: pd.DataFrame, half: Half,
                   rule: str) -> tuple[list[str], str]:
    """Who is credited with one signing, and on what basis (each credited person gets 1/n)."""
    appraised = set(cohort["person"])
    liaison = signing.get("liaison") or ""
    if rule == "liaison" and liaison in appraised:
        return [liaison], "包联人"
    members = cohort.loc[cohort["group_code"] == signing["group_code"], "person"]
    seen = contacts[(contacts["group_code"] == signing["group_code"]) & (contacts["enterprise"] == signing["enterprise"])
                    & (pd.to_datetime(contacts["contact_date"]).dt.date <= half.last)
                    & contacts["contact_person"].isin(list(members))]
    if len(seen):
        order = list(members)
        return sorted(set(seen["contact_person"]), key=order.index), "对接人均分"
    secretary = cohort.loc[(cohort["group_code"] == signing["group_code"]) & cohort["secretary"], "person"]
    if len(secretary):
        return [secretary.iloc[0]], "工作组秘书"
    return [], "未计入个人"


def signing_credits(signings: pd.DataFrame, contacts: pd.DataFrame, cohort: pd.DataFrame, half: Half,
                    rule: str) -> pd.DataFrame:
    """One row per signing and credited person (share = 1/n, credited_wan = amount/n); person None if nobody."""
    rows = []
    for signing in signings.to_dict("records"):
        people, basis = signing_shares(signing, contacts, cohort, half, rule)
        base = {c: signing.get(c) for c in CREDIT_COLUMNS[:8]}
        amount = float(signing["investment_wan"])
        for person in people or [None]:
            n = len(people) or 1
            rows.append({**base, "person": person, "share": 1 / n if people else 0.0,
                         "credited_wan": amount / n if people else 0.0, "basis": basis})
    return pd.DataFrame(rows, columns=CREDIT_COLUMNS)


def credited_signings(credits: pd.DataFrame) -> pd.DataFrame:
    """Per person: signings (sum of shares) and signed_investment (sum of credited 万元)."""
    credited = credits.dropna(subset=["person"]).groupby("person")
    return pd.DataFrame({"signings": credited["share"].sum(), "signed_investment": credited["credited_wan"].sum()})


def group_signings(signings: pd.DataFrame) -> pd.DataFrame:
    """Per group: signings and signed_investment (万元) in its reports."""
    grouped = signings.groupby("group_code")
    return pd.DataFrame({"signings": grouped.size(), "signed_investment": grouped["investment_wan"].sum().astype(float)})


# ── construction starts ──

START_COLUMNS = ["project_code", "project_name", "group_code", "cadre", "started_on", "evidence"]


def progress_observations(weeks: pd.DataFrame, snapshots: pd.DataFrame) -> pd.DataFrame:
    """One row per record of a project's state: on (date), started, exact_start, cadre, what (as printed)."""
    weekly = pd.DataFrame({
        "project_code": weeks["project_code"], "on": pd.to_datetime(weeks["week_start"]).dt.date,
        "started": weeks["stage"].map(lambda s: s in STAGES[1:]), "exact_start": weeks["stage"] == STAGES[1],
        "cadre": weeks["cadre"], "what": "周报建设阶段“" + weeks["stage"].astype(str) + "”", "source": "周报",
    })
    known = snapshots[snapshots["status"].isin(STARTED_STATUSES + NOT_STARTED_STATUSES)]
    library = pd.DataFrame({
        "project_code": known["project_code"], "on": pd.to_datetime(known["snapshot_at"]).dt.date,
        "started": known["status"].isin(STARTED_STATUSES), "exact_start": False,
        "cadre": known["cadre"], "what": "项目库状态“" + known["status"].astype(str) + "”", "source": "项目库",
    })
    frames = [f for f in (weekly, library) if len(f)]
    if not frames:
        return pd.DataFrame(columns=["project_code", "on", "started", "exact_start", "cadre", "what", "source"])
    return pd.concat(frames, ignore_index=True).sort_values(["project_code", "on"], kind="stable")


def project_start(records: pd.DataFrame) -> tuple[dt.date, str, str] | None:
    """(started_on, cadre, evidence) of one project's seen start, or None (no start, or started before any record)."""
    started = records[records["started"]]
    if started.empty:
        return None
    first = started.iloc[0]
    before = records[(records["on"] < first["on"]) & ~records["started"]]
    weekly = started[started["source"] == "周报"]
    shown = [f"{r['on'].isoformat()} {r['what']}" for r in (first.to_dict(), *weekly.iloc[:1].to_dict("records"))]
    if len(before):
        last = before.iloc[-1]
        return first["on"], first["cadre"], f"{last['on'].isoformat()} {last['what']} → {shown[0]}"
    if len(weekly) and weekly.iloc[0]["exact_start"]:
        return first["on"], first["cadre"], "；".join(dict.fromkeys(shown))
    return None


def construction_starts(weeks: pd.DataFrame, snapshots: pd.DataFrame, half: Half,
                        cohort: pd.DataFrame) -> pd.DataFrame:
    """One row per project whose seen start falls in the half: group, cadre, date and the records showing it."""
    observations = progress_observations(weeks, snapshots)
    names = {**dict(zip(snapshots["project_code"], snapshots["project_name"])),
             **dict(zip(weeks["project_code"], weeks["project_name"]))}
    library = snapshots.sort_values("snapshot_at", kind="stable")
    group_of = dict(zip(library["project_code"], library["group_code"]))
    cadre_group = dict(zip(cohort["person"], cohort["group_code"]))
    rows = []
    for code, records in observations.groupby("project_code", sort=True):
        start = project_start(records)
        if start and half.first <= start[0] <= half.last:
            rows.append({"project_code": code, "project_name": names.get(code, ""),
                         "group_code": group_of.get(code, cadre_group.get(start[1])), "cadre": start[1],
                         "started_on": start[0], "evidence": start[2]})
    return pd.DataFrame(rows, columns=START_COLUMNS)


# ── submissions ──

DUTY_COLUMNS = ["person", "group_code", "kind", "subject", "period", "status", "due_at"]


def submission_duties(submissions: pd.DataFrame, cohort: pd.DataFrame, as_of: dt.datetime) -> pd.DataFrame:
    """One row per person and submission they answer for that was due by `as_of` (secretary: 月报; cadre: 周报)."""
    due = submissions[pd.to_datetime(submissions["due_at"]) <= pd.Timestamp(as_of)]
    parts = []
    for person in cohort.to_dict("records"):
        mine = pd.Series(False, index=due.index)
        if person["secretary"]:
            mine |= (due["kind"] == "月报") & (due["subject"] == person["group_code"])
        if person["cadre"]:
            mine |= (due["kind"] == "周报") & (due["subject"] == person["person"])
        parts.append(due[mine].assign(person=person["person"], group_code=person["group_code"]))
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame(columns=DUTY_COLUMNS)
    return pd.concat(frames, ignore_index=True)[DUTY_COLUMNS]


def group_duties(submissions: pd.DataFrame, cohort: pd.DataFrame, as_of: dt.datetime) -> pd.DataFrame:
    """One row per group and submission due by `as_of`: its monthly reports and its cadres' weekly reports."""
    due = submissions[pd.to_datetime(submissions["due_at"]) <= pd.Timestamp(as_of)]
    cadre_group = dict(zip(cohort.loc[cohort["cadre"], "person"], cohort.loc[cohort["cadre"], "group_code"]))
    owner = due["subject"].where(due["kind"] == "月报", due["subject"].map(cadre_group))
    return due.assign(group_code=owner).dropna(subset=["group_code"])


def timeliness(duties: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per `by`: submissions_due, submissions_on_time and timeliness (% on time)."""
    grouped = duties.assign(on_time=duties["status"] == "on_time").groupby(by)
    frame = pd.DataFrame({"submissions_due": grouped.size(), "submissions_on_time": grouped["on_time"].sum()}).astype(int)
    return frame.assign(timeliness=frame["submissions_on_time"] * 100 / frame["submissions_due"])


# ── review and budget ──

def review_means(reviews: pd.DataFrame) -> pd.DataFrame:
    """Per person: review (mean of the raters' scores) and raters (how many)."""
    grouped = reviews.assign(score=reviews["score"].astype(float)).groupby("person")
    return pd.DataFrame({"review": grouped["score"].mean(), "raters": grouped.size()})


def budget_execution(expenses: pd.DataFrame, groups: pd.DataFrame, half: Half) -> pd.DataFrame:
    """Per group: spent_yuan (1 January to half end), used share, and budget_execution (closeness to pace, %)."""
    year = expenses[pd.to_datetime(expenses["spent_on"]).dt.date.between(dt.date(half.first.year, 1, 1), half.last)]
    spent = year.groupby("group_code")["amount_yuan"].sum().astype(float)
    frame = groups.set_index("group_code")[["budget_yuan"]].astype(float)
    frame["spent_yuan"] = spent.reindex(frame.index, fill_value=0.0)

    def closeness(row: pd.Series) -> float:
        if not row["budget_yuan"] > 0:
            return float("nan")
        pace = Decimal(str(row["spent_yuan"])) / Decimal(str(row["budget_yuan"])) / half.elapsed
        return float(max(Decimal(0), 100 - abs(pace - 1) * 100))

    frame["used_pct"] = (frame["spent_yuan"] * 100 / frame["budget_yuan"]).where(frame["budget_yuan"] > 0)
    frame["budget_execution"] = frame.apply(closeness, axis=1) if len(frame) else pd.Series(dtype=float)
    return frame


# ── indicators per person and per group ──

def person_indicators(contacts: pd.DataFrame, reviews: pd.DataFrame, starts: pd.DataFrame, credits: pd.DataFrame,
                      duties: pd.DataFrame, patterns: pd.DataFrame, cohort: pd.DataFrame, half: Half,
                      key_regions: Sequence[str]) -> pd.DataFrame:
    """One row per appraised person (roster order): every indicator's raw value, NaN where not applicable."""
    people = cohort.set_index("person")[["group_code"]]
    in_half = rows_in_half(contacts, "contact_date", half)
    frame = people.join(contact_indicators(in_half, patterns, key_regions, "contact_person"))
    frame = frame.join(credited_signings(credits)).join(starts.groupby("cadre").size().rename("construction_starts"))
    frame = frame.join(timeliness(duties, "person")).join(review_means(reviews))
    counts = ["contacts", "key_enterprise_contacts", "key_regions", "construction_starts", "submissions_due",
              "submissions_on_time", "raters"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    frame[["signings", "signed_investment"]] = frame[["signings", "signed_investment"]].fillna(0.0).astype(float)
    submitted = duties[duties["status"].isin(["on_time", "late"])].groupby("person").size()
    active = (frame["contacts"] + frame["signings"] + frame["construction_starts"]
              + submitted.reindex(frame.index, fill_value=0)) > 0
    return frame.assign(no_activity=~active).rename_axis("person").reset_index()


def group_indicators(contacts: pd.DataFrame, signings: pd.DataFrame, expenses: pd.DataFrame, starts: pd.DataFrame,
                     duties: pd.DataFrame, patterns: pd.DataFrame, groups: pd.DataFrame, half: Half,
                     key_regions: Sequence[str]) -> pd.DataFrame:
    """One row per group (configuration order): every indicator's raw value, NaN where not applicable."""
    in_half = rows_in_half(contacts, "contact_date", half)
    frame = groups.set_index("group_code")[["name"]]
    frame = frame.join(contact_indicators(in_half, patterns, key_regions, "group_code")).join(group_signings(signings))
    frame = frame.join(starts.groupby("group_code").size().rename("construction_starts"))
    frame = frame.join(timeliness(duties, "group_code")).join(budget_execution(expenses, groups, half))
    counts = ["contacts", "key_enterprise_contacts", "key_regions", "signings", "construction_starts",
              "submissions_due", "submissions_on_time"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    frame["signed_investment"] = frame["signed_investment"].fillna(0.0).astype(float)
    return frame.rename_axis("group_code").reset_index()


# ── points, scores, ranks ──

def indicator_points(values: pd.Series, normalisation: str, target: float | None = None) -> pd.Series:
    """Points 0–100 (2 decimals, half up) for one indicator's values; NaN (not applicable) stays NaN."""
    if normalisation == "target":
        return values.map(lambda v: v if pd.isna(v) else round_half_up(min(Decimal(str(v)) / Decimal(str(target)), 1) * 100))
    best = values.max(skipna=True)
    if pd.isna(best) or best <= 0:
        return values.map(lambda v: v if pd.isna(v) else 0.0)
    return values.map(lambda v: v if pd.isna(v) else round_half_up(Decimal(str(v)) / Decimal(str(best)) * 100))


def points_table(indicators: pd.DataFrame, names: Sequence[str], method: Method) -> pd.DataFrame:
    """points_<name> for each indicator of `names` (missing values count 0 except where MAY_NOT_APPLY)."""
    columns = {}
    for name in names:
        values = indicators[name].astype(float)
        if name not in MAY_NOT_APPLY:
            values = values.fillna(0.0)
        columns[f"points_{name}"] = indicator_points(values, method.normalisation, method.targets.get(name))
    return pd.DataFrame(columns, index=indicators.index)


def weighted_score(points: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Σ weight × points ÷ Σ weight over weighted, applicable indicators, rounded half up to 2 decimals."""
    used = {k: Decimal(str(w)) for k, w in weights.items() if w > 0 and not pd.isna(points[k])}
    total = sum(used.values(), Decimal(0))
    if not total:
        return 0.0
    return round_half_up(sum((w * Decimal(str(points[k])) for k, w in used.items()), Decimal(0)) / total)


def contributions(points: Mapping[str, float], weights: Mapping[str, float]) -> dict[str, float]:
    """Each indicator's share of the score: weight × points ÷ Σ applicable weights (they sum to the unrounded score)."""
    used = {k: w for k, w in weights.items() if w > 0 and not pd.isna(points[k])}
    total = sum(used.values())
    return {k: (w * points[k] / total if total else 0.0) for k, w in used.items()}


def competition_ranks(scores: pd.Series) -> pd.Series:
    """Standard competition ranking (1, 2, 2, 4): 1 + how many scores are strictly higher."""
    return scores.map(lambda s: int((scores > s).sum()) + 1)


def scored(indicators: pd.DataFrame, names: Sequence[str], weights: Mapping[str, float], method: Method) -> pd.DataFrame:
    """The indicators with points_*, appraisal_score and rank, sorted by rank (ties keep input order)."""
    points = points_table(indicators, names, method)
    score = [weighted_score({n: row[f"points_{n}"] for n in names}, weights) for _, row in points.iterrows()]
    frame = pd.concat([indicators, points], axis=1).assign(appraisal_score=score)
    frame["rank"] = competition_ranks(frame["appraisal_score"])
    return frame.sort_values("rank", kind="stable").reset_index(drop=True)


def person_notes(row: Mapping, weights: Mapping[str, float]) -> str:
    """The 备注 of one person: no activity, no review score, no submission duty."""
    notes = []
    if row["no_activity"]:
        notes.append(NO_ACTIVITY)
    if not row["raters"]:
        notes.append(NO_REVIEW)
    if pd.isna(row["timeliness"]) and weights.get("timeliness", 0) > 0:
        notes.append(NO_DUTY)
    return "；".join(notes)


def person_scores(indicators: pd.DataFrame, method: Method) -> pd.DataFrame:
    """One row per person in rank order: indicators, points_*, appraisal_score, rank, note."""
    frame = scored(indicators, PERSON_INDICATORS, method.weights, method)
    return frame.assign(note=[person_notes(r, method.weights) for r in frame.to_dict("records")])


def group_scores(indicators: pd.DataFrame, method: Method) -> pd.DataFrame:
    """One row per group in rank order: indicators, points_*, appraisal_score, rank."""
    return scored(indicators, GROUP_INDICATORS, method.group_weights, method)


# ── everything for one half ──

@dataclass
class AppraisalResult:
    """The appraisal of one half: scored people and groups, and the rows behind the credited figures."""

    half: Half
    as_of: dt.datetime
    method: Method
    people: pd.DataFrame
    groups: pd.DataFrame
    credits: pd.DataFrame
    starts: pd.DataFrame
    duties: pd.DataFrame


def half_appraisal(frames: Mapping[str, pd.DataFrame], cohort: pd.DataFrame, groups: pd.DataFrame, method: Method,
              half: Half, as_of: dt.datetime) -> AppraisalResult:
    """Score the half from the warehouse rows in `frames` (keys: contacts, signings, expenses, reviews, weeks,
    snapshots, submissions, patterns)."""
    f = frames
    signings = rows_in_half(f["signings"], "signed_on", half)
    credits = signing_credits(signings, f["contacts"], cohort, half, method.signing_credit)
    starts = construction_starts(f["weeks"], f["snapshots"], half, cohort)
    duties = submission_duties(f["submissions"], cohort, as_of)
    people = person_indicators(f["contacts"], f["reviews"], starts, credits, duties, f["patterns"],
                               cohort, half, method.key_regions)
    group_rows = group_indicators(f["contacts"], signings, f["expenses"], starts,
                                  group_duties(f["submissions"], cohort, as_of), f["patterns"], groups, half,
                                  method.key_regions)
    return AppraisalResult(half, as_of, method, person_scores(people, method), group_scores(group_rows, method),
                           credits, starts, duties)


# ── reading the marts ──

# The only reads of the appraisal: current (ledger status 'loaded') rows of every submission kind.
QUERIES: dict[str, str] = {
    "contacts": (
        "SELECT c.group_code, c.month, c.enterprise, c.region, c.industry, c.contact_date, c.method,\n"
        "       c.contact_person, c.stage, c.file_id, c.sheet_row\nFROM fact_contact c\n"
        "JOIN ingested_file f ON f.id = c.file_id AND f.status = 'loaded'\n"
        "WHERE c.contact_date <= :last\nORDER BY c.contact_date, c.file_id, c.sheet_row"),
    "signings": (
        "SELECT s.group_code, s.project_name, s.enterprise, s.signed_on, s.agreement, s.investment_wan, s.liaison,\n"
        "       s.file_id, s.sheet_row\nFROM fact_signing s\n"
        "JOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "WHERE s.signed_on >= :first AND s.signed_on <= :last\nORDER BY s.signed_on, s.file_id, s.sheet_row"),
    "expenses": (
        "SELECT e.group_code, e.spent_on, e.category, e.amount_yuan, e.file_id, e.sheet_row\nFROM fact_expense e\n"
        "JOIN ingested_file f ON f.id = e.file_id AND f.status = 'loaded'\n"
        "WHERE e.spent_on >= :year_first AND e.spent_on <= :last\nORDER BY e.spent_on, e.file_id, e.sheet_row"),
    "reviews": (
        "SELECT r.half, r.person, r.group_code, r.rater, r.score, r.file_id, r.sheet_row\nFROM current_review_score r\n"
        "WHERE r.half = :half\nORDER BY r.person, r.rater"),
    "weeks": (
        "SELECT p.project_code, p.project_name, p.week_start, p.stage, p.cadre, p.file_id, p.sheet_row\n"
        "FROM fact_project_week p\nJOIN ingested_file f ON f.id = p.file_id AND f.status = 'loaded'\n"
        "WHERE p.week_start <= :last\nORDER BY p.project_code, p.week_start"),
    "snapshots": (
        "SELECT s.snapshot_at, s.project_code, s.project_name, s.group_code, s.cadre, s.status, s.file_id, s.sheet_row\n"
        "FROM project_snapshot s\nJOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "WHERE s.snapshot_at < :after\nORDER BY s.project_code, s.snapshot_at"),
    "submissions": (
        "SELECT kind, subject, period, status, received_at, due_at\nFROM mart_submission\n"
        "WHERE (kind = '月报' AND period >= :first_month AND period <= :last_month)\n"
        "   OR (kind = '周报' AND period >= :first AND period <= :last)\nORDER BY kind, subject, period"),
    "patterns": "SELECT pattern, enterprise\nFROM dim_key_enterprise\nORDER BY pattern",
}
DATES = {"contact_date", "signed_on", "spent_on", "week_start"}
TIMES = {"snapshot_at", "received_at", "due_at"}
AMOUNTS = {"investment_wan", "amount_yuan", "score"}
COUNTS = {"file_id", "sheet_row"}


@dataclass
class AppraisalData:
    """The rows the appraisal is computed from: one DataFrame per named query, and the parameters used."""

    half: Half
    as_of: dt.datetime
    frames: dict[str, pd.DataFrame]
    params: dict[str, str]


# ── reading ──

def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Same types on SQLite and PostgreSQL (see reports.common.typed_frame)."""
    return typed_frame(frame, dates=DATES, times=TIMES, amounts=AMOUNTS, counts=COUNTS)


def read_appraisal_data(engine: Engine, half: Half, as_of: dt.datetime) -> AppraisalData:
    """Run every appraisal query for `half` (contacts, weekly stages and library history from before it too)."""
    params = {"first": half.first.isoformat(), "last": half.last.isoformat(), "half": half.code,
              "year_first": dt.date(half.first.year, 1, 1).isoformat(),
              "after": (half.last + dt.timedelta(days=1)).isoformat(),
              "first_month": half.months[0], "last_month": half.months[-1]}
    frames = {}
    with engine.connect() as conn:
        for name, sql in QUERIES.items():
            result = conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
            frames[name] = _typed(pd.DataFrame(result.fetchall(), columns=list(result.keys())))
    return AppraisalData(half, as_of, frames, params)
