"""The frame every mail body shares: a salutation on top, the office and the date at the foot.

The register is that of the office's own letters (the source document: "李昌革委员：" …
"兴安盟经济技术开发区管理委员会 / 2021年9月2日"): one person is addressed by name and
同志, several leaders as 各位领导, and the letter is signed by the office with the date.

    framed(settings, ["现将……"], to=leader_addresses(settings))
    → ["各位领导：", "现将……", "兴安盟经济技术开发区投资促进局", "2021年9月8日"]

The sign-off lines are `SignOff` strings (a str subclass): everything treats them as text, and
the HTML part of a mail sets them right-aligned, as a 落款 is printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from zhaoshang.settings import TIMEZONE, Person, Settings


class SignOff(str):
    """A line of the sign-off (落款): plain text everywhere, right-aligned in the HTML part."""

    __slots__ = ()


def mail_time(settings: Settings) -> dt.datetime:
    """The moment a mail is built, in Asia/Shanghai (aware): its Date header and the day it is signed.

    Under a scenario clock (ZHAOSHANG_TODAY / [clock] today, the demo and the tests) it is that
    day at the real time of day: the mails of a 2021 scenario are dated in 2021, as the documents
    they carry, and each still carries the moment it was really built.
    """
    real = dt.datetime.now(TIMEZONE).replace(microsecond=0)
    if settings.today_override is None:
        return real
    return dt.datetime.combine(settings.today_override, real.timetz())


def person_by_address(settings: Settings) -> dict[str, Person]:
    """Roster members by e-mail address (case-insensitive; the first one listed wins)."""
    found: dict[str, Person] = {}
    for person in settings.people:
        address = person.email.strip().lower()
        if address:
            found.setdefault(address, person)
    return found


def salutation(settings: Settings, to: Sequence[str]) -> str:
    """How the mail addresses its `to` recipients (the Cc never changes it), as the roster knows them.

    One person: "张海涛同志："; only leaders: "各位领导："; leaders and others: "各位领导、同志们：";
    several others: "各位同志："; nobody the roster knows: "您好：".
    """
    roster = person_by_address(settings)
    people = list({p.name: p for a in to if (p := roster.get(a.strip().lower()))}.values())
    if not people:
        return "您好："
    if len(people) == 1 and len(to) == 1:
        return f"{people[0].name}同志："
    leaders = [p for p in people if "leader" in p.roles]
    if len(leaders) == len(people):
        return "各位领导："
    return "各位领导、同志们：" if leaders else "各位同志："


def office_name(settings: Settings) -> str:
    """The office's full name, as it signs: 兴安盟经济技术开发区投资促进局."""
    zone, office = settings.zone.name, settings.zone.office
    return office if office.startswith(zone) else f"{zone}{office}"


def chinese_date(day: dt.date) -> str:
    """2021年9月8日 (no leading zeros, as the office writes a date)."""
    return f"{day.year}年{day.month}月{day.day}日"


def sign_off(settings: Settings, on: dt.date | None = None) -> list[SignOff]:
    """The 落款: the office's full name, then the date (`on`, default the day the mail is built)."""
    day = on or mail_time(settings).date()
    return [SignOff(office_name(settings)), SignOff(chinese_date(day))]


def framed(settings: Settings, body: Sequence[str], *, to: Sequence[str] = (), greeting: str | None = None,
           on: dt.date | None = None) -> list[str]:
    """The paragraphs of a whole mail: salutation, `body`, sign-off.

    `greeting` overrides the salutation worked out from `to` (e.g. "投资促进局："); `on` the date
    signed. A body that already starts with a salutation or ends with a sign-off is not given a
    second one.
    """
    body = list(body)
    opening = greeting if greeting is not None else salutation(settings, to)
    head = [] if body and body[0] == opening else [opening]
    tail = [] if body and isinstance(body[-1], SignOff) else sign_off(settings, on)
    return [*head, *body, *tail]
