"""Who still owes a submission (催报): pure look-ups over what is due and what arrived."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import pandas as pd

from transforms.marts.deadlines import (
    ACTIVE_PROJECT_STATUSES,
    digest_week_on,
    library_as_of,
    monthly_reminder_stage,
    weekly_deadline,
)

IsWorkday = Callable[[dt.date], bool]


def reminders_due(now: dt.datetime, monthly_day: int, weekly_weekday: int, weekly_hour: int,
                  is_workday: IsWorkday) -> list[tuple[str, str, str]]:
    """(kind, period, stage) reminders that `now` calls for.

    Monthly: the working day before the deadline ("before") and the one after ("after"), in the morning.
    Weekly: on the deadline day, before the deadline hour ("before") and after it ("after").
    """
    due = []
    monthly = monthly_reminder_stage(now.date(), monthly_day, is_workday)
    if monthly and now.hour < 12:
        due.append(("月报", monthly[0], monthly[1]))
    week = digest_week_on(now.date(), weekly_weekday, is_workday)
    if week is not None:
        deadline = weekly_deadline(week, weekly_weekday, weekly_hour, is_workday)
        due.append(("周报", week.isoformat(), "before" if now < deadline else "after"))
    return due


def groups_owing(group_codes: Sequence[str], accepted: pd.DataFrame, month: str) -> list[str]:
    """Groups with no accepted monthly report for `month`. `accepted`: kind, subject, period."""
    got = set(accepted.loc[(accepted["kind"] == "月报") & (accepted["period"] == month), "subject"])
    return [code for code in group_codes if code not in got]


def cadres_owing(snapshots: pd.DataFrame, accepted: pd.DataFrame, week: dt.date) -> list[str]:
    """Liaison cadres of active projects (library as of the week's end) with no accepted report for `week`."""
    library = library_as_of(snapshots, dt.datetime.combine(week + dt.timedelta(days=7), dt.time()))
    cadres = sorted(set(library.loc[library["status"].isin(ACTIVE_PROJECT_STATUSES), "cadre"]))
    got = set(accepted.loc[(accepted["kind"] == "周报") & (accepted["period"] == week.isoformat()), "subject"])
    return [cadre for cadre in cadres if cadre not in got]
