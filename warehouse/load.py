"""Writing a pass's outcomes to the warehouse: ledger, facts, findings — one transaction.

A batch commits entirely or not at all, so a file is never half loaded: after a crash
the files are still in the inbox and the next pass does the same work again. Which
version of a submission is current is decided here, by arrival time, inside the same
transaction that loads the newcomer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from transforms.findings import Finding
from warehouse.schema import (
    dim_group,
    dim_key_enterprise,
    file_finding,
    ingested_file,
    metadata,
    submission_due,
)

VERSIONED_KINDS = ("月报", "周报", "述职评议")  # kinds where a newer file replaces an older one


@dataclass
class Outcome:
    """What the pass decided about one file, ready to be recorded."""

    sha256: str
    original_name: str
    kind: str
    status: str  # loaded | rejected | duplicate (loaded may become superseded on record)
    received_at: dt.datetime
    stored_path: str
    subject: str | None = None
    period: str | None = None
    rows_read: int = 0
    rows_skipped: int = 0
    rows_rejected: int = 0
    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, reason)
    explanation_path: str | None = None
    duplicate_of: int | None = None
    header: tuple[str, dict[str, object]] | None = None  # (table, row without file_id): monthly_report / weekly_report
    facts: dict[str, pd.DataFrame] = field(default_factory=dict)  # table name → rows with `_row`
    file_id: int | None = None  # set when recorded
    submitter: str | None = None  # who sent it (填报人 / 包联人), when the file says

    @property
    def rows_loaded(self) -> int:
        return sum(len(f) for f in self.facts.values()) if self.status in ("loaded", "superseded") else 0


def record_outcomes(engine: Engine, outcomes: Sequence[Outcome], run_id: str, now: dt.datetime) -> list[Outcome]:
    """Record a batch in one transaction; accepted files are ordered by arrival for supersede."""
    order = sorted(outcomes, key=lambda o: (o.received_at, o.original_name))
    with engine.begin() as conn:
        for outcome in order:
            if outcome.status == "loaded" and outcome.kind in VERSIONED_KINDS:
                outcome.file_id = _record_version(conn, outcome, run_id, now)
            else:
                if outcome.status == "duplicate" and outcome.duplicate_of is None:
                    outcome.duplicate_of = _accepted_id(conn, outcome.sha256)
                outcome.file_id = _insert_ledger_row(conn, outcome, run_id, now)
            if outcome.status in ("loaded", "superseded"):
                _insert_facts(conn, outcome)
            _insert_findings(conn, outcome)
    return list(outcomes)


def _record_version(conn: Connection, outcome: Outcome, run_id: str, now: dt.datetime) -> int:
    """Insert a new version of a submission; whichever arrived later is current, the other superseded."""
    current = _current_version(conn, outcome)
    if current is not None and current.received_at > outcome.received_at:
        outcome.status = "superseded"  # a late-copied older version: history only
        return _insert_ledger_row(conn, outcome, run_id, now, superseded_by=current.id)
    if current is not None:
        conn.execute(update(ingested_file).where(ingested_file.c.id == current.id).values(status="superseded"))
    file_id = _insert_ledger_row(conn, outcome, run_id, now)
    if current is not None:
        conn.execute(update(ingested_file).where(ingested_file.c.id == current.id).values(superseded_by=file_id))
    return file_id


def _accepted_id(conn: Connection, sha: str) -> int | None:
    """Ledger id of the accepted file with these bytes (loaded earlier in this batch or before)."""
    return conn.execute(select(ingested_file.c.id).where(
        ingested_file.c.sha256 == sha, ingested_file.c.status.in_(("loaded", "superseded")))).scalar()


def _current_version(conn: Connection, outcome: Outcome):
    """The ledger row of the submission's current version, locked against a racing pass."""
    query = select(ingested_file.c.id, ingested_file.c.received_at).where(and_(
        ingested_file.c.kind == outcome.kind,
        ingested_file.c.subject == outcome.subject,
        ingested_file.c.period == outcome.period,
        ingested_file.c.status == "loaded",
    ))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def _insert_ledger_row(conn: Connection, outcome: Outcome, run_id: str, now: dt.datetime,
                       superseded_by: int | None = None) -> int:
    """Insert the file's ledger row and return its id."""
    return conn.execute(insert(ingested_file).values(
        sha256=outcome.sha256, original_name=outcome.original_name, kind=outcome.kind,
        subject=outcome.subject, period=outcome.period, status=outcome.status,
        rows_read=outcome.rows_read, rows_loaded=outcome.rows_loaded, rows_rejected=outcome.rows_rejected,
        rows_skipped=outcome.rows_skipped, errors=sum(f.severity == "error" for f in outcome.findings),
        warnings=sum(f.severity == "warning" for f in outcome.findings),
        received_at=outcome.received_at, processed_at=now, stored_path=outcome.stored_path,
        explanation_path=outcome.explanation_path, duplicate_of=outcome.duplicate_of,
        superseded_by=superseded_by, run_id=run_id,
    ).returning(ingested_file.c.id)).scalar_one()


