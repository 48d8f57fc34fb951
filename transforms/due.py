"""What was due and by when: one row per kind, subject and period (feeds mart_submission)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd

IsWorkday = Callable[[dt.date], bool]
DUE_COLUMNS = ["kind", "subject", "period", "due_at"]


def first_workday_from(day: dt.date, is_workday: IsWorkday) -> dt.date:
    """`day` itself if it is a working day, else the next one (遇节假日顺延)."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def month_after(month: str) -> str:
    """The month following "YYYY-MM"."""
    year, mon = map(int, month.split("-"))
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive ("YYYY-MM")."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = month_after(month)
    return months


def monthly_deadline(month: str, day: int, is_workday: IsWorkday) -> dt.datetime:
    """End of the due day of a month's report: the `day`th of the next month, moved past holidays."""
    year, mon = map(int, month_after(month).split("-"))
    due_day = first_workday_from(dt.date(year, mon, day), is_workday)
    return dt.datetime.combine(due_day, dt.time(23, 59, 59))


def monthly_reports_due(kind: str, groups: Sequence[str], start_month: str, now: dt.datetime, day: int,
                        is_workday: IsWorkday) -> pd.DataFrame:
    """One row per group and month from `start_month` whose deadline has passed by `now`."""
    last = f"{now.year:04d}-{now.month:02d}"
    rows = [
        (kind, group, month, deadline)
        for month in months_between(start_month, last)
        if (deadline := monthly_deadline(month, day, is_workday)) < now
        for group in groups
    ]
    return pd.DataFrame(rows, columns=DUE_COLUMNS)


ACTIVE_PROJECT_STATUSES = ("已签约", "在建")  # projects whose liaison cadre reports weekly


def weekly_deadline(week_start: dt.date, weekday: int, hour: int, is_workday: IsWorkday) -> dt.datetime:
    """When a week's report is due: the given weekday of the next week at `hour`, moved past holidays."""
    due_day = first_workday_from(week_start + dt.timedelta(days=6 + weekday), is_workday)
    return dt.datetime.combine(due_day, dt.time(hour, 0))


def weeks_before_library(first_week: dt.date, snapshots: pd.DataFrame) -> list[dt.date]:
    """The weeks (Mondays) from `first_week` that ended before the first library snapshot arrived:
    the weeks whose dues the earliest snapshot stands in for (DESIGN §5)."""
    if snapshots.empty:
        return []
    first = pd.to_datetime(snapshots["snapshot_at"]).min()
    week, weeks = first_week - dt.timedelta(days=first_week.weekday()), []
    while pd.Timestamp(week + dt.timedelta(days=7)) < first:
        weeks.append(week)
        week += dt.timedelta(days=7)
    return weeks


def library_as_of(snapshots: pd.DataFrame, moment: dt.datetime) -> pd.DataFrame:
    """The project library as it stood at `moment`: the latest snapshot received by then (empty before the first)."""
    earlier = snapshots[pd.to_datetime(snapshots["snapshot_at"]) <= moment]
    if earlier.empty:
        return earlier
    return earlier[pd.to_datetime(earlier["snapshot_at"]) == pd.to_datetime(earlier["snapshot_at"]).max()]


def weekly_reports_due(kind: str, snapshots: pd.DataFrame, first_week: dt.date, now: dt.datetime, weekday: int,
                       hour: int, is_workday: IsWorkday) -> pd.DataFrame:
    """One row per liaison cadre and week from `first_week` whose deadline has passed by `now`.

    A cadre owes a week's report when, in the library as it stood at the end of that week,
    they are 包联人 of at least one project that is 已签约 or 在建. For weeks before the first
    snapshot arrived, the earliest snapshot stands in (DESIGN §5): the office usually starts the
    library after weekly reporting has begun. `snapshots`: snapshot_at, project_code, cadre,
    status (every snapshot's rows).
    """
    taken = pd.to_datetime(snapshots["snapshot_at"])
    active = snapshots["status"].isin(ACTIVE_PROJECT_STATUSES)
    moments = sorted(set(taken))  # each snapshot's active cadres, computed once (library_as_of, per week, is slow)
    owing = {moment: sorted(set(snapshots.loc[active & (taken == moment), "cadre"])) for moment in moments}
    rows, week = [], first_week - dt.timedelta(days=first_week.weekday())
    while (deadline := weekly_deadline(week, weekday, hour, is_workday)) < now:
        latest = bisect.bisect_right(moments, pd.Timestamp(week + dt.timedelta(days=7)))  # the library at the week's end
        cadres = owing[moments[max(latest, 1) - 1]] if moments else []
        rows += [(kind, cadre, week.isoformat(), deadline) for cadre in cadres]
        week += dt.timedelta(days=7)
    return pd.DataFrame(rows, columns=DUE_COLUMNS)


