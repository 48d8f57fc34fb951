"""Reminders (催报): before and after each deadline, mail whoever still owes a submission."""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.common import open_warehouse, settings_for
from zhaoshang import reminders as steps
from zhaoshang.delivery.mail import deliver_pending


@task(cache_policy=NO_CACHE)
def find_who_owes(settings, engine, now: dt.datetime):
    """Everyone who owes a submission whose reminder `now` calls for."""
    return steps.reminders_for(settings, engine, now)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def mail_reminders(settings, engine, reminders):
    """One mail per person, copied to the office; never twice for the same deadline and stage."""
    keys = steps.send_reminders(settings, engine, reminders)
    deliver_pending(settings, engine)
    return keys


@flow(name="remind")
def remind(at: str | None = None, config: str | None = None, root: str | None = None,
           warehouse_url: str | None = None) -> list[str]:
    """Remind at `at` (ISO date-time, office time; default now): find who owes, mail them."""
    settings = settings_for(config, root, warehouse_url)
    engine = open_warehouse(settings)
    now = dt.datetime.fromisoformat(at) if at else settings.now()
    owed = find_who_owes(settings, engine, now)
    keys = mail_reminders(settings, engine, owed)
    get_run_logger().info("reminders at %s: %d", now, len(keys))
    return keys