def _insert_facts(conn: Connection, outcome: Outcome) -> None:
    """Insert the file's fact rows with lineage (file_id, sheet_row)."""
    if outcome.header is not None:
        table, row = outcome.header
        conn.execute(insert(metadata.tables[table]).values(file_id=outcome.file_id, **row))
    for table_name, frame in outcome.facts.items():
        if frame.empty:
            continue
        table = metadata.tables[table_name]
        rows = [
            {"file_id": outcome.file_id, "sheet_row": int(r["_row"]),
             **{k: _plain(v) for k, v in r.items() if k != "_row" and k in table.c}}
            for r in frame.to_dict("records")
        ]
        conn.execute(insert(table), rows)


def _plain(value: object) -> object:
    """A DataFrame cell as a DB value: NaN/NaT → None, numpy scalars → Python."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value.item() if hasattr(value, "item") else value


def _insert_findings(conn: Connection, outcome: Outcome) -> None:
    """Record every finding and every skipped row (with its reason) of the file."""
    rows = [
        {"file_id": outcome.file_id, "severity": f.severity, "sheet": f.sheet, "row": f.row, "col": f.col,
         "header": f.header, "value": f.value, "message": f.message, "fix": f.fix}
        for f in outcome.findings
    ] + [
        {"file_id": outcome.file_id, "severity": "skipped", "sheet": sheet, "row": row, "col": None,
         "header": "", "value": "", "message": reason, "fix": ""}
        for sheet, row, reason in outcome.skipped
    ]
    if rows:
        conn.execute(insert(file_finding), rows)


def accepted_file_ids(engine: Engine, shas: Iterable[str]) -> dict[str, tuple[int, str | None, str]]:
    """sha256 → (file id, stored path, original name) for shas already accepted (loaded or superseded)."""
    shas = list(shas)
    found: dict[str, tuple[int, str | None, str]] = {}
    with engine.connect() as conn:
        for start in range(0, len(shas), 500):
            chunk = shas[start:start + 500]
            query = select(ingested_file.c.sha256, ingested_file.c.id, ingested_file.c.stored_path,
                           ingested_file.c.original_name).where(
                ingested_file.c.sha256.in_(chunk), ingested_file.c.status.in_(("loaded", "superseded")))
            for sha, file_id, stored, name in conn.execute(query):
                found[sha] = (file_id, stored, name)
    return found


def replace_dimensions(engine: Engine, groups: pd.DataFrame, key_enterprises: pd.DataFrame, due: pd.DataFrame) -> None:
    """Replace the configuration-derived tables in one transaction."""
    with engine.begin() as conn:
        for table, frame in ((dim_group, groups), (dim_key_enterprise, key_enterprises), (submission_due, due)):
            conn.execute(delete(table))
            if not frame.empty:
                conn.execute(insert(table), [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")])
