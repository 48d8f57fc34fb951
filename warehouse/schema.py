"""Warehouse tables (SQLAlchemy Core). Migrations in warehouse/migrations create them.

Layers: the ledger (`ingested_file`, `file_finding`), staging facts loaded as submitted
(one row per sheet row, with lineage: `file_id` → the file and its sha256, and
`sheet_row`, the Excel row), small dimensions synced from the zone configuration on
every pass, and the marts (views, see views.py) that reports and analysts read.
Amounts: 万元 as NUMERIC(18,4), 元 as NUMERIC(18,2).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from transforms import kinds

metadata = MetaData()

WAN = Numeric(18, 4, asdecimal=False)
YUAN = Numeric(18, 2, asdecimal=False)


def _lineage() -> list[Column]:
    """Every fact row: which file it came from and which Excel row of its sheet."""
    return [
        Column("id", Integer, primary_key=True),
        Column("file_id", Integer, ForeignKey("ingested_file.id"), nullable=False, index=True),
        Column("sheet_row", Integer, nullable=False),
    ]


# One row per file seen in the inbox (loaded, rejected, duplicate or superseded).
ingested_file = Table(
    "ingested_file", metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("original_name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("subject", Text),  # group code, cadre name, 项目库, or the half-year's 述职评议
    Column("period", String(16)),  # YYYY-MM, the week's Monday, YYYYHn, or the snapshot day
    Column("status", String(16), nullable=False),  # loaded | rejected | duplicate | superseded
    Column("rows_read", Integer, nullable=False, server_default="0"),
    Column("rows_loaded", Integer, nullable=False, server_default="0"),
    Column("rows_rejected", Integer, nullable=False, server_default="0"),
    Column("rows_skipped", Integer, nullable=False, server_default="0"),
    Column("errors", Integer, nullable=False, server_default="0"),
    Column("warnings", Integer, nullable=False, server_default="0"),
    Column("received_at", DateTime, nullable=False),  # arrival in the inbox (file mtime), office time
    Column("processed_at", DateTime, nullable=False),
    Column("stored_path", Text),  # archive/… or rejected/…, relative to the root
    Column("explanation_path", Text),  # rejected/…_错误说明.xlsx
    Column("superseded_by", Integer, ForeignKey("ingested_file.id")),
    Column("duplicate_of", Integer, ForeignKey("ingested_file.id")),
    Column("run_id", String(64)),
)
# The same bytes are accepted at most once, even if two passes race.
Index(
    "ux_ingested_file_accepted_sha", ingested_file.c.sha256, unique=True,
    sqlite_where=text("status IN ('loaded', 'superseded')"),
    postgresql_where=text("status IN ('loaded', 'superseded')"),
)
# At most one current (loaded) version per submission.
Index(
    "ux_ingested_file_current", ingested_file.c.kind, ingested_file.c.subject, ingested_file.c.period, unique=True,
    sqlite_where=text("status = 'loaded' AND kind <> '项目库'"),
    postgresql_where=text("status = 'loaded' AND kind <> '项目库'"),
)
# When each submission was first rejected (mart_submission tells 已报送被退回 from 未报送 by it).
Index(
    "ix_ingested_file_rejected", ingested_file.c.kind, ingested_file.c.subject, ingested_file.c.period,
    ingested_file.c.received_at,
    sqlite_where=text("status = 'rejected'"),
    postgresql_where=text("status = 'rejected'"),
)
# When each submission was first accepted (mart_submission looks every due report up here).
Index(
    "ix_ingested_file_accepted", ingested_file.c.kind, ingested_file.c.subject, ingested_file.c.period,
    ingested_file.c.received_at,
    sqlite_where=text("status IN ('loaded', 'superseded')"),
    postgresql_where=text("status IN ('loaded', 'superseded')"),
)

# Every problem found in a file, and every row skipped and why (row conservation).
file_finding = Table(
    "file_finding", metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", Integer, ForeignKey("ingested_file.id"), nullable=False, index=True),
    Column("severity", String(8), nullable=False),  # error | warning | skipped
    Column("sheet", Text),
    Column("row", Integer),
    Column("col", Integer),
    Column("header", Text),
    Column("value", Text),
    Column("message", Text, nullable=False),
    Column("fix", Text),
)

# ── monthly reports (DESIGN §3.1): one row per report, then one per sheet row ──
monthly_report = Table(
    "monthly_report", metadata,
    Column("file_id", Integer, ForeignKey("ingested_file.id"), primary_key=True),
    Column("group_code", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("reporter", Text),
    Column("phone", Text),
    Column("filed_on", Date),
)

fact_contact = Table(
    "fact_contact", metadata, *_lineage(),
    Column("group_code", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("enterprise", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("industry", Text, nullable=False),
    Column("contact_date", Date, nullable=False),
    Column("method", Text, nullable=False),
    Column("contact_person", Text, nullable=False),
    Column("content", Text),
    Column("intended_wan", WAN),
    Column("stage", Text, nullable=False),
    Column("note", Text),
)

fact_signing = Table(
    "fact_signing", metadata, *_lineage(),
    Column("group_code", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("project_name", Text, nullable=False),
    Column("enterprise", Text, nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("agreement", Text, nullable=False),
    Column("investment_wan", WAN, nullable=False),
    Column("industry", Text, nullable=False),
    Column("content", Text),
    Column("planned_start", Date),
    Column("liaison", Text),
    Column("note", Text),
)

fact_expense = Table(
    "fact_expense", metadata, *_lineage(),
    Column("group_code", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("spent_on", Date, nullable=False),
    Column("category", Text, nullable=False),
    Column("amount_yuan", YUAN, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("handler", Text, nullable=False),
)

# ── project library (DESIGN §3.3): every snapshot kept; "as of" = latest snapshot before ──
project_snapshot = Table(
    "project_snapshot", metadata, *_lineage(),
    Column("snapshot_at", DateTime, nullable=False),
    Column("project_code", String(32), nullable=False),
    Column("project_name", Text, nullable=False),
    Column("builder", Text, nullable=False),
    Column("group_code", String(32), nullable=False),
    Column("industry", Text, nullable=False),
    Column("project_type", Text, nullable=False),
    Column("planned_wan", WAN, nullable=False),
    Column("planned_start", Date),
    Column("planned_finish", Date),
    Column("cadre", Text, nullable=False),
    Column("leader", Text),
    Column("status", Text, nullable=False),
)
Index("ix_project_snapshot_code", project_snapshot.c.project_code, project_snapshot.c.snapshot_at)

# ── weekly project reports (DESIGN §3.2): one row per report, then one per sheet row ──
weekly_report = Table(
    "weekly_report", metadata,
    Column("file_id", Integer, ForeignKey("ingested_file.id"), primary_key=True),
    Column("cadre", Text, nullable=False),
    Column("week_start", Date, nullable=False),  # the Monday of the reported week
    Column("filed_on", Date),
    Column("procedures_reported", Boolean),  # False: no 手续办理 sheet (a CSV report), its figures are unknown
)

fact_project_week = Table(
    "fact_project_week", metadata, *_lineage(),
    Column("cadre", Text, nullable=False),
    Column("week_start", Date, nullable=False),
    Column("project_code", String(32), nullable=False),
    Column("project_name", Text, nullable=False),
    Column("builder", Text, nullable=False),
    Column("project_type", Text, nullable=False),
    Column("planned_wan", WAN, nullable=False),
    Column("invest_week_wan", WAN, nullable=False),
    Column("invest_cum_wan", WAN, nullable=False),
    Column("stage", Text, nullable=False),
    Column("progress", Text, nullable=False),
    Column("issues", Text),
    Column("coordination", Text),
    Column("leader", Text),
)
Index("ix_fact_project_week_code", fact_project_week.c.project_code, fact_project_week.c.week_start)

fact_procedure_week = Table(
    "fact_procedure_week", metadata, *_lineage(),
    Column("cadre", Text, nullable=False),
    Column("week_start", Date, nullable=False),
    Column("project_code", String(32), nullable=False),
    Column("week_end", Date, nullable=False),  # the Sunday: a procedure planned before it and not done is overdue
    Column("procedure", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("planned_on", Date),
    Column("done_on", Date),
    Column("note", Text),
)

fact_problem_week = Table(
    "fact_problem_week", metadata, *_lineage(),
    Column("cadre", Text, nullable=False),
    Column("week_start", Date, nullable=False),
    Column("project_code", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("leader", Text, nullable=False),
    Column("unit", Text),
    Column("deadline", Date, nullable=False),
    Column("status", Text, nullable=False),
    Column("note", Text),
)

# ── half-year review scores (DESIGN §3.4): one row per person and rater ──
fact_review_score = Table(
    "fact_review_score", metadata, *_lineage(),
    Column("half", String(6), nullable=False),  # 2021H1
    Column("person", Text, nullable=False),
    Column("group_code", String(32), nullable=False),
    Column("rater", Text, nullable=False),
    Column("score", Numeric(5, 2, asdecimal=False), nullable=False),
    Column("comment", Text),
)

# ── dimensions synced from the zone configuration on every pass ──
dim_group = Table(
    "dim_group", metadata,
    Column("group_code", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("budget_yuan", YUAN, nullable=False),
)

# A contact is a key-enterprise contact when its enterprise name contains `pattern`
# (a configured key-enterprise name or one of its aliases).
dim_key_enterprise = Table(
    "dim_key_enterprise", metadata,
    Column("pattern", Text, primary_key=True),
    Column("enterprise", Text, nullable=False),
)

# What was due, and by when (office time): one row per kind, subject and period.
submission_due = Table(
    "submission_due", metadata,
    Column("kind", String(16), primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("due_at", DateTime, nullable=False),
)

# ── half-year appraisal (migration 0004): one row per appraised person and half-year, written by the
# appraisal flow (weights come from configuration, so scores are computed in Python and materialised
# here; each run replaces its half's rows in one transaction). points_* are 0–100, NULL = not applicable;
# `method` is the configuration the scores were computed with (JSON), for audit.
POINTS = Numeric(7, 2, asdecimal=False)
POINT_COLUMNS = ("contacts", "key_enterprise_contacts", "key_regions", "signings", "signed_investment",
                 "construction_starts", "timeliness", "review")

person_half_score = Table(
    "person_half_score", metadata,
    Column("id", Integer, primary_key=True),
    Column("half", String(6), nullable=False),  # 2021H1
    Column("person", Text, nullable=False),
    Column("group_code", String(32), nullable=False),
    Column("contacts", Integer, nullable=False),
    Column("key_enterprise_contacts", Integer, nullable=False),
    Column("key_regions", Integer, nullable=False),
    Column("signings", Numeric(18, 4, asdecimal=False), nullable=False),  # credited shares (1/n of a split signing)
    Column("signed_investment_wan", WAN, nullable=False),
    Column("construction_starts", Integer, nullable=False),
    Column("submissions_due", Integer, nullable=False),
    Column("submissions_on_time", Integer, nullable=False),
    Column("timeliness_pct", POINTS),  # NULL: no submission was the person's to make
    Column("review_score", Numeric(5, 2, asdecimal=False)),  # mean over raters; NULL: nobody scored the person
    Column("raters", Integer, nullable=False),
    *(Column(f"points_{name}", POINTS) for name in POINT_COLUMNS),
    Column("appraisal_score", POINTS, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("note", Text),
    Column("method", Text, nullable=False),
    Column("computed_at", DateTime, nullable=False),
    UniqueConstraint("half", "person", name="uq_person_half_score_half_person"),
)

# Mail: one row per message, so a mail is sent exactly once and retried until it is.
mail_delivery = Table(
    "mail_delivery", metadata,
    Column("id", Integer, primary_key=True),
    Column("message_key", Text, nullable=False, unique=True),  # what makes two mails the same mail
    Column("subject", Text, nullable=False),
    Column("recipients", Text, nullable=False),  # comma-separated addresses
    Column("eml_path", Text, nullable=False),  # outbox/…eml, relative to the root
    Column("status", String(16), nullable=False),  # queued | sent | written (outbox only)
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
)

# every product kind's fact tables, by the sheet they come from (the kinds' `facts`, looked up here)
FACT_TABLES = {sheet: metadata.tables[table] for kind in kinds.KINDS.values() for sheet, table in kind.facts.items()}
