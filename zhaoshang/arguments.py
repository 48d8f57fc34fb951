"""The command line's period arguments, checked before anything starts: one line of Chinese when wrong."""

from __future__ import annotations

import datetime as dt
import re


class BadArgument(ValueError):
    """An argument that is not one of the accepted forms; the message is the one line shown."""


def month_argument(text: str) -> str:
    """A reporting month written YYYY-MM (2021-08)."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text or ""):
        raise BadArgument(f"月份“{text}”无法识别：请写作 YYYY-MM，如 2021-08。")
    return text


def week_argument(text: str) -> dt.date:
    """A reporting week given by its Monday, YYYY-MM-DD (2021-08-30)."""
    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or "") else None
    except ValueError:
        day = None
    if day is None:
        raise BadArgument(f"周“{text}”无法识别：请写该周星期一的日期，格式 YYYY-MM-DD，如 2021-08-30。")
    if day.weekday() != 0:
        monday = day - dt.timedelta(days=day.weekday())
        raise BadArgument(f"{text} 不是星期一：一周以星期一的日期表示，该日所在的周请写 {monday.isoformat()}。")
    return day


def half_argument(text: str) -> str:
    """A half-year written YYYYH1 or YYYYH2 (2021H1)."""
    if not re.fullmatch(r"\d{4}H[12]", text or ""):
        raise BadArgument(f"考核期“{text}”无法识别：请写作 YYYYH1（上半年）或 YYYYH2（下半年），如 2021H1。")
    return text


def moment_argument(text: str) -> dt.datetime:
    """An office time written YYYY-MM-DDTHH:MM (2021-09-03T09:00)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text or ""):
            return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    raise BadArgument(f"时间“{text}”无法识别：请写作 YYYY-MM-DDTHH:MM，如 2021-09-03T09:00。")
