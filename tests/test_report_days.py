"""When scheduled runs act, over whole years, with China's holidays and 调休 make-up days (hand-checked)."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.due import (
    appraisal_day,
    bulletin_day,
    digest_week_on,
    half_of_appraisal_on,
    month_of_bulletin_on,
    monthly_reminder_stage,
    weekly_deadline,
)
from zhaoshang.workcalendar import is_workday

D = dt.date.fromisoformat

# Monthly bulletin: first working day after the reports' deadline (the 5th, moved past holidays).
# 2021: Feb 7 is a make-up working Sunday (Spring Festival); Apr 5 is 清明 (deadline Apr 6);
# May 1–5 Labour Day (deadline May 6); Sep 5 a Sunday (deadline Sep 6); Oct 1–7 National Day
# (deadline Oct 8, and Oct 9 is a make-up working Saturday); Dec 5 a Sunday.
BULLETINS_2021 = ["2021-01-06", "2021-02-07", "2021-03-08", "2021-04-07", "2021-05-07", "2021-06-08",
                  "2021-07-06", "2021-08-06", "2021-09-07", "2021-10-09", "2021-11-08", "2021-12-07"]
# 2026: 清明 Apr 4–6 (deadline Apr 7); Labour Day May 1–5; National Day Oct 1–7 (Oct 10 a make-up Saturday).
BULLETINS_2026 = ["2026-01-06", "2026-02-06", "2026-03-06", "2026-04-08", "2026-05-07", "2026-06-08",
                  "2026-07-07", "2026-08-06", "2026-09-08", "2026-10-09", "2026-11-06", "2026-12-08"]

# Weekly reports are due Monday 12:00; when that Monday is a holiday, the next working day.
WEEKLY_SHIFTED_2021 = {"2021-02-08": "2021-02-18", "2021-03-29": "2021-04-06", "2021-04-26": "2021-05-06",
                       "2021-06-07": "2021-06-15", "2021-09-13": "2021-09-22", "2021-09-27": "2021-10-08"}
WEEKLY_SHIFTED_2026 = {"2026-02-09": "2026-02-24", "2026-02-16": "2026-02-24", "2026-03-30": "2026-04-07",
                       "2026-04-27": "2026-05-06", "2026-09-28": "2026-10-08"}


def every_day(year: int) -> list[dt.date]:
    return [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)]


@pytest.mark.parametrize(("year", "expected"), [(2021, BULLETINS_2021), (2026, BULLETINS_2026)])
def test_bulletin_fires_on_these_days_only(year: int, expected: list[str]) -> None:
    fired = [day.isoformat() for day in every_day(year) if month_of_bulletin_on(day, 5, is_workday)]
    assert fired == expected
    previous = [f"{year - 1}-12"] + [f"{year}-{m:02d}" for m in range(1, 12)]
    assert [bulletin_day(m, 5, is_workday).isoformat() for m in previous] == expected


@pytest.mark.parametrize(("year", "shifted"), [(2021, WEEKLY_SHIFTED_2021), (2026, WEEKLY_SHIFTED_2026)])
def test_weekly_deadlines_shift_past_holidays(year: int, shifted: dict[str, str]) -> None:
    mondays = [d for d in every_day(year) if d.weekday() == 0]
    moved = {w.isoformat(): weekly_deadline(w, 1, 12, is_workday).date().isoformat() for w in mondays
             if weekly_deadline(w, 1, 12, is_workday).date() != w + dt.timedelta(days=7)}
    moved = {w: d for w, d in moved.items() if d.startswith(str(year))}
    assert moved == shifted
    # the digest acts on exactly the deadline days, once per week
    digest_days = [d for d in every_day(year) if digest_week_on(d, 1, is_workday)]
    assert len(digest_days) == len({digest_week_on(d, 1, is_workday) for d in digest_days})
    for week, day in shifted.items():
        assert D(week) in {digest_week_on(D(day), 1, is_workday)} or len(
            [w for w, d in shifted.items() if d == day]) > 1


def test_appraisal_days_in_january_and_july() -> None:
    assert appraisal_day("2021H1", is_workday) == D("2021-07-15")
    assert appraisal_day("2020H2", is_workday) == D("2021-01-15")
    assert appraisal_day("2025H2", is_workday) == D("2026-01-15")
    assert [d.isoformat() for d in every_day(2026) if half_of_appraisal_on(d, is_workday)] == ["2026-01-15", "2026-07-15"]
    assert [d.isoformat() for d in every_day(2021) if half_of_appraisal_on(d, is_workday)] == ["2021-01-15", "2021-07-15"]


def test_monthly_reminders_the_working_day_before_and_after_the_deadline() -> None:
    stages = [(d.isoformat(), *monthly_reminder_stage(d, 5, is_workday)) for d in every_day(2021)
              if monthly_reminder_stage(d, 5, is_workday) and d.month in (2, 4, 9, 10)]
    # Feb: deadline Fri 02-05 → Thu 02-04 / Sun 02-07 (make-up day); Apr: deadline Tue 04-06 → Fri 04-02 / Wed 04-07;
    # May: deadline Thu 05-06 → Fri 04-30 (May 1–5 off); Sep: deadline Mon 09-06 → Fri 09-03 / Tue 09-07;
    # Oct: deadline Fri 10-08 → Thu 09-30 (Oct 1–7 off) / Sat 10-09 (make-up day).
    assert stages == [("2021-02-04", "2021-01", "before"), ("2021-02-07", "2021-01", "after"),
                      ("2021-04-02", "2021-03", "before"), ("2021-04-07", "2021-03", "after"),
                      ("2021-04-30", "2021-04", "before"),
                      ("2021-09-03", "2021-08", "before"), ("2021-09-07", "2021-08", "after"),
                      ("2021-09-30", "2021-09", "before"), ("2021-10-09", "2021-09", "after")]
