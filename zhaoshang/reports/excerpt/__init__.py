"""Each group's excerpt of the monthly bulletin (本组通报摘要, DESIGN §5): figures.py (the group's figures,
pure), document.py (its queries, content and the .docx beside the bulletin), mail.py (the mail to its secretary)."""

from zhaoshang.reports.excerpt.document import (  # noqa: F401 (the report's entry points)
    TEMPLATE,
    ExcerptFile,
    excerpt_content,
    read_excerpt_data,
    render_excerpts,
)
from zhaoshang.reports.excerpt.mail import ExcerptMail, excerpt_mail, queue_excerpt_mails  # noqa: F401
