"""The bad-input corpus (tests/corpus/make_corpus.py) through ONE real ingest pass per warehouse.

Every file gets the outcome its case states — loaded with exact key values, rejected with
the exact sheet/row/column of every error or the exact file-level message, or ignored —
every file conserves its rows in the ledger, nothing is written outside the root whatever
a file is called, and each hostile file is handled alone in a child process in under
5 seconds and 500 MB.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_ADMIN_URL, TODAY, make_settings
from tests.corpus.make_corpus import Case, build_cases, write_corpus
from tests.figures import record, warehouse_kind
from warehouse.schema import FACT_TABLES, metadata
from zhaoshang.settings import Settings

CASES = build_cases()
# The two rejected files that once took minutes and gigabytes to explain (a shared-string bomb,
# formatting down to row 1,048,576): test_hostile_files_keep_the_pass_bounded times them alone.
EXPLANATION_HEAVY = {"shared-string-bomb", "formatted-to-last-row-with-error"}  # the costliest to explain
PASS_CASES = list(CASES)  # every case in one pass: explanations never re-open a refused or huge original
FACT_TABLE_NAMES = sorted({table.name for table in FACT_TABLES.values()})
SKIP_REASONS = {"空行", "合计行"}  # why staging skips a row (recorded in file_finding)
# archive/ and rejected/ names: arrival time, short hash, the sanitised original name
STORED_NAME = re.compile(r"^\d{8}-\d{6}_[0-9a-f]{8}_[^/\\\x00-\x1f\x7f<>:\"|?*]+$")

@dataclass
class CorpusPass:
    """One ingest pass over the whole corpus, and what it left behind."""

    settings: Settings
    summary: object
    seconds: float
    outside_before: set[str]
    outside_after: set[str]

    def facts(self, table: str, columns: tuple[str, ...], file_id: int) -> list[tuple]:
        """(sheet_row, *columns) of one file's rows in a fact table, typed (dates as dates)."""
        fact = metadata.tables[table]
        query = sa.select(fact.c.sheet_row, *(fact.c[c] for c in columns)).where(
            fact.c.file_id == file_id).order_by(fact.c.sheet_row)
        engine = sa.create_engine(self.settings.warehouse_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(query)]
        finally:
            engine.dispose()

    def query(self, sql: str, **params: object) -> list[tuple]:
        engine = sa.create_engine(self.settings.warehouse_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(sql), params)]
        finally:
            engine.dispose()


def _files_under(folder: Path, skip: Path) -> set[str]:
    """Every file below `folder` except those below `skip` and the SQLite warehouse (relative paths)."""
    found = set()
    for path, dirs, files in os.walk(folder):
        if Path(path).resolve().is_relative_to(skip):
            dirs[:] = []
            continue
        found |= {os.path.relpath(os.path.join(path, f), folder) for f in files if not f.startswith("warehouse.sqlite")}
    return found


def _naive_destinations(settings: Settings, case: Case) -> list[Path]:
    """Where a copy of `case` would land if its name were taken as a (Windows) path below the
    folders the pass writes to — only those outside the root: none of them may exist."""
    name = case.display_name.replace("\\", "/")
    folders = (settings.archive / case.kind / (case.expect.period or "未知期间"), settings.rejected / case.kind,
               settings.archive / "重复文件" / "未知期间")
    targets = [Path(os.path.normpath(folder / name.lstrip("/"))) for folder in folders]
    targets += [Path(os.path.normpath("/" + name.split(":", 1)[-1].lstrip("/")))]  # C:\Windows\… taken as absolute
    return [t for t in targets if not t.is_relative_to(settings.root)]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_pass(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                prefect_server: None) -> Iterator[CorpusPass]:
    """The corpus dropped into a fresh share's inbox and ingested in one pass of the real flow."""
    from flows.ingest import ingest

    base = tmp_path_factory.mktemp(f"corpus-{request.param}")
    database = None
    if request.param == "sqlite":
        url = f"sqlite:///{base / 'warehouse.sqlite'}"
    else:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        database = f"zs_corpus_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
        url = admin.url.set(database=database).render_as_string(hide_password=False)
    settings = make_settings(base / "share", url)
    write_corpus(settings.inbox, PASS_CASES)
    outside_before = _files_under(base, settings.root)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ZHAOSHANG_TODAY", TODAY)
            started = time.monotonic()
            summary = ingest(root=str(settings.root), warehouse_url=url)
            seconds = time.monotonic() - started
        yield CorpusPass(settings, summary, seconds, outside_before, _files_under(base, settings.root))
    finally:
        if database:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.dispose()


