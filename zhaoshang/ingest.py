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
import gc
import logging
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from filelock import FileLock
from sqlalchemy import Engine, func, select, text

from transforms.marts.deadlines import monthly_reports_due, weekly_reports_due
from transforms.marts.dimensions import group_rows, key_enterprise_patterns
from warehouse import load
from warehouse.schema import FACT_TABLES, fact_project_week, fact_signing, ingested_file, project_snapshot
from zhaoshang import gate, inbox
from zhaoshang.explain import write_explanation
from zhaoshang.gate import Examined
from zhaoshang.settings import Settings
from zhaoshang.workcalendar import is_workday

log = logging.getLogger(__name__)
PARALLEL_FROM = 300  # files: below this a second process costs more (about 1 s to start) than it saves
CHUNK = 100  # files per piece of work shared between the two processes (progress is logged per piece)
BATCH_FILES = 4000  # files stored per transaction: bounds a pass's memory (~40 KB a file) whatever the backlog
FEW = 500  # projects or groups: up to this many, the cross-file rules read only theirs from the warehouse
SUPPORTED_KINDS = ("月报", "项目库", "周报", "述职评议")
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


@contextmanager
def garbage_collected_between_batches() -> Iterator[Callable[[], None]]:
    """Python's full garbage collections, during a pass, only when the caller says a batch is done.

    A full collection walks every live object. Left to itself, Python ran five during a zone-year
    pass, each longer than the last (0.3–0.5 s, with the staged batch alive); this process also
    feeds the helper, so the helper waited too. Here the objects alive before the pass (modules,
    suites, Prefect) are frozen out of collections, automatic full collections are held off, and
    the function yielded collects between batches, when a stored batch's objects are garbage
    (0.1–0.2 s). Young objects are still collected as usual; everything is restored afterwards
    (objects a host program froze itself are left frozen, and then nothing more is frozen).
    """
    thresholds, freezing = gc.get_threshold(), gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield gc.collect
    finally:
        gc.set_threshold(*thresholds)
        if freezing:
            gc.unfreeze()


def waiting_files(settings: Settings, settle_seconds: float = 0) -> list[inbox.InboxFile]:
    """The files waiting in the inbox folders the pass reads, oldest first."""
    return [f for f in inbox.list_inbox(settings, settle_seconds) if f.kind in SUPPORTED_KINDS]


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


class Helper:
    """The second process of a pass, which reads and stages files beside the storing process,
    and the work it was given ahead: the next batch, started while this one is stored."""

    def __init__(self) -> None:
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.usable = True
        self.ahead: tuple[tuple[str, ...], list[Future]] | None = None

    def submit(self, chunk: Sequence[Examined], codes: dict[str, str], settings: Settings) -> Future | None:
        """Send a chunk to the helper (only the bytes and names go); None if the helper is gone."""
        if not self.usable:
            return None
        try:
            return self.pool.submit(_examine_chunk, [(e.file, e.data, e.sha) for e in chunk], codes, settings)
        except (BrokenProcessPool, RuntimeError) as error:  # e.g. started from a script without a main guard
            log.warning("helper process unavailable (%s); examining here", error)
            self.usable = False
            return None

    def start_on(self, batch: Sequence[Examined], settings: Settings) -> None:
        """Give the helper the whole of the next batch now; examine_all() takes back what it has not begun."""
        codes = gate.group_codes(settings)
        futures = [self.submit(chunk, codes, settings) for chunk in chunks_of(batch)]
        if None in futures:  # the helper broke on the way: examine_all() will do the batch here
            for future in futures:
                if future is not None:
                    future.cancel()
            return
        self.ahead = (tuple(e.sha for e in batch), futures)

    def begun(self, batch: Sequence[Examined]) -> dict[Future, int]:
        """The chunks of `batch` the helper has begun or finished (chunk index by future); the rest are
        called back, to be shared again."""
        ahead, self.ahead = self.ahead, None
        if ahead is None or ahead[0] != tuple(e.sha for e in batch):
            for future in ahead[1] if ahead else ():
                future.cancel()
            return {}
        return {future: index for index, future in enumerate(ahead[1]) if not future.cancel()}


@contextmanager
def helper_process(files: int) -> Iterator[Helper | None]:
    """A helper for a pass big enough to repay its start-up (about 1 s); it is asked to start at
    once, so it gets ready while the first batch is read from disk, and it serves every batch."""
    if files < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield None
        return
    helper = Helper()
    helper.pool.submit(_ready)
    try:
        yield helper
    finally:
        helper.pool.shutdown(wait=False, cancel_futures=True)  # the idle process exits on its own meanwhile


def _ready() -> None:
    """Nothing: importing this module is what readies the helper process."""


def look_ahead(helper: Helper | None, batch: Sequence[Examined], settings: Settings) -> None:
    """Let the helper start on the next batch while this process stores the current one."""
    if helper is not None and batch:
        helper.start_on(batch, settings)


