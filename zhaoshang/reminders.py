"""Reminders (催报): mail each person who still owes a submission, copied to the office.

A reminder's mail key is kind + subject + period + stage, so the mail ledger sends it at
most once however often the schedule wakes the flow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from transforms import kinds
from warehouse.schema import ingested_file
from zhaoshang.delivery.frame import framed
from zhaoshang.delivery.mail import queue_mail
from zhaoshang.intake.dimensions import library_snapshots
from zhaoshang.settings import Settings


@dataclass(frozen=True)
class Reminder:
    """One reminder to one person."""

    kind: str
    period: str
    stage: str  # before | after
    subject: str  # group code or cadre
    person: str
    email: str
    deadline: dt.datetime
    rejected_file: str = ""  # the latest file sent for it, when every version so far was rejected
    explanation: str = ""  # that file's explanation workbook, relative to the root

    @property
    def key(self) -> str:
        return f"remind:{self.kind}:{self.subject}:{self.period}:{self.stage}"


def accepted_submissions(engine: Engine) -> pd.DataFrame:
    """kind, subject, period of every accepted (loaded or superseded) submission."""
    query = select(ingested_file.c.kind, ingested_file.c.subject, ingested_file.c.period).where(
        ingested_file.c.status.in_(("loaded", "superseded")))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["kind", "subject", "period"])


def rejected_submissions(engine: Engine) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(kind, subject, period) → (original name, explanation path) of the latest rejected file of each."""
    query = (select(ingested_file.c.kind, ingested_file.c.subject, ingested_file.c.period, ingested_file.c.original_name,
                    ingested_file.c.explanation_path)
             .where(ingested_file.c.status == "rejected", ingested_file.c.subject.is_not(None))
             .order_by(ingested_file.c.received_at))
    with engine.connect() as conn:
        return {(kind, subject, period): (name, explanation or "") for kind, subject, period, name, explanation in conn.execute(query)}


def reminders_for(settings: Settings, engine: Engine, now: dt.datetime,
                  due: list[tuple[str, str, str]] | None = None) -> list[Reminder]:
    """Every reminder `now` calls for (or the given (kind, period, stage) list), one per person who owes."""
    calendar = settings.calendar()
    if due is None:
        due = [(name, *stage) for name, kind in kinds.KINDS.items() if (stage := kind.reminder_stage(now, calendar))]
    accepted, rejected, snapshots, roster, out = accepted_submissions(engine), rejected_submissions(engine), None, settings.roster(), []
    for name, period, stage in due:
        kind = kinds.kind_named(name)
        if snapshots is None:
            snapshots = library_snapshots(engine)
        got = set(accepted.loc[(accepted["kind"] == name) & (accepted["period"] == period), "subject"])
        deadline = kind.deadline(period, calendar)
        for subject in kind.owing(period, calendar, snapshots, got):
            sent = rejected.get((name, subject, period), ("", ""))
            out += [Reminder(name, period, stage, subject, p.name, p.email, deadline, *sent) for p in kind.reminded(subject, roster)]
    return out


def reminder_text(settings: Settings, r: Reminder) -> tuple[str, list[str]]:
    """Subject and paragraphs of a reminder, in the office's words."""
    what = kinds.kind_named(r.kind).period_label(r.period)
    when = f"{r.deadline.month}月{r.deadline.day}日{r.deadline:%H:%M}"
    folder = f"共享文件夹 inbox/{r.kind}/"
    if r.rejected_file:  # it was sent, but refused: 已报送被退回（待更正）, never "not received"
        state = (f"系统收到了您报送的《{r.rejected_file}》，但未通过校验，已退回待更正；"
                 f"错误说明（标红单元格与修改方法）见共享文件夹 {r.explanation}。")
        late = "截止时间已过，" if r.stage == "after" else ""
        return (f"【待更正】{what}已退回，请于{when}前更正" if r.stage == "before" else f"【逾期提醒】{what}已退回，尚待更正",
                framed(settings, [state, f"{late}请按错误说明更正后重新放入{folder}。"], greeting=f"{r.person}同志："))
    if r.stage == "before":
        return (f"【催报】请于{when}前报送{what}", framed(settings, [
            f"{what}的报送截止时间为{when}，系统尚未收到。",
            f"请按模板填写后放入{folder}。如已放入，请忽略本提醒。"], greeting=f"{r.person}同志："))
    return (f"【逾期提醒】{what}尚未报送", framed(settings, [
        f"{what}的报送截止时间{when}已过，系统仍未收到。",
        f"请尽快放入{folder}；逾期情况将计入半年考核的报送及时率。"], greeting=f"{r.person}同志："))


def send_reminders(settings: Settings, engine: Engine, reminders: list[Reminder]) -> list[str]:
    """Queue one mail per reminder (copied to the office); the ledger drops repeats. Returns the keys."""
    office = [p.email for p in settings.people_with("office") if p.email]
    keys = []
    for reminder in reminders:
        subject, paragraphs = reminder_text(settings, reminder)
        queue_mail(settings, engine, key=reminder.key, to=[reminder.email], cc=office, subject=subject,
                   paragraphs=paragraphs)
        keys.append(reminder.key)
    return keys
