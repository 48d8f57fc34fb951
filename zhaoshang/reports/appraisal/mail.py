"""The appraisal mail's body (the paragraphs above the attachment)."""

from __future__ import annotations

from collections.abc import Mapping

from zhaoshang.reports.appraisal import figures as a


def mail_summary(result: a.AppraisalResult, context: Mapping) -> list[str]:
    """The mail body: what is attached, the results, and where the method is."""
    return [f"现将《{result.half.label}招商引资工作考核汇总》报送各位领导，全文见附件。", *context["result_paragraphs"],
            "考核方法（权重、折算、签约计分、并列和无业务记录的处理）见附件正文“考核方法说明”，各项指标的数值和得分见其附件1、附件2。"]
