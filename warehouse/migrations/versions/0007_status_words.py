"""The words people act on: mart_submission status `rejected`, NULL procedure figures for weeks
reported without 手续办理, review scores combined per group (current_review_score)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from warehouse.views import MART_PROJECT_WEEK_V2, MART_SUBMISSION_V2, STATUS_WORDS_VIEWS as VIEWS

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

REJECTED = sa.text("status = 'rejected'")


def upgrade() -> None:
    with op.batch_alter_table("weekly_report") as batch:
        batch.add_column(sa.Column("procedures_reported", sa.Boolean()))
    # the reports stored so far: a CSV weekly report has no 手续办理 sheet, a workbook always has one
    op.execute("UPDATE weekly_report SET procedures_reported = (SELECT LOWER(f.original_name) NOT LIKE '%.csv' "
               "FROM ingested_file f WHERE f.id = weekly_report.file_id)")
    op.create_index("ix_ingested_file_rejected", "ingested_file", ["kind", "subject", "period", "received_at"],
                    sqlite_where=REJECTED, postgresql_where=REJECTED)
    for name, sql in VIEWS.items():
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS current_review_score")
    op.execute("DROP VIEW IF EXISTS mart_project_week")
    op.execute(MART_PROJECT_WEEK_V2)
    op.execute("DROP VIEW IF EXISTS mart_submission")
    op.execute(MART_SUBMISSION_V2)
    op.drop_index("ix_ingested_file_rejected", table_name="ingested_file")
    with op.batch_alter_table("weekly_report") as batch:
        batch.drop_column("procedures_reported")