def chunks_of(batch: Sequence[Examined]) -> list[list[Examined]]:
    """The pieces a batch is shared out in."""
    return [list(batch[start:start + CHUNK]) for start in range(0, len(batch), CHUNK)]


def examine_all(batch: Sequence[Examined], settings: Settings, helper: Helper | None = None) -> list[Examined]:
    """Read and stage every file of the batch, in order, sharing the work with `helper` if given.

    The batch is cut into chunks. Chunks the helper began ahead are waited for; of the rest,
    the helper is kept two chunks ahead and this process takes the next one itself meanwhile,
    so both cores stay busy whatever either one's pace. Reading and staging is CPU work on
    bytes already in memory; the bytes stay here, and the promise that a file is stored whole
    or not at all stays with this process's single transaction. If the helper breaks, its
    chunks are done here.
    """
    codes = gate.group_codes(settings)
    if helper is None:
        return [examine_one(e.file, e.data, e.sha, codes, settings) for e in batch]
    chunks = chunks_of(batch)
    done: list[list[Examined] | None] = [None] * len(chunks)
    sent = helper.begun(batch)
    if sent:
        log.info("the helper had begun %d of %d chunks of this batch ahead", len(sent), len(chunks))
    todo = deque(index for index in range(len(chunks)) if index not in sent.values())
    reported = 0

    def here(index: int) -> None:
        done[index] = [examine_one(e.file, e.data, e.sha, codes, settings) for e in chunks[index]]

    while todo or sent:
        for future in [f for f in sent if f.done()]:
            index = sent.pop(future)
            try:
                done[index] = _rejoined(future.result(), chunks[index])
            except BrokenProcessPool as error:
                log.warning("helper process stopped (%s); examining its files here", error)
                helper.usable = False
                here(index)
        # top the helper up before taking a chunk here, or it would finish its two and wait for this one
        while todo and len(sent) < 2 and (future := helper.submit(chunks[todo[0]], codes, settings)):
            sent[future] = todo.popleft()
        if todo:
            here(todo.popleft())
        elif sent:
            wait(sent, return_when=FIRST_COMPLETED)
        finished = sum(len(c) for c in done if c is not None)
        if finished * 10 // len(batch) > reported:  # progress in tenths
            reported = finished * 10 // len(batch)
            log.info("examined %d of %d files", finished, len(batch))
    return [examined for chunk in done for examined in chunk]


def examine_one(file: inbox.InboxFile, data: bytes, sha: str, codes: dict[str, str], settings: Settings) -> Examined:
    """Read and stage one file. A file that passes staging is given its place in the archive (it
    moves there once stored) and lets go of its cells as read (only a refused file's explanation
    needs them)."""
    examined = gate.examine(file, data, sha, codes)
    if examined.accepted:
        examined.archived = archive_destination(settings, examined)
        examined.raw = None
    return examined


def _examine_chunk(files: list[tuple[inbox.InboxFile, bytes, str]], codes: dict[str, str],
                   settings: Settings) -> list[Examined]:
    """Examine files in the helper process; the bytes are not sent back."""
    done = [examine_one(file, data, sha, codes, settings) for file, data, sha in files]
    for examined in done:
        examined.data = b""
    return done


def _rejoined(examined: list[Examined], sent: list[Examined]) -> list[Examined]:
    """The helper's results with the bytes that stayed here put back."""
    for result, original in zip(examined, sent, strict=True):
        result.data = original.data
    return examined


def archive_destination(settings: Settings, examined: Examined) -> Path:
    """Where an accepted file's original is kept: archive/<kind>/<period>/<arrival_hash_name>."""
    file = examined.file
    _, period = gate.describe_period(examined.staged, file.received_at)
    return inbox.archive_path(settings, file.kind, period, inbox.stored_name(file.name, file.received_at, examined.sha))