def _ledger_row(run: CorpusPass, case: Case) -> dict | None:
    rows = run.query("SELECT id, status, rows_read, rows_loaded, rows_rejected, rows_skipped, errors, warnings, "
                     "period, stored_path, explanation_path FROM ingested_file WHERE kind = :kind AND original_name = :name",
                     kind=case.kind, name=case.display_name)
    assert len(rows) <= 1, f"{case.id}: {len(rows)} ledger rows"
    keys = ("id", "status", "rows_read", "rows_loaded", "rows_rejected", "rows_skipped", "errors", "warnings",
            "period", "stored_path", "explanation_path")
    return dict(zip(keys, rows[0])) if rows else None


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in PASS_CASES])
def test_each_file_gets_its_expected_outcome(corpus_pass: CorpusPass, case: Case) -> None:
    expect, run = case.expect, corpus_pass
    row = _ledger_row(run, case)
    if expect.status == "ignored":
        assert row is None, f"{case.id} should never have been read"
        assert os.path.exists(os.path.join(os.fsencode(run.settings.inbox / case.kind), case.fs_name))
        return
    assert row is not None, f"{case.id}: no ledger row for {case.display_name!r}"
    findings = run.query("SELECT severity, sheet, row, col, header, message FROM file_finding WHERE file_id = :id",
                         id=row["id"])
    errors = sorted(((s or "", r, c, h or "") for sev, s, r, c, h, _ in findings if sev == "error"),
                    key=lambda e: (e[0], e[1] or 0, e[2] or 0, e[3]))
    messages = [m for sev, *_, m in findings if sev == "error"]
    assert (row["status"], errors if row["status"] == "rejected" else []) == (
        expect.status, list(expect.errors) if expect.status == "rejected" and not expect.message else
        [("", None, None, "")] if expect.message else []), messages
    if expect.message:
        assert messages == [expect.message]
    for message in expect.messages:
        assert message in messages
    assert (row["rows_read"], row["rows_loaded"], row["rows_rejected"], row["rows_skipped"]) == expect.rows
    skipped = sorted((s, r, m) for sev, s, r, _, _, m in findings if sev == "skipped")
    assert skipped == sorted(expect.skipped)
    assert row["warnings"] == expect.warnings, [m for sev, *_, m in findings if sev == "warning"]
    if expect.period is not None:
        assert row["period"] == expect.period
    for table, (columns, expected) in expect.facts.items():
        assert run.facts(table, columns, row["id"]) == expected, table
    stored = run.settings.root / row["stored_path"]
    assert stored.is_file() and stored.read_bytes() == case.data
    assert stored.parent.parent.resolve().is_relative_to(run.settings.root)
    if row["status"] == "rejected":
        assert (run.settings.root / row["explanation_path"]).is_file()