# ── report days: when a scheduled run actually acts (cron wakes it; these decide) ──

def next_workday_after(day: dt.date, is_workday: IsWorkday) -> dt.date:
    """The first official working day strictly after `day`."""
    return first_workday_from(day + dt.timedelta(days=1), is_workday)


def previous_workday_before(day: dt.date, is_workday: IsWorkday) -> dt.date:
    """The last official working day strictly before `day`."""
    day -= dt.timedelta(days=1)
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def bulletin_day(month: str, deadline_day: int, is_workday: IsWorkday) -> dt.date:
    """The monthly bulletin goes out on the first working day after the monthly reports' deadline."""
    return next_workday_after(monthly_deadline(month, deadline_day, is_workday).date(), is_workday)


def month_of_bulletin_on(day: dt.date, deadline_day: int, is_workday: IsWorkday) -> str | None:
    """The month whose bulletin is due on `day`, if any (the month before last or last month)."""
    previous = dt.date(day.year, day.month, 1) - dt.timedelta(days=1)
    for month in (f"{previous.year:04d}-{previous.month:02d}",):
        if bulletin_day(month, deadline_day, is_workday) == day:
            return month
    return None


def digest_week_on(day: dt.date, weekday: int, is_workday: IsWorkday) -> dt.date | None:
    """The week (its Monday) whose digest is due on `day`: the weekly reports' deadline day."""
    for back in range(7, 21):
        week = day - dt.timedelta(days=back)
        if week.weekday() == 0 and weekly_deadline(week, weekday, 0, is_workday).date() == day:
            return week
    return None


def appraisal_day(half: str, is_workday: IsWorkday) -> dt.date:
    """The half-year appraisal goes out on the first working day from 15 July (H1) or 15 January (H2)."""
    year, part = int(half[:4]), half[-1]
    start = dt.date(year, 7, 15) if part == "1" else dt.date(year + 1, 1, 15)
    return first_workday_from(start, is_workday)


def half_of_appraisal_on(day: dt.date, is_workday: IsWorkday) -> str | None:
    """The half-year whose appraisal is due on `day`, if any."""
    half = f"{day.year}H1" if day.month == 7 else f"{day.year - 1}H2"
    return half if day.month in (1, 7) and appraisal_day(half, is_workday) == day else None


def monthly_reminder_stage(day: dt.date, deadline_day: int, is_workday: IsWorkday) -> tuple[str, str] | None:
    """(month, "before"|"after") if `day` is the working day before or after a monthly deadline."""
    previous = dt.date(day.year, day.month, 1) - dt.timedelta(days=1)
    for month in (f"{previous.year:04d}-{previous.month:02d}", f"{day.year:04d}-{day.month:02d}"):
        due = monthly_deadline(month, deadline_day, is_workday).date()
        if previous_workday_before(due, is_workday) == day:
            return month, "before"
        if next_workday_after(due, is_workday) == day:
            return month, "after"
    return None


def stand_in_note(weeks: Sequence[dt.date], snapshots: pd.DataFrame) -> str | None:
    """The sentence an output prints when some of `weeks` (Mondays) ended before the first library
    snapshot arrived, so that their dues came from the earliest snapshot (DESIGN §5); None otherwise."""
    if snapshots.empty or not weeks:
        return None
    before = weeks_before_library(min(weeks), snapshots)
    covered = sorted(set(before) & set(weeks))
    if not covered:
        return None
    first = pd.to_datetime(snapshots["snapshot_at"]).min()
    span = (f"{covered[0].month}月{covered[0].day}日那一周" if len(covered) == 1 else
            f"{covered[0].month}月{covered[0].day}日至{covered[-1].month}月{covered[-1].day}日开始的各周")
    return (f"注：项目库于{first.year}年{first.month}月{first.day}日首次报送，{span}的应报周报名单"
            "按最早一份项目库确定。")
