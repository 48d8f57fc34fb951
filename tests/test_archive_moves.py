"""Accepted originals move from the inbox into the archive after their rows are committed:
the archive holds exactly the bytes that were validated, and a crash or a re-save in between loses nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from tests.builders import contact, monthly
from tests.test_ingest_flow import query, run_pass
from tests.test_reliability import a_months_files, archive_matches_ledger, sha
from warehouse import load
from warehouse.db import engine_for, upgrade
from zhaoshang.intake import inbox
from zhaoshang.intake import ingest as steps
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")


def test_a_pass_moves_each_accepted_original_with_its_bytes_and_arrival_time(settings: Settings) -> None:
    files = a_months_files(settings, count=4)
    before = {p.name: (sha(p), p.stat().st_mtime) for p in (settings.inbox / "月报").iterdir()}
    run_pass(settings)

    assert list((settings.inbox / "月报").iterdir()) == []
    moved = archive_matches_ledger(settings)
    assert [status for _, status in moved] == ["loaded"] * (files - 1)
    for path, _ in moved:
        archived = settings.root / path
        original = archived.name.split("_", 2)[2]
        assert (sha(archived), archived.stat().st_mtime) == before[original]


def crash_after_commit(settings: Settings) -> list[Path]:
    """A pass that committed its batch and stopped before moving anything: the inbox files it stored."""
    engine = engine_for(settings.warehouse_url)
    upgrade(engine)
    batch, duplicates = steps.collect(settings, engine)
    examined = steps.check(batch, settings, engine)
    load.record_outcomes(engine, [steps.outcome_of(e, settings) for e in examined], "stopped", settings.now())
    engine.dispose()
    return [e.file.path for e in examined if e.accepted]


def test_a_pass_stopped_after_committing_is_finished_by_the_next(settings: Settings) -> None:
    files = a_months_files(settings, count=3)
    stored = crash_after_commit(settings)
    assert len(stored) == files - 1 and all(p.exists() for p in stored)
    assert not settings.archive.exists() or not any(p.is_file() for p in settings.archive.rglob("*"))

    run_pass(settings)
    assert list((settings.inbox / "月报").iterdir()) == []
    assert [status for _, status in archive_matches_ledger(settings)] == ["loaded"] * (files - 1)
    # finishing the move recorded nothing new for the stored files (a refused file left in the inbox is
    # checked again, as before the move existed)
    assert query(settings, "SELECT status, COUNT(*), COUNT(DISTINCT sha256) FROM ingested_file "
                           "WHERE status <> 'rejected' GROUP BY status") == [("loaded", files - 1, files - 1)]


def test_a_file_saved_again_after_it_was_read_goes_back_to_the_inbox(settings: Settings) -> None:
    path = settings.inbox / "月报" / "08.xlsx"
    monthly(path, "装备制造组", "2021-08", reporter="刘志强", received=dt.datetime(2021, 9, 3, 10),
            contacts=[contact("企业甲", "2021-08-05", person="陈静")])
    engine = engine_for(settings.warehouse_url)
    upgrade(engine)
    batch, duplicates = steps.collect(settings, engine)
    examined = steps.check(batch, settings, engine)
    validated = examined[0].sha
    # staff save a corrected version over it while the pass is checking (Excel writes a new file, then renames)
    corrected = path.with_name("corrected.tmp")
    monthly(corrected, "装备制造组", "2021-08", reporter="刘志强", received=dt.datetime(2021, 9, 3, 11),
            contacts=[contact("企业甲", "2021-08-05", person="陈静"), contact("企业乙", "2021-08-06", person="陈静")])
    os.replace(corrected, path)
    saved_again = sha(path)
    steps.store(examined, duplicates, settings, engine, "resaved")
    engine.dispose()

    # the archive holds the validated bytes; the new version waits in the inbox as a new arrival
    assert archive_matches_ledger(settings) == [(query(settings, "SELECT stored_path FROM ingested_file")[0][0], "loaded")]
    assert query(settings, "SELECT sha256 FROM ingested_file") == [(validated,)]
    assert [(p.name, sha(p)) for p in (settings.inbox / "月报").iterdir()] == [("08.xlsx", saved_again)]

    run_pass(settings)  # the next pass takes it as the correction it is
    assert query(settings, "SELECT status, COUNT(*) FROM ingested_file GROUP BY status ORDER BY status") == [
        ("loaded", 1), ("superseded", 1)]
    assert query(settings, "SELECT COUNT(*) FROM fact_contact c JOIN ingested_file f ON f.id = c.file_id "
                           "WHERE f.status = 'loaded'") == [(2,)]
    assert len(archive_matches_ledger(settings)) == 2


def test_a_name_already_in_the_archive_is_never_overwritten(tmp_path: Path) -> None:
    source, destination = tmp_path / "inbox" / "a.xlsx", tmp_path / "archive" / "a.xlsx"
    source.parent.mkdir()
    destination.parent.mkdir()
    source.write_bytes(b"new")
    destination.write_bytes(b"kept")
    inbox.move_into_archive(source, destination, b"new", hashlib.sha256(b"new").hexdigest(), dt.datetime(2021, 9, 3))
    assert destination.read_bytes() == b"kept" and not source.exists()


def test_the_clean_up_thread_finishes_before_the_pass_ends_and_reports_a_failure(tmp_path: Path) -> None:
    files = []
    for i in range(20):
        path = tmp_path / "inbox" / f"{i}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"%d" % i)
        files.append((path, tmp_path / "archive" / f"{i:02d}.xlsx", b"%d" % i, hashlib.sha256(b"%d" % i).hexdigest(),
                      dt.datetime(2021, 9, 3)))
    with inbox.clearing() as clearing:
        clearing.move(files[:19])
        clearing.remove([files[19][0]])
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == [f"{i:02d}.xlsx" for i in range(19)]
    assert list((tmp_path / "inbox").iterdir()) == []

    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")
    stray = tmp_path / "inbox" / "late.xlsx"
    stray.write_bytes(b"late")
    with pytest.raises(OSError):
        with inbox.clearing() as clearing:
            clearing.move([(stray, blocked / "late.xlsx", b"late", sha(stray), dt.datetime(2021, 9, 3))])
    assert stray.read_bytes() == b"late"  # still in the inbox: the next pass tries again