def test_every_file_conserves_its_rows(corpus_pass: CorpusPass) -> None:
    ledger = corpus_pass.query("SELECT id, original_name, status, rows_read, rows_loaded, rows_rejected, rows_skipped "
                               "FROM ingested_file")
    assert len(ledger) == sum(c.expect.status != "ignored" for c in PASS_CASES)
    facts = {table: dict(corpus_pass.query(f"SELECT file_id, COUNT(*) FROM {table} GROUP BY file_id"))
             for table in FACT_TABLE_NAMES}
    skipped = {}
    for file_id, reason in corpus_pass.query("SELECT file_id, message FROM file_finding WHERE severity = 'skipped'"):
        assert reason in SKIP_REASONS
        skipped[file_id] = skipped.get(file_id, 0) + 1
    for file_id, name, status, read, loaded, rejected, skips in ledger:
        assert read == loaded + rejected + skips, name
        assert skips == skipped.get(file_id, 0), name
        assert loaded == sum(counts.get(file_id, 0) for counts in facts.values()), name
        assert (status == "loaded") or loaded == 0, name
        assert (status == "rejected") or rejected == 0, name
    record(f"corpus[{warehouse_kind(corpus_pass.settings.warehouse_url)}]", {
        "files": len(PASS_CASES), "rows_read": sum(r[3] for r in ledger),
        "rows_lost": sum(read - loaded - rejected - skips for *_, read, loaded, rejected, skips in ledger)})


def test_the_pass_completes_and_leaves_only_ignored_files(corpus_pass: CorpusPass) -> None:
    statuses = {(f.kind, f.name): f.status for f in corpus_pass.summary.files}
    assert len(statuses) == sum(c.expect.status != "ignored" for c in PASS_CASES)
    left = {(kind, os.fsencode(name)) for kind in ("月报", "周报", "项目库", "述职评议")
            for name in os.listdir(corpus_pass.settings.inbox / kind)}
    assert left == {(c.kind, c.fs_name) for c in PASS_CASES if c.expect.status == "ignored"}
    assert corpus_pass.seconds < 90, f"one pass over the corpus took {corpus_pass.seconds:.0f} s"


def test_nothing_is_written_outside_the_root(corpus_pass: CorpusPass) -> None:
    assert corpus_pass.outside_after == corpus_pass.outside_before
    for case in PASS_CASES:
        for target in _naive_destinations(corpus_pass.settings, case):
            assert not target.exists(), f"{case.id}: {target}"
    root = corpus_pass.settings.root
    stored = []
    for folder in (root / "archive", root / "rejected"):
        for path, _, files in os.walk(folder):
            stored += [Path(path) / f for f in files]
    assert stored
    for path in stored:
        assert path.resolve().is_relative_to(root)
        assert len(os.fsencode(path.name)) <= 255
        name = path.name.removesuffix("_错误说明.xlsx")
        assert STORED_NAME.match(name), path.name
    # the hostile names were kept in the ledger as submitted, and stored under a sanitised name
    for case in PASS_CASES:
        if case.id.startswith("name-") and case.expect.status == "loaded":
            stored_path = corpus_pass.query("SELECT stored_path FROM ingested_file WHERE original_name = :n",
                                            n=case.display_name)[0][0]
            assert "\\" not in stored_path and ".." not in Path(stored_path).parts
            assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in stored_path)


