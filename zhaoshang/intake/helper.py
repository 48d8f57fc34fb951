"""The second process of a pass: it reads and stages files beside the storing process.

Reading and staging is CPU work on bytes already in memory; a pass big enough to repay the
helper's start-up (about 1 s) shares it out in chunks, and the helper starts on the next batch
while the current one is checked and stored. The promise that a file is stored whole or not at
all stays with the storing process's single transaction.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from zhaoshang.intake import gate, inbox
from zhaoshang.intake.gate import Examined
from zhaoshang.settings import Settings

log = logging.getLogger(__name__)
PARALLEL_FROM = 300  # files: below this a second process costs more (about 1 s to start) than it saves
CHUNK = 100  # files per piece of work shared between the two processes (progress is logged per piece)


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
