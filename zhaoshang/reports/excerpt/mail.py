"""Each group's excerpt mail: to the group's secretary (the office when the group has none with an address),
copied to the office, framed like every mail, the excerpt attached under its Chinese title."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from zhaoshang.delivery.frame import framed
from zhaoshang.reports.bulletin.figures import issue_label
from zhaoshang.settings import Settings

if TYPE_CHECKING:
    from zhaoshang.reports.excerpt.document import ExcerptFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExcerptMail:
    """One excerpt mail as queue_mail takes it."""

    key: str
    to: list[str]
    cc: list[str]
    subject: str
    paragraphs: list[str]
    attachments: list[Path]


def secretary_addresses(settings: Settings, code: str) -> list[str]:
    """The roster's secretaries of group `code` who have an address, in roster order."""
    return [p.email.strip() for p in settings.people_with("secretary") if p.group == code and p.email.strip()]


def office_addresses(settings: Settings) -> list[str]:
    """The roster's office staff who have an address, in roster order."""
    return [p.email.strip() for p in settings.people_with("office") if p.email.strip()]


def excerpt_mail(settings: Settings, month: str, code: str, group_name: str, docx: Path,
                 summary: list[str]) -> ExcerptMail | None:
    """The mail carrying group `code`'s excerpt (its PDF too, when one lies beside the .docx); None when
    neither the group's secretary nor the office has an address."""
    to, office = secretary_addresses(settings, code), office_addresses(settings)
    if not to:
        log.warning("Group %s has no secretary with an e-mail address: its excerpt goes to the office", code)
        to, office = office, []
    if not to:
        return None
    pdf = docx.with_suffix(".pdf")
    return ExcerptMail(
        key=f"excerpt:{month}:{code}", to=to, cc=office,
        subject=f"【本组通报摘要】{issue_label(month)}招商引资工作通报（{group_name}）",
        paragraphs=framed(settings, summary, to=to),
        attachments=[pdf, docx] if pdf.exists() else [docx])  # as the leaders': the PDF first


def queue_excerpt_mails(settings: Settings, engine: Engine, month: str, excerpts: Sequence[ExcerptFile]) -> list[str]:
    """Queue each excerpt's mail (the ledger sends a month's excerpt to a group once); returns the keys."""
    from zhaoshang.delivery.mail import queue_mail

    keys = []
    for item in excerpts:
        mail = excerpt_mail(settings, month, item.group_code, item.group_name, item.docx, item.summary)
        if mail is not None:
            queue_mail(settings, engine, key=mail.key, to=mail.to, cc=mail.cc, subject=mail.subject,
                       paragraphs=mail.paragraphs, attachments=mail.attachments)
            keys.append(mail.key)
    return keys
