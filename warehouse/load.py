"""Writing a pass's outcomes to the warehouse: ledger, facts, findings — one transaction.

A batch commits entirely or not at all, so a file is never half loaded: after a crash
the files are still in the inbox and the next pass does the same work again. Which
version of a submission is current is decided here, by arrival time, inside the same
transaction that loads the newcomer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat

import pandas as pd
from sqlalchemy import Connection, Engine, Integer, Table, bindparam, delete, func, insert, select, text, update

from transforms import kinds
from transforms.findings import Finding
from warehouse.schema import (
    dim_group,
    dim_key_enterprise,
    file_finding,
    ingested_file,
    metadata,
    submission_due,
)


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
    facts: dict[str, dict[str, list[object]]] = field(default_factory=dict)  # table → columns, `_row` the Excel row
    stamp: dict[str, object] = field(default_factory=dict)  # column → value on every fact row (the submission's keys)
    file_id: int | None = None  # set when recorded
    submitter: str | None = None  # who sent it (填报人 / 包联人), when the file says

    recorded_rows: int | None = None  # rows_loaded, kept when the fact rows are let go after recording

    @property
    def rows_loaded(self) -> int:
        if self.recorded_rows is not None:
            return self.recorded_rows
        return sum(len(f.get("_row", ())) for f in self.facts.values()) if self.status in ("loaded", "superseded") else 0

    def let_go_of_rows(self) -> None:
        """Forget the fact rows once they are recorded (a pass holds one batch's rows at a time)."""
        self.recorded_rows = self.rows_loaded
        self.facts, self.header = {}, None


def record_outcomes(engine: Engine, outcomes: Sequence[Outcome], run_id: str, now: dt.datetime) -> list[Outcome]:
    """Record a batch in one transaction: ledger rows, then facts and findings, each table in one bulk insert.

    Accepted files are taken in arrival order, so which version of a submission is current
    is decided the same way whether its versions come in one batch or in many.
    """
    order = sorted(outcomes, key=lambda o: (o.received_at, o.original_name))
    primary = [o for o in order if o.status != "duplicate"]
    duplicates = [o for o in order if o.status == "duplicate"]
    with engine.begin() as conn:
        replaced = _settle_versions(conn, primary)
        _retire_stored_versions(conn, replaced)  # before the newcomers: one current version per submission
        _insert_ledger_rows(conn, primary, run_id, now)
        _link_versions(conn, replaced)
        accepted = {o.sha256: o.file_id for o in primary if o.status in ("loaded", "superseded")}
        for outcome in duplicates:
            if outcome.duplicate_of is None:
                outcome.duplicate_of = accepted.get(outcome.sha256) or _accepted_id(conn, outcome.sha256)
        _insert_ledger_rows(conn, duplicates, run_id, now)
        stored = [o for o in primary if o.status in ("loaded", "superseded")]
        _insert_headers(conn, stored)
        _insert_facts(conn, stored)
        _insert_findings(conn, order)
    return list(outcomes)


Version = Outcome | tuple[int, dt.datetime, str | None]  # a file of this batch, or (id, received_at, subject) of a stored one


def _settle_versions(conn: Connection, batch: Sequence[Outcome]) -> list[tuple[Version, Version]]:
    """Decide, in arrival order, which versions of each submission are current: a later version
    replaces an earlier one when its kind says so (the same subject, for most kinds). Marks the
    batch's replaced versions superseded; returns (older, newer) pairs to link."""
    versioned = [o for o in batch if o.status == "loaded" and kinds.kind_named(o.kind).versioned]
    current: dict[tuple, list[Version]] = {}  # (kind, period, version bucket) → its current versions
    for (kind_name, period), version in _current_versions(conn, versioned):
        bucket = kinds.kind_named(kind_name).version_bucket(_subject(version))
        current.setdefault((kind_name, period, bucket), []).append(version)
    replaced: list[tuple[Version, Version]] = []
    for outcome in versioned:
        kind = kinds.kind_named(outcome.kind)
        holders = current.setdefault((outcome.kind, outcome.period, kind.version_bucket(outcome.subject)), [])
        newer = [h for h in holders if _arrival(h) > outcome.received_at and kind.replaces(outcome.subject, _subject(h))]
        if newer:
            outcome.status = "superseded"  # a late-copied older version: history only
            replaced.append((outcome, newer[0]))
            continue
        for holder in [h for h in holders if kind.replaces(_subject(h), outcome.subject)]:
            if isinstance(holder, Outcome):
                holder.status = "superseded"
            replaced.append((holder, outcome))
            holders.remove(holder)
        holders.append(outcome)
    return replaced


def _subject(version: Version) -> str | None:
    return version.subject if isinstance(version, Outcome) else version[2]


def _arrival(version: Version) -> dt.datetime:
    return version.received_at if isinstance(version, Outcome) else version[1]


def _version_id(version: Version) -> int:
    return version.file_id if isinstance(version, Outcome) else version[0]


def _current_versions(conn: Connection, versioned: Sequence[Outcome]) -> Iterator[tuple[tuple, tuple[int, dt.datetime, str | None]]]:
    """(kind, period) → (id, received_at, subject) of the stored current versions of the submissions
    the batch brings a version of, locked against a racing pass. Kinds whose versions replace by
    subject are looked up by subject too (a weekly report's cadre), through the partial index of
    current versions (ux_ingested_file_current), so the lookup does not read the whole ledger."""
    by_kind: dict[str, list[Outcome]] = {}
    for outcome in versioned:
        by_kind.setdefault(outcome.kind, []).append(outcome)
    columns = (ingested_file.c.id, ingested_file.c.received_at, ingested_file.c.subject, ingested_file.c.period)
    for name, outcomes in by_kind.items():
        periods = sorted({o.period for o in outcomes if o.period is not None})
        by_subject = type(kinds.kind_named(name)).replaces is kinds.Kind.replaces
        subjects = sorted({o.subject for o in outcomes if o.subject is not None})
        wanted = {(o.subject, o.period) for o in outcomes}
        for start in range(0, len(periods), 500):
            query = select(*columns).where(ingested_file.c.status == "loaded", ingested_file.c.kind == name,
                                           ingested_file.c.period.in_(periods[start:start + 500]))
            if by_subject:
                query = query.where(ingested_file.c.subject.in_(subjects))
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()
            for file_id, received_at, subject, period in conn.execute(query):
                if not by_subject or (subject, period) in wanted:
                    yield (name, period), (file_id, received_at, subject)


def _retire_stored_versions(conn: Connection, replaced: Sequence[tuple[Version, Version]]) -> None:
    """Mark the stored versions this batch replaces as superseded."""
    stored = [old[0] for old, _ in replaced if not isinstance(old, Outcome)]
    if stored:
        conn.execute(update(ingested_file).where(ingested_file.c.id.in_(stored)).values(status="superseded"))


def _link_versions(conn: Connection, replaced: Sequence[tuple[Version, Version]]) -> None:
    """Point every replaced version at the one that replaced it."""
    if replaced:
        conn.execute(update(ingested_file).where(ingested_file.c.id == bindparam("older")).values(
            superseded_by=bindparam("newer")),
            [{"older": _version_id(old), "newer": _version_id(new)} for old, new in replaced])


def _insert_ledger_rows(conn: Connection, outcomes: Sequence[Outcome], run_id: str, now: dt.datetime) -> None:
    """Give each file its ledger id, then insert the ledger rows in one bulk insert."""
    if not outcomes:
        return
    for outcome, file_id in zip(outcomes, _new_file_ids(conn, len(outcomes)), strict=True):
        outcome.file_id = file_id
    rows = [dict(
        id=o.file_id, sha256=o.sha256, original_name=o.original_name, kind=o.kind, subject=o.subject, period=o.period,
        status=o.status, rows_read=o.rows_read, rows_loaded=o.rows_loaded, rows_rejected=o.rows_rejected,
        rows_skipped=o.rows_skipped, errors=sum(f.severity == "error" for f in o.findings),
        warnings=sum(f.severity == "warning" for f in o.findings), received_at=o.received_at, processed_at=now,
        stored_path=o.stored_path, explanation_path=o.explanation_path, duplicate_of=o.duplicate_of,
        superseded_by=None, run_id=run_id) for o in outcomes]
    bulk_insert(conn, ingested_file, rows)


def _new_file_ids(conn: Connection, count: int) -> list[int]:
    """`count` unused ledger ids, in increasing order, taken before the rows are inserted.

    An INSERT … RETURNING of thousands of rows costs far more than the insert itself (psycopg
    parses the whole multi-row statement; SQLite goes one row at a time to keep the order), so
    the ids are drawn first: from the id sequence on PostgreSQL; after the highest id on SQLite,
    where the pass is the ledger's only writer (exclusive_pass) and a racing writer would make
    the insert fail on the primary key, never overwrite a row.
    """
    if conn.dialect.name == "postgresql":
        drawn = conn.execute(text("SELECT nextval(pg_get_serial_sequence('ingested_file', 'id')) "
                                  "FROM generate_series(1, :count)"), {"count": count}).scalars()
        return sorted(drawn)
    highest = conn.execute(select(func.max(ingested_file.c.id))).scalar() or 0
    return list(range(highest + 1, highest + 1 + count))


def _insert_headers(conn: Connection, stored: Sequence[Outcome]) -> None:
    """One monthly_report / weekly_report row per stored report."""
    by_table: dict[str, list[dict]] = {}
    for outcome in stored:
        if outcome.header is not None:
            table, row = outcome.header
            by_table.setdefault(table, []).append({"file_id": outcome.file_id, **row})
    for table, rows in by_table.items():
        bulk_insert(conn, metadata.tables[table], rows)


def _insert_facts(conn: Connection, stored: Sequence[Outcome]) -> None:
    """Every stored file's fact rows with lineage (file_id, sheet_row): one bulk insert per table."""
    rows: dict[str, list[tuple]] = {}
    for outcome in stored:
        for table_name, columns in outcome.facts.items():
            rows.setdefault(table_name, []).extend(fact_rows(metadata.tables[table_name], columns, outcome))
    for table_name, table_rows in rows.items():
        table = metadata.tables[table_name]
        insert_rows(conn, table, insertable_columns(table), table_rows)


def fact_rows(table: Table, columns: dict[str, list[object]], outcome: Outcome) -> list[tuple]:
    """One file's staged columns as rows of `table`, in the order of insertable_columns(table): every
    column filled (absent → NULL), lineage and the submission's keys stamped on each row."""
    count = len(columns.get("_row", ()))
    lineage = {"file_id": repeat(outcome.file_id, count), "sheet_row": columns.get("_row", ())}
    parts = [lineage[name] if name in lineage
             else repeat(outcome.stamp[name], count) if name in outcome.stamp
             else columns[name] if name in columns
             else repeat(None, count)
             for name in insertable_columns(table)]
    return list(zip(*parts))


@cache
def insertable_columns(table: Table) -> tuple[str, ...]:
    """The columns a new row names: all but the generated id."""
    return tuple(c.name for c in table.c if c.name != "id")


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, object]]) -> None:
    """Insert rows given as dicts (all with the same keys) in one go."""
    if rows:
        columns = tuple(rows[0])
        insert_rows(conn, table, columns, [tuple(row[c] for c in columns) for row in rows])


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Insert rows (values in the order of `columns`) in one go, inside the caller's transaction:
    COPY on PostgreSQL; on SQLite one executemany of values already converted column by column
    with SQLAlchemy's own converters (its per-row parameter handling costs 4× the insert itself)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, row)) for row in rows])
        return
    converters = [table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for name in columns]
    values = [_converted(column, convert) if convert else column for convert, column in zip(converters, zip(*rows))]
    quote = conn.dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
                 f"VALUES ({', '.join('?' * len(columns))})")
    conn.exec_driver_sql(statement, list(zip(*values)))


