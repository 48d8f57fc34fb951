"""Scheduled entry points: the cron wakes them, China's working calendar decides whether they act.

Cron cannot follow holidays and 调休 make-up days, so each deployment wakes at a fixed hour
and these flows ask `transforms.due` whether today is the report day.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from flows.common import settings_for
from transforms.due import digest_week_on, half_of_appraisal_on, month_of_bulletin_on
from zhaoshang.workcalendar import is_workday


@flow(name="bulletin-on-report-day")
def bulletin_on_report_day(config: str | None = None, send: bool = True) -> str | None:
    """On the first working day after the monthly deadline, publish last month's bulletin."""
    settings = settings_for(config, None, None)
    month = month_of_bulletin_on(settings.today(), settings.deadlines.monthly_day, is_workday)
    if month is None:
        get_run_logger().info("%s is not a bulletin day", settings.today())
        return None
    from flows.bulletin import bulletin

    return str(bulletin(month=month, send=send, config=config))


@flow(name="digest-on-report-day")
def digest_on_report_day(config: str | None = None, send: bool = True) -> str | None:
    """On the weekly reports' deadline day (after the deadline hour), publish the week's digest."""
    settings = settings_for(config, None, None)
    week = digest_week_on(settings.today(), settings.deadlines.weekly_weekday, is_workday)
    if week is None:
        get_run_logger().info("%s is not a digest day", settings.today())
        return None
    from flows.digest import digest

    return str(digest(week=week.isoformat(), send=send, config=config))


@flow(name="appraisal-on-report-day")
def appraisal_on_report_day(config: str | None = None, send: bool = True) -> str | None:
    """On the first working day from 15 January / 15 July, publish the half-year appraisal."""
    settings = settings_for(config, None, None)
    half = half_of_appraisal_on(settings.today(), is_workday)
    if half is None:
        get_run_logger().info("%s is not an appraisal day", settings.today())
        return None
    from flows.appraisal import appraisal

    return str(appraisal(half=half, send=send, config=config))
