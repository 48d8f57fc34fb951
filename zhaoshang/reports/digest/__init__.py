"""The weekly digest 项目周报汇总: figures.py (queries and figures), document.py (content, the 挂图作战
grid, the .docx and its companion workbook), mail.py (the mail body)."""

from zhaoshang.reports.digest.document import TEMPLATE, DigestFiles, digest_content, render_digest  # noqa: F401
from zhaoshang.reports.digest.figures import QUERIES, DigestData, read_digest_data  # noqa: F401