def known_facts(engine: Engine, batch: Sequence[Examined] = ()) -> gate.Known:
    """What the cross-file rules compare against: current signings, library codes, weekly cumulative figures.

    Only what the batch's projects and groups need is read when they are few (a pass picking up
    a few new files does the same work however long the history is); a big batch reads it all.
    """
    projects, groups = mentioned(batch, "project_code"), mentioned(batch, "group_code")
    current = ingested_file.c.status == "loaded"
    signings = (select(fact_signing.c.group_code, fact_signing.c.month, fact_signing.c.enterprise)
                .join(ingested_file, ingested_file.c.id == fact_signing.c.file_id).where(current))
    codes = select(project_snapshot.c.project_code).distinct()
    weeks = (select(fact_project_week.c.project_code, fact_project_week.c.week_start, fact_project_week.c.invest_cum_wan)
             .join(ingested_file, ingested_file.c.id == fact_project_week.c.file_id).where(current))
    if batch and len(projects) <= FEW:
        codes = codes.where(project_snapshot.c.project_code.in_(sorted(projects)))
        weeks = weeks.where(fact_project_week.c.project_code.in_(sorted(projects)))
    if batch and len(groups) <= FEW:
        signings = signings.where(fact_signing.c.group_code.in_(sorted(groups)))
    # a batch that names no project (or no group) has nothing to compare: no query at all
    # (an empty IN list would make SQLite read the whole ledger)
    ask_projects, ask_groups = not batch or bool(projects), not batch or bool(groups)
    with engine.connect() as conn:
        return gate.Known(
            signings=pd.DataFrame(conn.execute(signings).all() if ask_groups else [],
                                  columns=["group_code", "month", "enterprise"]),
            project_codes=set(conn.execute(codes).scalars()) if ask_projects else set(),
            cumulative=pd.DataFrame(conn.execute(weeks).all() if ask_projects else [],
                                    columns=["project_code", "week_start", "invest_cum_wan"]),
        )


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
        submitter=gate.submissions.submitter(staged),
    )
    if examined.accepted:  # the original moves to the archive once the batch is stored
        examined.archived = examined.archived or archive_destination(settings, examined)
        outcome.stored_path = inbox.relative(settings, examined.archived)
        outcome.facts = gate.submissions.fact_columns(staged)
        outcome.stamp = gate.submissions.fact_stamp(staged, file.received_at)
        outcome.header = gate.submissions.report_header(staged)
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


def rejection_mail(settings: Settings, outcome: load.Outcome) -> tuple[list[str], str, list[str]] | None:
    """(recipients, subject, paragraphs) telling the submitter why their file came back, if we know them."""
    person = settings.person_by_name.get(outcome.submitter or "")
    office = [p.email for p in settings.people_with("office") if p.email]
    to = [person.email] if person and person.email else ([] if outcome.kind in ("月报", "周报") else office)
    if not to:
        return None
    errors = [f for f in outcome.findings if f.severity == "error"]
    shown = [f"{i}. {f.describe()}" + (f"（{f.fix}）" if f.fix else "") for i, f in enumerate(errors[:10], 1)]
    more = [f"……另有 {len(errors) - 10} 处问题，详见附件。"] if len(errors) > 10 else []
    greeting = f"{person.name}同志：" if person else "您好："
    return to, f"【退回】{outcome.original_name} 未通过校验，请修改后重新报送", [
        greeting,
        f"您于 {outcome.received_at:%Y年%m月%d日 %H:%M} 报送的《{outcome.original_name}》有 {len(errors)} 处问题，未能入库：",
        *shown, *more,
        "附件是您的文件副本：问题单元格已标红并附批注，首页“错误汇总”列出了每处问题和修改方法。"
        f"请修改后重新放入共享文件夹 inbox/{outcome.kind}/。",
        settings.zone.office,
    ]


def notify_submitters(settings: Settings, engine: Engine, outcomes: Sequence[load.Outcome]) -> int:
    """Mail every rejected file's explanation to its submitter (once per file content); returns how many."""
    from zhaoshang.delivery.mail import deliver_pending, queue_mail

    office = [p.email for p in settings.people_with("office") if p.email]
    sent = 0
    for outcome in outcomes:
        mail = rejection_mail(settings, outcome) if outcome.status == "rejected" else None
        if mail is None or not outcome.explanation_path:
            continue
        to, subject, paragraphs = mail
        queue_mail(settings, engine, key=f"rejected:{outcome.sha256}", to=to, cc=office, subject=subject,
                   paragraphs=paragraphs, attachments=[settings.root / outcome.explanation_path])
        sent += 1
    if sent:
        deliver_pending(settings, engine)
    return sent


def refresh_dimensions(settings: Settings, engine: Engine) -> bool:
    """Sync groups, key-enterprise patterns and what was due from the configuration (and the
    project library); True when they changed and were rewritten."""
    groups = group_rows([(g.code, g.name, g.budget_yuan) for g in settings.groups])
    names = [name for g in settings.groups for name in g.key_enterprises]
    monthly = monthly_reports_due([g.code for g in settings.groups], settings.zone.reporting_start,
                                  settings.now(), settings.deadlines.monthly_day, is_workday)
    weekly = weekly_reports_due(library_snapshots(engine), dt.date.fromisoformat(settings.zone.weekly_start),
                                settings.now(), settings.deadlines.weekly_weekday, settings.deadlines.weekly_hour,
                                is_workday)
    due = pd.concat([monthly, weekly], ignore_index=True)
    return load.replace_dimensions(engine, groups, key_enterprise_patterns(names, settings.aliases), due)


def library_snapshots(engine: Engine) -> pd.DataFrame:
    """Every project-library snapshot's rows: snapshot_at, project_code, cadre, status."""
    columns = [project_snapshot.c.snapshot_at, project_snapshot.c.project_code, project_snapshot.c.cadre,
               project_snapshot.c.status]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(*columns)).all(), columns=[c.name for c in columns])


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

