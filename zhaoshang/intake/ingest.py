"""One ingest pass, step by step (the Prefect flow in flows/ingest.py calls these).

collect  – list the inbox, read bytes, recognise duplicates and left-overs of a crash
check    – stage every file (on two processes for a big pass), then run the gate (suites
           once per sheet kind, then rules)
store    – place refused originals (rejected/ + explanation), record the batch in one
           transaction, then move the accepted originals into archive/ and clear the inbox
The order makes a crash harmless: until the transaction commits, the inbox still holds
the file and the next pass redoes the work; after it commits, the next pass only
finishes moving the stored files into the archive (their bytes checked against the ledger's hash).

A big backlog goes in batches of BATCH_FILES, each stored in its own transaction. The next
batch is collected as soon as the current one is staged, so that the helper process stages it
while this one is judged and stored; duplicates across that boundary are recognised by the
hashes the pass has seen.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from filelock import FileLock
from sqlalchemy import Engine, func, select, text, union_all

from transforms import kinds
from transforms.kinds import weekly
from transforms.kinds.weekly import report_week
from warehouse import load
from warehouse.schema import FACT_TABLES, fact_project_week, fact_review_score, fact_signing, ingested_file, project_snapshot
from zhaoshang.intake import gate, inbox
from zhaoshang.intake.explain import write_explanation
from zhaoshang.intake.gate import Examined
from zhaoshang.intake.helper import Helper, archive_destination, examine_all
from zhaoshang.settings import Settings

log = logging.getLogger(__name__)
BATCH_FILES = 4000  # files stored per transaction: bounds a pass's memory (~40 KB a file) whatever the backlog
FEW = 500  # projects or groups: up to this many, the cross-file rules read only theirs from the warehouse
PG_INGEST_LOCK = 727002


@dataclass
class FileResult:
    """One line of the pass report."""

    name: str
    kind: str
    status: str
    rows_loaded: int = 0
    errors: int = 0
    warnings: int = 0
    explanation: str | None = None
    first_problem: str = ""


class PassSummary:
    """What one ingest pass did: a line per file and the rows per table.

    Deliberately not a dataclass: Prefect walks a flow's return value through every dataclass,
    list and dict, looking for futures, which took 0.33 s at the end of a zone-year pass.
    """

    def __init__(self, files: list[FileResult] | None = None, table_rows: dict[str, int] | None = None) -> None:
        self.files = files or []
        self.table_rows = table_rows or {}

    def __repr__(self) -> str:
        return f"PassSummary({len(self.files)} files, {self.table_rows})"

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)


@contextmanager
def exclusive_pass(settings: Settings, engine: Engine, timeout: float = 600) -> Iterator[None]:
    """Only one ingest pass at a time: a lock file in the root, plus an advisory lock on PostgreSQL."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        # a helper process re-running the calling script (one without `if __name__ == "__main__":`)
        # would wait here for the lock its own pass holds: fail its start-up instead, and the pass
        # goes on without it (the check is the one multiprocessing makes for a process it starts)
        raise RuntimeError("an ingest pass was started while a helper process was starting up: the script that "
                           "runs the pass needs an `if __name__ == \"__main__\":` guard")
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(settings.state_dir / "ingest.lock", timeout=timeout):
        if engine.dialect.name != "postgresql":
            yield
            return
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_INGEST_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_INGEST_LOCK})
                conn.commit()


def waiting_files(settings: Settings, settle_seconds: float = 0) -> list[inbox.InboxFile]:
    """The files waiting in the inbox folders the pass reads, oldest first."""
    return [f for f in inbox.list_inbox(settings, settle_seconds) if f.kind in kinds.KINDS]


def in_batches(files: Sequence[inbox.InboxFile], size: int | None = None) -> list[list[inbox.InboxFile]]:
    """Consecutive batches of at most `size` files, in arrival order: each is stored in its own
    transaction, so a backlog of any size is held in memory one batch at a time."""
    size = size or BATCH_FILES
    return [list(files[start:start + size]) for start in range(0, len(files), size)] or [[]]


