"""The bulletin mail's body (the paragraphs above the attachment)."""

from __future__ import annotations

from collections.abc import Sequence

from zhaoshang.reports.bulletin import figures as b


def mail_summary(month: str, overview: Sequence[str], budget_paragraph: str, submission_paragraph: str) -> list[str]:
    """The mail body: what is attached, the headline, the year to date, the budget pace, the submissions."""
    *note, headline, ytd = overview
    return [f"现将《{b.issue_label(month)}招商引资工作通报》（{b.month_label(month)}份）报送各位领导，全文见附件。{''.join(note)}",
            f"{b.month_label(month)}份主要情况：{headline}", ytd, budget_paragraph, submission_paragraph]