# ── resource bounds: each hostile file alone, in a child process ──────────────
CHILD = """
import json, sys, time
from pathlib import Path
from zhaoshang.intake import readers
started = time.monotonic()
result = readers.read_submission(Path(sys.argv[1]))
print(json.dumps({"seconds": time.monotonic() - started, "type": type(result).__name__,
                  "message": getattr(result, "message", "")}))
"""
MAX_SECONDS = 5.0
MAX_RSS_MB = 500


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.expect.hostile])
def test_hostile_file_is_handled_within_bounds(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "submitted"
    path.write_bytes(case.data)
    report, wall, peak_mb = _run_child(path, tmp_path)
    assert report["seconds"] < MAX_SECONDS and wall < MAX_SECONDS, (report, wall)
    assert peak_mb < MAX_RSS_MB, f"{case.id}: peak RSS {peak_mb:.0f} MB"
    if case.expect.status == "rejected":
        assert (report["type"], report["message"]) == ("ReadFailure", case.expect.message)
    else:
        assert report["type"] == "RawWorkbook"
    record(f"hostile-file[{case.id}]", {"seconds": round(wall, 2), "peak_mb": round(peak_mb),
                                        "refused": report["type"] == "ReadFailure"})


# The reader runs in a child started by a small launcher: a process started straight from this
# (large) test process would inherit its peak RSS in ru_maxrss (Linux counts the memory of the
# image replaced by exec), so the launcher — itself small — starts it and reports wait4's rusage,
# whose ru_maxrss also covers whatever the child waited for (the .xls parser).
LAUNCHER = """
import json, os, subprocess, sys, threading, time
timeout, code, args = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
started = time.monotonic()
child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE)
out = []
reader = threading.Thread(target=lambda: out.append(child.stdout.read()))
reader.start()
timer = threading.Timer(timeout, child.kill)
timer.start()
_, status, usage = os.wait4(child.pid, 0)
timer.cancel()
reader.join()
print(json.dumps({"wall": time.monotonic() - started, "exit": os.waitstatus_to_exitcode(status),
                  "maxrss_kb": usage.ru_maxrss, "out": b"".join(out).decode()}))
"""


def _run_child(path: Path, tmp_path: Path) -> tuple[dict, float, float]:
    """Read `path` in a fresh interpreter: (its report, wall seconds, peak RSS in MB)."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, "60", CHILD, str(path)], capture_output=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    launched = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert launched["exit"] == 0, done.stderr.decode(errors="replace")
    report = json.loads(launched["out"].strip().splitlines()[-1])
    return report, launched["wall"], launched["maxrss_kb"] / 1024  # Linux reports KB


BOUNDED_PASS = """
import json, sys, time
from warehouse.db import engine_for, upgrade
from zhaoshang.intake import ingest as steps
from zhaoshang.settings import load_settings
settings = load_settings({"ZHAOSHANG_ROOT": sys.argv[1], "ZHAOSHANG_WAREHOUSE_URL": sys.argv[2],
                          "ZHAOSHANG_TODAY": sys.argv[3]})
engine = engine_for(settings.warehouse_url)
upgrade(engine)
started = time.monotonic()
batch, duplicates = steps.collect(settings, engine)
outcomes = steps.store(steps.check(batch, settings, engine), duplicates, settings, engine, "bounded")
print(json.dumps({"seconds": time.monotonic() - started, "files": {
    o.original_name: [o.status, next((f.message for f in o.findings if f.severity == "error"), "")]
    for o in outcomes}}))
"""
PASS_SECONDS = 45


def _bounded_pass(cases: list[Case], base: Path) -> tuple[dict | None, float]:
    """The pass's steps over `cases` in a fresh interpreter: (report or None if it ran out of time, peak MB)."""
    settings = make_settings(base / "share")
    write_corpus(settings.inbox, cases)
    url = f"sqlite:///{base / 'warehouse.sqlite'}"
    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(PASS_SECONDS), BOUNDED_PASS, str(settings.root), url,
                           TODAY], capture_output=True, timeout=PASS_SECONDS + 60, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    launched = json.loads(done.stdout.decode().strip().splitlines()[-1])
    lines = launched["out"].strip().splitlines()
    return (json.loads(lines[-1]) if launched["exit"] == 0 and lines else None), launched["maxrss_kb"] / 1024


def test_hostile_files_keep_the_pass_bounded(tmp_path: Path) -> None:
    valid = next(c for c in CASES if c.id == "xlsx-named-xls")
    baseline, baseline_mb = _bounded_pass([valid], tmp_path / "baseline")
    assert baseline is not None and baseline["files"][valid.display_name][0] == "loaded"
    heavy = [c for c in CASES if c.id in EXPLANATION_HEAVY]
    report, peak_mb = _bounded_pass([valid, *heavy], tmp_path / "hostile")
    assert report is not None, f"the pass did not finish within {PASS_SECONDS} s"
    # each hostile file may add at most 5 s to the pass (the rest is the valid file and the suites)
    assert report["seconds"] < baseline["seconds"] + 5 * len(heavy), (report["seconds"], baseline["seconds"])
    assert peak_mb < baseline_mb + MAX_RSS_MB, (peak_mb, baseline_mb)
    assert report["files"][valid.display_name][0] == "loaded"
    for case in heavy:
        status, message = report["files"][case.display_name]
        assert status == "rejected"
        assert message == (case.expect.message or message)
