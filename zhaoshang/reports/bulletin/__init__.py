"""The monthly bulletin 招商引资工作通报: figures.py (queries and figures), projects.py and
project_sections.py (key projects and open problems from the weekly marts), document.py (content,
charts, the .docx and its companion workbook), mail.py (the mail body)."""

from zhaoshang.reports.bulletin.document import (  # noqa: F401 (the report's entry points)
    TEMPLATE,
    BulletinFiles,
    MissingChineseFont,
    bulletin_content,
    chinese_font,
    render_bulletin,
)
from zhaoshang.reports.bulletin.figures import QUERIES, BulletinData, read_bulletin_data  # noqa: F401
