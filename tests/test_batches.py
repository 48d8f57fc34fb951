"""A big inbox is stored in several transactions (batches of BATCH_FILES): the warehouse must end
exactly as if it had been one. The whole bad-input corpus plus three versions of one report and
a duplicate copy go through both ways; small batches put the versions in different batches.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import shutil

import pytest

from tests.conftest import TODAY, make_settings
from tests.corpus.make_corpus import write_corpus
from tests.test_ingest_flow import equipment_august, query, run_pass
from warehouse.schema import FACT_TABLES
from zhaoshang.intake import helper as sharing
from zhaoshang.intake import ingest as steps
from zhaoshang.intake import memory
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")


def share(settings: Settings) -> None:
    """The corpus, a report with a correction and a stale draft, and a byte-identical copy of the correction
    that arrives a second after it."""
    write_corpus(settings.inbox)
    folder = settings.inbox / "月报"
    equipment_august(folder / "装备8月.xlsx")
    corrected = equipment_august(folder / "装备8月（更正）.xlsx", received=dt.datetime(2021, 9, 9, 16),
                                 signed=("12000", "500"))
    equipment_august(folder / "装备8月（初稿）.xlsx", received=dt.datetime(2021, 9, 1, 8), signed=("1", "1"))
    copy = folder / "装备8月（更正）副本.xlsx"
    shutil.copy2(corrected, copy)
    later = dt.datetime(2021, 9, 9, 16, 0, 1).timestamp()
    os.utime(copy, (later, later))  # arrives right after the file it copies (the test puts a batch boundary between)


def warehouse_state(settings: Settings) -> dict[str, list[tuple]]:
    """Everything a pass records, without ids and times that differ between two warehouses."""
    state = {
        "ledger": query(settings, "SELECT kind, original_name, status, subject, period, rows_read, rows_loaded, "
                                  "rows_rejected, rows_skipped, errors, warnings, received_at, stored_path, "
                                  "explanation_path, superseded_by IS NULL, duplicate_of IS NULL FROM ingested_file"),
        "findings": query(settings, "SELECT f.original_name, x.severity, x.sheet, x.row, x.col, x.header, x.value, "
                                    "x.message, x.fix FROM file_finding x JOIN ingested_file f ON f.id = x.file_id"),
        "mart_group_month": query(settings, "SELECT * FROM mart_group_month"),
        "mart_submission": query(settings, "SELECT * FROM mart_submission"),
        "mart_project_week": query(settings, "SELECT project_code, week_start, invest_cum_wan, stage FROM mart_project_week"),
    }
    for table in sorted({t.name for t in FACT_TABLES.values()}):
        columns = [c for c in FACT_TABLES_COLUMNS[table]]
        state[table] = query(settings, f"SELECT f.original_name, {', '.join('t.' + c for c in columns)} "
                                       f"FROM {table} t JOIN ingested_file f ON f.id = t.file_id")
    return {name: sorted(rows, key=repr) for name, rows in state.items()}


FACT_TABLES_COLUMNS = {table.name: [c.name for c in table.c if c.name not in ("id", "file_id")]
                       for table in FACT_TABLES.values()}


@pytest.mark.parametrize("helper", [False, True], ids=["one process", "with the helper process"])
def test_small_batches_store_exactly_what_one_batch_stores(tmp_path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
                                                         helper: bool) -> None:
    """With the helper, each next batch is read and handed to it before the current one is stored:
    duplicates across batches must still be recognised, and its early work must change nothing."""
    monkeypatch.setenv("ZHAOSHANG_TODAY", TODAY)
    whole = make_settings(tmp_path / "whole", f"sqlite:///{tmp_path / 'whole.sqlite'}")
    parts = make_settings(tmp_path / "parts", f"sqlite:///{tmp_path / 'parts.sqlite'}")
    share(whole)
    shutil.rmtree(parts.inbox)
    shutil.copytree(whole.inbox, parts.inbox, copy_function=shutil.copy2)  # the same bytes and arrival times
    files = len(steps.waiting_files(parts))

    summary_whole = run_pass(whole)
    # batches of at most 5, the correction last in its batch and its copy first in the next: the next
    # batch is read before the correction is stored, so only the pass's own memory can tell it is a copy
    order = [f.name for f in steps.waiting_files(parts)]
    position = order.index("装备8月（更正）.xlsx") + 1
    assert order[position] == "装备8月（更正）副本.xlsx"
    size = next(size for size in (5, 4, 3, 2, 1) if position % size == 0)
    monkeypatch.setattr(steps, "BATCH_FILES", size)
    if helper:
        monkeypatch.setattr(sharing, "PARALLEL_FROM", 1)
        monkeypatch.setattr(sharing, "CHUNK", 2)
    assert len(steps.in_batches(steps.waiting_files(parts))) == -(-files // size) > 10
    with caplog.at_level(logging.INFO, logger="zhaoshang.intake.helper"):
        summary_parts = run_pass(parts)
    if helper:  # the helper did start on later batches while earlier ones were stored
        assert any(r.getMessage().startswith("the helper had begun") for r in caplog.records)

    assert warehouse_state(parts) == warehouse_state(whole)
    assert sorted(map(repr, summary_parts.files)) == sorted(map(repr, summary_whole.files))
    versions = ("装备8月.xlsx", "装备8月（初稿）.xlsx", "装备8月（更正）.xlsx", "装备8月（更正）副本.xlsx")
    statuses = {name: status for name, status in query(parts, "SELECT original_name, status FROM ingested_file")
                if name in versions}
    assert statuses == {"装备8月.xlsx": "superseded", "装备8月（初稿）.xlsx": "superseded",
                        "装备8月（更正）.xlsx": "loaded", "装备8月（更正）副本.xlsx": "duplicate"}
    assert sorted(p.name for p in (parts.inbox / "月报").iterdir()) == sorted(
        p.name for p in (whole.inbox / "月报").iterdir())  # the same files left (those never read)



def test_full_garbage_collections_run_between_batches_only(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection walks every live object (at a zone-year, 0.3–0.5 s that also starve the
    helper): during a pass they run once per stored batch, over the pass's own objects, and Python's
    settings are as before once it ends."""
    monkeypatch.setenv("ZHAOSHANG_TODAY", TODAY)
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'w.sqlite'}")
    share(settings)
    monkeypatch.setattr(steps, "BATCH_FILES", 4)
    batches = len(steps.in_batches(steps.waiting_files(settings)))
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    full = []

    def count(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full.append(gc.get_freeze_count())

    gc.callbacks.append(count)
    try:
        run_pass(settings)
    finally:
        gc.callbacks.remove(count)
    assert batches > 10
    assert len(full) == batches
    assert min(full) > frozen  # the objects alive before the pass were left out of every one
    assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, frozen)


def test_objects_a_host_program_froze_stay_frozen_after_a_pass() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        # other threads (Prefect's, the test server's) may free a few frozen objects meanwhile, so the
        # count is compared loosely (up to 5%: 1.5% was seen on a loaded machine); unfreezing would empty it
        # (and freezing again would grow it)
        with memory.garbage_collected_between_batches() as collect:
            collect()
            assert gc.get_threshold()[2] == 1_000_000 and 0.95 * frozen <= gc.get_freeze_count() <= frozen
        assert 0.95 * frozen <= gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