def collect(settings: Settings, engine: Engine, settle_seconds: float = 0,
            files: Sequence[inbox.InboxFile] | None = None, seen: set[str] | None = None,
            ) -> tuple[list[Examined], list[tuple[inbox.InboxFile, load.Outcome]]]:
    """Read every waiting file (or `files`); duplicates of accepted files, and of files met earlier
    in the pass (`seen`, the hashes of the pass's earlier batches, is updated), become outcomes at once."""
    waiting = waiting_files(settings, settle_seconds) if files is None else files
    read = [(f, got) for f in waiting if (got := gate.read_file(f)) is not None]
    accepted = load.accepted_file_ids(engine, {sha for _, (_, sha) in read})
    fresh, duplicates, seen = [], [], set() if seen is None else seen
    for file, (data, sha) in read:
        if sha in accepted and _is_leftover(file, accepted[sha]):  # stored before a crash; not yet moved
            inbox.move_into_archive(file.path, settings.root / accepted[sha][1], data, sha, file.received_at)
        elif sha in accepted or sha in seen:
            duplicates.append((file, _duplicate(settings, file, data, sha, accepted.get(sha))))
        else:
            seen.add(sha)
            fresh.append(Examined(file, data, sha))
    return fresh, duplicates


def _is_leftover(file: inbox.InboxFile, known: tuple[int, str | None, str]) -> bool:
    """True when this inbox file is the very one an earlier pass stored (same bytes, folder and name)
    and was to move into the archive when the pass stopped."""
    _, stored, name = known
    return name == file.name and stored is not None and stored.startswith(f"archive/{file.kind}/")


def _duplicate(settings: Settings, file: inbox.InboxFile, data: bytes, sha: str,
               known: tuple[int, str | None, str] | None) -> load.Outcome:
    """The outcome for a file whose bytes were already accepted."""
    destination = inbox.archive_path(settings, "重复文件", None, inbox.stored_name(file.name, file.received_at, sha))
    inbox.place_copy(data, destination, file.received_at)
    return load.Outcome(sha256=sha, original_name=file.name, kind=file.kind, status="duplicate",
                        received_at=file.received_at, stored_path=inbox.relative(settings, destination),
                        duplicate_of=known[0] if known else None)


def check(batch: list[Examined], settings: Settings, engine: Engine, helper: Helper | None = None) -> list[Examined]:
    """Stage every file (with the helper process, if the pass has one) and run the whole gate over the batch."""
    return judge(examine_all(batch, settings, helper), settings, engine)


def judge(examined: list[Examined], settings: Settings, engine: Engine) -> list[Examined]:
    """The batch-level gate over staged files: the suites once per sheet kind, then the cross-file rules."""
    gate.check_batch(examined, settings, known_facts(engine, examined))
    return examined


