"""Telling submitters: each refused file's explanation mailed to whoever sent it (the office when nobody can be found)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from warehouse import load
from zhaoshang.settings import Settings


def rejection_mail(settings: Settings, outcome: load.Outcome) -> tuple[list[str], str, list[str]] | None:
    """(recipients, subject, paragraphs) telling the submitter why their file came back, if we know them."""
    person = settings.person_by_name.get(outcome.submitter or "")
    office = [p.email for p in settings.people_with("office") if p.email]
    to = [person.email] if person and person.email else office  # nobody to be found: the office sees to it
    if not to:
        return None
    errors = [f for f in outcome.findings if f.severity == "error"]
    shown = [f"{i}. {f.describe()}" + (f"（{f.fix}）" if f.fix else "") for i, f in enumerate(errors[:10], 1)]
    more = [f"……另有 {len(errors) - 10} 处问题，详见附件。"] if len(errors) > 10 else []
    greeting = f"{person.name}同志：" if person else "您好："
    return to, f"【退回】{outcome.original_name} 未通过校验，请修改后重新报送", [
        greeting,
        f"您于 {outcome.received_at:%Y年%m月%d日 %H:%M} 报送的《{outcome.original_name}》有 {len(errors)} 处问题，未能入库：",
        *shown, *more,
        "附件是您的文件副本：问题单元格已标红并附批注，首页“错误汇总”列出了每处问题和修改方法。"
        f"请修改后重新放入共享文件夹 inbox/{outcome.kind}/。",
        settings.zone.office,
    ]


def notify_submitters(settings: Settings, engine: Engine, outcomes: Sequence[load.Outcome]) -> int:
    """Mail every rejected file's explanation to its submitter (once per file content); returns how many."""
    from zhaoshang.delivery.mail import deliver_pending, queue_mail

    office = [p.email for p in settings.people_with("office") if p.email]
    sent = 0
    for outcome in outcomes:
        mail = rejection_mail(settings, outcome) if outcome.status == "rejected" else None
        if mail is None or not outcome.explanation_path:
            continue
        to, subject, paragraphs = mail
        queue_mail(settings, engine, key=f"rejected:{outcome.sha256}", to=to, cc=office, subject=subject,
                   paragraphs=paragraphs, attachments=[settings.root / outcome.explanation_path])
        sent += 1
    if sent:
        deliver_pending(settings, engine)
    return sent
