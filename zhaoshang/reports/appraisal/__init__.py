"""The half-year appraisal 半年考核汇总: figures.py (queries, indicators, points and ranks), document.py
(scoring with the configuration, the .docx, charts, the 计算明细 workbook, the 述职数据摘要), mail.py (the mail body)."""

from zhaoshang.reports.appraisal.document import (  # noqa: F401 (the report's entry points)
    TEMPLATE,
    AppraisalFiles,
    appraisal_content,
    appraise,
    render_appraisal,
    render_prefill,
    store_person_scores,
)
from zhaoshang.reports.appraisal.figures import QUERIES, AppraisalData, read_appraisal_data  # noqa: F401
