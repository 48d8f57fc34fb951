"""Numbers and dates as an official document prints them, for every report.

No thousands separator, trailing zeros dropped, rounded half up; percentages to one decimal
(27.78 → 27.8%); dates without leading zeros (2021年9月8日).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

NO_DATA = "—"  # a cell with no figure (e.g. a group whose monthly report was not submitted)


def number_text(value: float, decimals: int = 0) -> str:
    """A number as officials print it: rounded half up, no separators, no trailing zeros (3500.50 → 3500.5)."""
    text = f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def share(part: float, whole: float) -> Decimal | None:
    """part / whole as an exact decimal fraction; None when whole is 0 (no division by zero)."""
    if not whole:
        return None
    return Decimal(str(part)) / Decimal(str(whole))


def percent_text(part: float, whole: float) -> str:
    """part / whole as a percentage to one decimal, half up ("27.8%"); "—" when whole is 0."""
    fraction = share(part, whole)
    if fraction is None:
        return NO_DATA
    return f"{(fraction * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def date_label(day: dt.date | dt.datetime) -> str:
    """"2021年9月8日" (no leading zeros, as in official documents)."""
    return f"{day.year}年{day.month}月{day.day}日"
