"""half-year appraisal: person_half_score and mart_person_half

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from alembic import op
import sqlalchemy as sa

from warehouse.views import APPRAISAL_VIEWS as VIEWS


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

POINTS = sa.Numeric(precision=7, scale=2, asdecimal=False)


def upgrade() -> None:
    op.create_table('person_half_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('half', sa.String(length=6), nullable=False),
    sa.Column('person', sa.Text(), nullable=False),
    sa.Column('group_code', sa.String(length=32), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.Column('key_enterprise_contacts', sa.Integer(), nullable=False),
    sa.Column('key_regions', sa.Integer(), nullable=False),
    sa.Column('signings', sa.Numeric(precision=18, scale=4, asdecimal=False), nullable=False),
    sa.Column('signed_investment_wan', sa.Numeric(precision=18, scale=4, asdecimal=False), nullable=False),
    sa.Column('construction_starts', sa.Integer(), nullable=False),
    sa.Column('submissions_due', sa.Integer(), nullable=False),
    sa.Column('submissions_on_time', sa.Integer(), nullable=False),
    sa.Column('timeliness_pct', POINTS, nullable=True),
    sa.Column('review_score', sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.Column('points_contacts', POINTS, nullable=True),
    sa.Column('points_key_enterprise_contacts', POINTS, nullable=True),
    sa.Column('points_key_regions', POINTS, nullable=True),
    sa.Column('points_signings', POINTS, nullable=True),
    sa.Column('points_signed_investment', POINTS, nullable=True),
    sa.Column('points_construction_starts', POINTS, nullable=True),
    sa.Column('points_timeliness', POINTS, nullable=True),
    sa.Column('points_review', POINTS, nullable=True),
    sa.Column('appraisal_score', POINTS, nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('method', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('half', 'person', name='uq_person_half_score_half_person')
    )
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_table('person_half_score')
