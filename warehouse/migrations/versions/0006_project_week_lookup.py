"""mart_project_week counts each row's procedures and problems through the facts' file_id index

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from alembic import op

from warehouse.views import MART_PROJECT_WEEK_V1, PROJECT_WEEK_INDEX_VIEWS as VIEWS

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name, sql in VIEWS.items():
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS mart_project_week")
    op.execute(MART_PROJECT_WEEK_V1)
