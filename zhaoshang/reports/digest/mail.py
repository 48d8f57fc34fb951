"""The digest mail's body (the paragraphs above the attachment)."""

from __future__ import annotations

import datetime as dt

from zhaoshang.reports.digest import figures as w


def mail_summary(week: dt.date, overview: list[str]) -> list[str]:
    """The mail body: what is attached, then the overview's sentences."""
    return [f"现将《{w.iso_week_label(week)}项目周报汇总》（{w.week_span_label(week)}）报送各位领导，全文见附件。", *overview]
