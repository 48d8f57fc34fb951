"""mart_submission looks each due submission up in an index of accepted files

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from warehouse.views import MART_SUBMISSION_V1, SUBMISSION_INDEX_VIEWS as VIEWS

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ACCEPTED = sa.text("status IN ('loaded', 'superseded')")


def upgrade() -> None:
    op.create_index("ix_ingested_file_accepted", "ingested_file", ["kind", "subject", "period", "received_at"],
                    sqlite_where=ACCEPTED, postgresql_where=ACCEPTED)
    for name, sql in VIEWS.items():
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS mart_submission")
    op.execute(MART_SUBMISSION_V1)
    op.drop_index("ix_ingested_file_accepted", table_name="ingested_file")
