"""China's official working calendar (holidays and 调休 make-up working days).

Backed by the `chinesecalendar` package, which is updated each year once the State
Council publishes the next year's holiday arrangement. For a year it does not cover
yet, we fall back to Monday–Friday and log a warning once: deadlines may then land
on a holiday until the package is upgraded (`uv lock --upgrade-package chinesecalendar`).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache

import chinese_calendar

log = logging.getLogger(__name__)


def is_workday(day: dt.date) -> bool:
    """True on an official working day (make-up Saturdays included, holidays excluded)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        _warn_uncovered(day.year)
        return day.weekday() < 5


@cache
def _warn_uncovered(year: int) -> None:
    log.warning("chinesecalendar does not cover %s yet: treating Mon–Fri as working days", year)