def known_facts(engine: Engine, batch: Sequence[Examined] = ()) -> gate.Known:
    """What the cross-file rules compare against: current signings, library codes, weekly cumulative figures.

    Only what the batch needs is read, so a pass does the same work however long the history is:
    the projects and groups it names (when they are few), and of the weekly figures only the weeks
    from the batch's earliest report week on, plus each project's last week before it (all that
    "cumulative below last week" can compare with). Without the second bound a zone-year rebuild
    read a growing history batch after batch: quadratic in the number of weeks.
    """
    projects, groups = mentioned(batch, "project_code"), mentioned(batch, "group_code")
    current = ingested_file.c.status == "loaded"
    signings = (select(fact_signing.c.group_code, fact_signing.c.month, fact_signing.c.enterprise)
                .join(ingested_file, ingested_file.c.id == fact_signing.c.file_id).where(current))
    codes = select(project_snapshot.c.project_code).distinct()
    weeks = cumulative_figures(projects if batch and len(projects) <= FEW else None, earliest_week(batch))
    if batch and len(projects) <= FEW:
        codes = codes.where(project_snapshot.c.project_code.in_(sorted(projects)))
    if batch and len(groups) <= FEW:
        signings = signings.where(fact_signing.c.group_code.in_(sorted(groups)))
    # a batch that names no project (or no group) has nothing to compare: no query at all
    # (an empty IN list would make SQLite read the whole ledger)
    ask_projects, ask_groups = not batch or bool(projects), not batch or bool(groups)
    halves = sorted(mentioned(batch, "half"))
    reviews = (select(fact_review_score.c.half, fact_review_score.c.person, fact_review_score.c.rater,
                      ingested_file.c.original_name)
               .join(ingested_file, ingested_file.c.id == fact_review_score.c.file_id)
               .where(current, fact_review_score.c.half.in_(halves)))
    with engine.connect() as conn:
        return gate.Known(
            current_reviews=pd.DataFrame(conn.execute(reviews).all() if halves else [],
                                         columns=["half", "person", "rater", "original_name"]),
            signings=pd.DataFrame(conn.execute(signings).all() if ask_groups else [],
                                  columns=["group_code", "month", "enterprise"]),
            project_codes=set(conn.execute(codes).scalars()) if ask_projects else set(),
            cumulative=pd.DataFrame(conn.execute(weeks).all() if ask_projects else [],
                                    columns=["project_code", "week_start", "invest_cum_wan"]),
        )


def cumulative_figures(projects: set[str] | None, since: dt.date | None):
    """The query for current weekly cumulative figures: of `projects` (None: all), from `since` on
    plus each project's latest week before it (None: every week)."""
    current = ingested_file.c.status == "loaded"
    week = fact_project_week.c

    def current_weeks():
        query = select(week.project_code, week.week_start, week.invest_cum_wan).join(
            ingested_file, ingested_file.c.id == week.file_id).where(current)
        return query.where(week.project_code.in_(sorted(projects))) if projects is not None else query

    if since is None:
        return current_weeks()
    latest = (select(week.project_code, func.max(week.week_start).label("week_start"))
              .join(ingested_file, ingested_file.c.id == week.file_id)
              .where(current, week.week_start < since).group_by(week.project_code))
    if projects is not None:
        latest = latest.where(week.project_code.in_(sorted(projects)))
    latest = latest.subquery()
    before = current_weeks().join(latest, (latest.c.project_code == week.project_code)
                                  & (latest.c.week_start == week.week_start))
    return union_all(current_weeks().where(week.week_start >= since), before)


def earliest_week(batch: Sequence[Examined]) -> dt.date | None:
    """The earliest report week of the batch's weekly reports (None: the batch has none, or one
    whose week could not be read, so every week is read)."""
    found = [report_week(e.staged) for e in batch if e.staged is not None and e.staged.kind == weekly.KIND.name]
    return None if not found or None in found else min(found)


def mentioned(batch: Sequence[Examined], field: str) -> set[str]:
    """Every value of `field` in any staged sheet of the batch."""
    return {value for e in batch if e.staged is not None for part in e.staged.sheets.values()
            for value in part.columns.get(field, ()) if value is not None}


