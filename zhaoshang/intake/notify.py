"""Telling submitters: each refused file's explanation mailed to whoever sent it (the office when nobody can be found)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from sqlalchemy import Engine

from warehouse import load
from zhaoshang.delivery.frame import framed
from zhaoshang.settings import Settings

EXPLANATION_SUFFIX = "_错误说明.xlsx"


def explanation_name(original_name: str) -> str:
    """The explanation attachment as the clerk will know it: `<the name they sent>_错误说明.xlsx`
    (能源8月.xls → 能源8月_错误说明.xlsx), never the stored copy's internal prefix."""
    stem = PurePath(original_name.replace("\\", "/")).stem or "报送文件"
    return stem + EXPLANATION_SUFFIX


def rejection_mail(settings: Settings, outcome: load.Outcome) -> tuple[list[str], str, list[str]] | None:
    """(recipients, subject, paragraphs) telling the submitter why their file came back, if we know them.

    The paragraphs are framed (`delivery.frame.framed`): salutation, what was wrong, the office's sign-off."""
    person = settings.person_by_name.get(outcome.submitter or "")
    office = [p.email for p in settings.people_with("office") if p.email]
    to = [person.email] if person and person.email else office  # nobody to be found: the office sees to it
    if not to:
        return None
    errors = [f for f in outcome.findings if f.severity == "error"]
    shown = [f"{i}. {f.describe()}" + (f"（{f.fix}）" if f.fix else "") for i, f in enumerate(errors[:10], 1)]
    more = [f"……另有 {len(errors) - 10} 处问题，详见附件。"] if len(errors) > 10 else []
    received = f"{outcome.received_at:%Y年%m月%d日 %H:%M}"
    if person:
        greeting = f"{person.name}同志："
        opening = f"您于 {received} 报送的《{outcome.original_name}》有 {len(errors)} 处问题，未能入库："
        ask = f"请修改后重新放入共享文件夹 inbox/{outcome.kind}/。"
    else:  # nobody in the roster sent it, as far as the file says: the office finds who did
        greeting = f"{settings.zone.office}："
        opening = (f"共享文件夹 inbox/{outcome.kind}/ 于 {received} 收到的《{outcome.original_name}》有 {len(errors)} 处问题，"
                   f"未能入库；文件中没有可识别的报送人（填报人或包联人不在人员名单中），故发给{settings.zone.office}：")
        ask = "请转告报送人修改后重新放入原文件夹。"
    attached = f"附件《{explanation_name(outcome.original_name)}》是文件副本：问题单元格已标红并附批注，"
    return to, f"【退回】{outcome.original_name} 未通过校验，请修改后重新报送", framed(settings, [
        opening, *shown, *more,
        attached + "首页“错误汇总”列出了每处问题和修改方法。" + ask,
    ], greeting=greeting)


def corrected_in_the_same_pass(outcomes: Sequence[load.Outcome]) -> set[str]:
    """Hashes of refused files whose submission an accepted file of the same pass, arriving later,
    already brought: their senders have corrected them, and are not asked to again."""
    accepted = {}
    for o in outcomes:
        if o.status in ("loaded", "superseded") and o.subject is not None and o.period is not None:
            key = (o.kind, o.subject, o.period)
            accepted[key] = max(accepted.get(key, o.received_at), o.received_at)
    return {o.sha256 for o in outcomes if o.status == "rejected"
            and (later := accepted.get((o.kind, o.subject, o.period))) is not None and later >= o.received_at}


def notify_submitters(settings: Settings, engine: Engine, outcomes: Sequence[load.Outcome]) -> int:
    """Mail every rejected file's explanation to its submitter (once per file content), unless a correction
    came in the same pass; returns how many."""
    from zhaoshang.delivery.mail import Attachment, deliver_pending, queue_mail

    office = [p.email for p in settings.people_with("office") if p.email]
    corrected, sent = corrected_in_the_same_pass(outcomes), 0
    for outcome in outcomes:
        if outcome.sha256 in corrected:
            continue  # its correction came in the same pass: nothing to ask of anyone
        mail = rejection_mail(settings, outcome) if outcome.status == "rejected" else None
        if mail is None or not outcome.explanation_path:
            continue
        to, subject, paragraphs = mail
        queue_mail(settings, engine, key=f"rejected:{outcome.sha256}", to=to, cc=office, subject=subject,
                   paragraphs=paragraphs,
                   attachments=[Attachment(settings.root / outcome.explanation_path,
                                           explanation_name(outcome.original_name))])
        sent += 1
    if sent:
        deliver_pending(settings, engine)
    return sent
