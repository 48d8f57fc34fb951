"""A big batch is read and staged by two processes: the result must be exactly the one-process result.

The whole bad-input corpus (hostile files included) goes through both paths, in small
pieces so that both processes get work and every piece boundary is crossed.
"""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.corpus.make_corpus import write_corpus
from zhaoshang.intake import gate, ingest, readers
from zhaoshang.intake import helper as sharing
from zhaoshang.intake.gate import Examined


def comparable(examined: Examined) -> tuple:
    """Everything the rest of the pass uses from an examined file."""
    staged = examined.staged
    return (
        examined.file.path.name, examined.sha, len(examined.data), examined.accepted, examined.findings,
        None if examined.raw is None else (examined.raw.format, readers.sheet_rows(examined.raw),
                                           {n: s.hidden for n, s in examined.raw.sheets.items()}),
        None if staged is None else (staged.kind, staged.findings, {
            name: (part.columns, part.findings, part.skipped, part.rows_read, part.unreadable, part.positions,
                   part.layout_is_table) for name, part in staged.sheets.items()}),
    )


def test_two_processes_examine_exactly_like_one(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path / "share")
    cases = write_corpus(settings.inbox)
    batch = [Examined(f, *gate.read_file(f)) for f in ingest.waiting_files(settings)]
    assert len(batch) == sum(c.expect.status != "ignored" for c in cases)

    alone = sharing.examine_all(batch, settings)
    monkeypatch.setattr(sharing, "CHUNK", 7)
    with sharing.helper_process(files=sharing.PARALLEL_FROM) as helper:
        assert helper is not None
        shared = sharing.examine_all(batch, settings, helper)

    assert [comparable(e) for e in shared] == [comparable(e) for e in alone]
    assert [e.data for e in shared] == [e.data for e in batch]  # the bytes stay with the pass that stores them
    assert sum(e.accepted for e in shared) == sum(e.accepted for e in alone) > 0
    # every file that passed staging has its place in the archive, the same whichever process staged it;
    # nothing moves there before the batch is stored
    assert [e.archived for e in shared] == [e.archived for e in alone]
    assert all((e.archived is not None) == e.accepted for e in shared)
    assert len({e.archived for e in shared if e.accepted}) == sum(e.accepted for e in shared)
    assert archived(settings) == {}
    staged = [e for e in shared if e.staged is not None]
    assert [e.raw is None for e in staged] == [e.accepted for e in staged]  # cells as read kept for refusals only


def archived(settings) -> dict[str, bytes]:
    """Archive copies by path below the archive folder, with their bytes."""
    return {p.relative_to(settings.archive).as_posix(): p.read_bytes()
            for p in settings.archive.rglob("*") if p.is_file()} if settings.archive.exists() else {}
