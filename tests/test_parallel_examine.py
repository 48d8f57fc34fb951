"""A big batch is read and staged by two processes: the result must be exactly the one-process result.

The whole bad-input corpus (hostile files included) goes through both paths, in small
pieces so that both worker processes get work and every piece boundary is crossed.
"""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.corpus.make_corpus import write_corpus
from zhaoshang import gate, ingest, readers
from zhaoshang.gate import Examined


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
    batch = [Examined(f, *gate.read_file(f)) for f in ingest.inbox.list_inbox(settings) if f.kind in ingest.SUPPORTED_KINDS]
    codes = gate.group_codes(settings)
    assert len(batch) == sum(c.expect.status != "ignored" for c in cases)

    monkeypatch.setattr(ingest, "PARALLEL_FROM", 10 ** 9)
    alone = ingest.examine_all(batch, codes)
    monkeypatch.setattr(ingest, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ingest, "CHUNK", 7)
    shared = ingest.examine_all(batch, codes)

    assert [comparable(e) for e in shared] == [comparable(e) for e in alone]
    assert [e.data for e in shared] == [e.data for e in batch]  # the bytes stay with the pass that stores them
    assert sum(e.accepted for e in shared) == sum(e.accepted for e in alone) > 0