def outcome_of(examined: Examined, settings: Settings) -> load.Outcome:
    """Place the original where it belongs (and its explanation) and describe it for the ledger."""
    file, staged = examined.file, examined.staged
    subject, period = gate.describe_period(staged, file.received_at)
    outcome = load.Outcome(
        sha256=examined.sha, original_name=file.name, kind=file.kind, status="loaded",
        received_at=file.received_at, stored_path="", subject=subject, period=period,
        rows_read=staged.rows_read if staged else 0, rows_skipped=staged.rows_skipped if staged else 0,
        findings=gate.in_reading_order(examined.findings, file.kind), skipped=gate.skipped_rows(staged),
        submitter=kinds.kind_named(file.kind).submitter(staged) if staged else None,
    )
    if examined.accepted:  # the original moves to the archive once the batch is stored
        examined.archived = examined.archived or archive_destination(settings, examined)
        outcome.stored_path = inbox.relative(settings, examined.archived)
        kind = kinds.kind_named(file.kind)
        outcome.facts = {table: staged.sheets[sheet].columns for sheet, table in kind.facts.items() if sheet in staged.sheets}
        outcome.stamp = kind.stamp(staged, file.received_at)
        header = kind.header(staged)
        outcome.header = (kind.header_table, header) if kind.header_table and header is not None else None
        return outcome
    destination = inbox.rejected_path(settings, file.kind, inbox.stored_name(file.name, file.received_at, examined.sha))
    inbox.place_copy(examined.data, destination, file.received_at)
    explanation = destination.with_name(destination.stem + "_错误说明.xlsx")
    raw = cells_as_read(examined, settings)
    write_explanation(destination, outcome.findings, explanation, display_name=file.name,
                      sheets=gate.readers.sheet_rows(raw) if raw else None,
                      copy_original=raw is not None)  # never re-open a file the reader refused
    outcome.status = "rejected"
    outcome.rows_rejected = gate.rows_with_errors(examined)
    outcome.stored_path = inbox.relative(settings, destination)
    outcome.explanation_path = inbox.relative(settings, explanation)
    return outcome


def cells_as_read(examined: Examined, settings: Settings) -> gate.readers.RawWorkbook | None:
    """The file's sheets as read, for its explanation: kept from checking, or read again for a file
    that passed staging (and so let go of them) before the batch's rules refused it."""
    if examined.raw is not None or examined.staged is None:
        return examined.raw
    return gate.examine(examined.file, examined.data, examined.sha, gate.group_codes(settings)).raw


def store(examined: Sequence[Examined], duplicates: Sequence[tuple[inbox.InboxFile, load.Outcome]],
          settings: Settings, engine: Engine, run_id: str, clearing: inbox.Clearing | None = None) -> list[load.Outcome]:
    """Place the refused originals and explanations, record the whole batch in one transaction, then
    move the accepted originals into the archive and clear the inbox (on `clearing`'s thread while
    the pass goes on, if given; here and now otherwise)."""
    outcomes = [outcome_of(e, settings) for e in examined] + [o for _, o in duplicates]
    if outcomes:
        load.record_outcomes(engine, outcomes, run_id, settings.now())
    moves = [(e.file.path, e.archived, e.data, e.sha, e.file.received_at)
             for e in examined if e.accepted and e.archived is not None]
    removals = [e.file.path for e in examined if not e.accepted] + [f.path for f, _ in duplicates]
    if clearing is None:
        inbox.move_all_into_archive(moves)
        inbox.remove_all_from_inbox(removals)
    else:
        clearing.move(moves)
        clearing.remove(removals)
    for outcome in outcomes:
        outcome.let_go_of_rows()
    return outcomes


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per fact table (all versions) — for the pass summary."""
    with engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (ingested_file, *dict.fromkeys(FACT_TABLES.values()))}


def summarise(outcomes: Sequence[load.Outcome], engine: Engine) -> PassSummary:
    """The pass report: one line per file (its final ledger status) plus rows per table."""
    ids = {o.file_id for o in outcomes if o.file_id is not None}
    final = {}
    if ids:  # the pass's ledger rows by their id range (an IN list of 10,000 ids took 0.5 s on PostgreSQL)
        with engine.connect() as conn:
            final = {id_: status for id_, status in conn.execute(
                select(ingested_file.c.id, ingested_file.c.status).where(ingested_file.c.id.between(min(ids), max(ids))))
                if id_ in ids}
    files = [
        FileResult(o.original_name, o.kind, final.get(o.file_id, o.status), o.rows_loaded,
                   sum(f.severity == "error" for f in o.findings), sum(f.severity == "warning" for f in o.findings),
                   o.explanation_path,
                   next((f.describe() for f in o.findings if f.severity == "error"), ""))
        for o in sorted(outcomes, key=lambda o: (o.kind, o.received_at))
    ]
    return PassSummary(files=files, table_rows=table_counts(engine))


def status_counts(summary: PassSummary) -> Counter:
    """How many files ended in each status."""
    return Counter(f.status for f in summary.files)