def _converted(column: Sequence[object], convert: Callable[[object], object]) -> list[object]:
    """A column's values through `convert`, each distinct value converted once (a batch's dates repeat)."""
    done: dict[object, object] = {None: None}
    return [done[v] if v in done else done.setdefault(v, convert(v)) for v in column]


def records(frame: pd.DataFrame, table: Table | None = None) -> list[dict[str, object]]:
    """A DataFrame as database rows: NaN/NaT → None, numpy scalars → Python values, and whole
    numbers in integer columns as int (a column with a gap is float in pandas)."""
    columns = {}
    for name in frame.columns:
        values = [_plain(v) for v in frame[name].tolist()]
        if table is not None and name in table.c and isinstance(table.c[name].type, Integer):
            values = [None if v is None else int(v) for v in values]
        columns[name] = values
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def _accepted_id(conn: Connection, sha: str) -> int | None:
    """Ledger id of the accepted file with these bytes (loaded earlier in this batch or before)."""
    return conn.execute(select(ingested_file.c.id).where(
        ingested_file.c.sha256 == sha, ingested_file.c.status.in_(("loaded", "superseded")))).scalar()


def _plain(value: object) -> object:
    """A DataFrame cell as a DB value: NaN/NaT/NA → None, numpy scalars → Python."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
        return None
    return value.item() if hasattr(value, "item") else value


def _insert_findings(conn: Connection, outcomes: Sequence[Outcome]) -> None:
    """Record every finding and every skipped row (with its reason) of the batch's files."""
    rows = [
        {"file_id": o.file_id, "severity": f.severity, "sheet": f.sheet, "row": f.row, "col": f.col,
         "header": f.header, "value": f.value, "message": f.message, "fix": f.fix}
        for o in outcomes for f in o.findings
    ] + [
        {"file_id": o.file_id, "severity": "skipped", "sheet": sheet, "row": row, "col": None,
         "header": "", "value": "", "message": reason, "fix": ""}
        for o in outcomes for sheet, row, reason in o.skipped
    ]
    bulk_insert(conn, file_finding, rows)


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


def replace_dimensions(engine: Engine, groups: pd.DataFrame, key_enterprises: pd.DataFrame, due: pd.DataFrame) -> bool:
    """Replace the configuration-derived tables in one transaction, unless they hold exactly these
    rows already (most passes: no setting, library or deadline changed since the last); True when
    they were rewritten."""
    wanted = {table: records(frame, table)
              for table, frame in ((dim_group, groups), (dim_key_enterprise, key_enterprises), (submission_due, due))}
    with engine.begin() as conn:
        if all(_holds_exactly(conn, table, rows) for table, rows in wanted.items()):
            return False
        for table, rows in wanted.items():
            conn.execute(delete(table))
            if rows:
                conn.execute(insert(table), rows)
    return True


def _holds_exactly(conn: Connection, table: Table, rows: Sequence[dict[str, object]]) -> bool:
    """True when `table` holds these rows and no other."""
    columns = [c.name for c in table.c]
    stored = conn.execute(select(*table.c)).all()
    return len(stored) == len(rows) and set(map(tuple, stored)) == {tuple(row.get(c) for c in columns) for row in rows}
