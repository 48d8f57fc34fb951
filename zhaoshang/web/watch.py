"""The inbox watcher: a pass as soon as a dropped file has settled (DESIGN §6).

A file has settled when its size and modification time stayed the same for `settle_seconds`
and its contents are complete (a workbook's zip directory reads, an .xls has its OLE header,
a CSV decodes). Passes coalesce: however many files settle while a pass runs, one more pass
follows it; one pass at a time in this process (and the ingest lock keeps the scheduled pass,
run by Prefect in its own process, from overlapping it).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from zhaoshang.intake.inbox import is_ignorable
from zhaoshang.settings import Settings
from zhaoshang.web.config import WebConfig

log = logging.getLogger("zhaoshang.watch")
ZIPPED = {".xlsx", ".xlsm", ".xlsb", ".ods"}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # what the readers accept (GBK is a subset of GB18030)
# mounts whose server does not tell this machine's kernel about changes made by other machines:
# network shares, and the shared folders of virtual machines and WSL
UNNOTIFIED_FILESYSTEMS = frozenset({
    "cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ceph", "glusterfs", "fuse.glusterfs", "fuse.sshfs",
    "davfs", "fuse.davfs2", "fuse.rclone", "9p", "drvfs", "vboxsf", "fuse.vmhgfs-fuse", "vmhgfs"})


def _unescaped(field: str) -> str:
    """A /proc/mounts field with its octal escapes (\\040 for a space) undone."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def filesystem_type(path: Path, mounts: str) -> str:
    """The type of the filesystem `path` lies on, from a /proc/mounts text (the deepest mount point
    that holds it; "" when none does)."""
    best, kind = -1, ""
    target = path.resolve().as_posix()
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescaped(fields[1]).rstrip("/") or "/"
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) > best:
            best, kind = len(point), fields[2]
    return kind


def polls(path: Path, setting: bool | str, mounts: str | None = None) -> bool:
    """Whether the watcher polls `path`: as configured, or for "auto" when it lies on a mount that sends
    no change notifications (read from /proc/mounts where there is one)."""
    if setting != "auto":
        return bool(setting)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return filesystem_type(path, mounts) in UNNOTIFIED_FILESYSTEMS


def is_complete(path: Path) -> bool:
    """True when the file's contents look whole: a zip directory that reads, an OLE header and whole
    sectors, a CSV that decodes; any other file is complete once settled (the pass explains it)."""
    suffix = path.suffix.lower()
    try:
        if suffix in ZIPPED:
            with zipfile.ZipFile(path) as archive:
                return bool(archive.namelist())
        if suffix == ".xls":
            with path.open("rb") as fh:
                return fh.read(8) == OLE_MAGIC and path.stat().st_size % 512 == 0
        if suffix == ".csv":
            data = path.read_bytes()
            for encoding in CSV_ENCODINGS:
                try:
                    data.decode(encoding)
                    return True
                except UnicodeDecodeError:
                    continue
            return False
        return True
    except (OSError, zipfile.BadZipFile):
        return False


class PassRunner:
    """Runs `run_pass` on its own thread whenever asked, one at a time; asks made during a pass
    coalesce into one more pass after it."""

    def __init__(self, run_pass: Callable[[], object], warm_up: Callable[[], object] | None = None) -> None:
        self.run_pass, self.warm_up = run_pass, warm_up
        self.wanted = threading.Event()
        self.stopping = threading.Event()
        self.passes = 0
        self.thread = threading.Thread(target=self._loop, name="zhaoshang-pass", daemon=True)

    def start(self) -> PassRunner:
        self.thread.start()
        return self

    def request(self) -> None:
        self.wanted.set()

    def _loop(self) -> None:
        if self.warm_up:  # the first pass then costs what every later one does
            try:
                self.warm_up()
            except Exception:  # noqa: BLE001 — warming is an optimisation; the pass reports real failures
                log.exception("warming up the pass failed")
        while not self.stopping.is_set():
            if not self.wanted.wait(timeout=0.5):
                continue
            self.wanted.clear()  # files settling from now on wait for the next pass
            started = time.monotonic()
            try:
                self.run_pass()
            except Exception:  # a failed pass must not stop the watcher; the schedule retries too
                log.exception("watched ingest pass failed")
            self.passes += 1
            log.info("watched ingest pass %d took %.1f s", self.passes, time.monotonic() - started)

    def stop(self, timeout: float = 120) -> None:
        self.stopping.set()
        self.thread.join(timeout)


class Settling:
    """Files seen changing, and since when they have stood still (monotonic seconds)."""

    def __init__(self, settle_seconds: float, clock=time.monotonic) -> None:
        self.settle, self.clock = settle_seconds, clock
        self.seen: dict[Path, tuple[tuple[int, int], float]] = {}

    def touched(self, path: Path) -> None:
        if not is_ignorable(path.name):
            self.seen.setdefault(path, ((-1, -1), self.clock()))

    def settled(self) -> list[Path]:
        """Files that stood still for the settle time and are complete (they are then forgotten)."""
        ready, now = [], self.clock()
        for path, (shape, since) in list(self.seen.items()):
            try:
                stat = path.stat()
            except FileNotFoundError:
                del self.seen[path]  # moved away (by a pass) or deleted
                continue
            current = (stat.st_size, stat.st_mtime_ns)
            if current != shape:
                self.seen[path] = (current, now)
            elif now - since >= self.settle and is_complete(path):
                ready.append(path)
                del self.seen[path]
        return ready


class InboxWatcher:
    """Watches every inbox folder (notifications, or polling where the share sends none) and asks the
    runner for a pass when a file settles."""

    def __init__(self, settings: Settings, config: WebConfig, runner: PassRunner) -> None:
        self.inbox, self.config, self.runner = settings.inbox, config, runner
        self.settling = Settling(config.settle_seconds)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="zhaoshang-watch", daemon=True)

    def start(self) -> InboxWatcher:
        self.thread.start()
        return self

    def _loop(self) -> None:
        from watchfiles import Change, watch

        for path in self.inbox.rglob("*"):  # files already waiting when the watcher starts
            if path.is_file():
                self.settling.touched(path)
        tick_ms = int(min(1.0, max(0.2, self.config.settle_seconds / 5)) * 1000)
        polling = polls(self.inbox, self.config.force_polling)
        log.info("watching %s (%s)", self.inbox, f"polling every {self.config.poll_seconds:g} s" if polling
                 else "change notifications")
        for changes in watch(self.inbox, stop_event=self.stopping, force_polling=polling,
                             poll_delay_ms=int(self.config.poll_seconds * 1000), rust_timeout=tick_ms,
                             yield_on_timeout=True, recursive=True, ignore_permission_denied=True,
                             debounce=200, raise_interrupt=False):
            for change, name in changes:
                if change != Change.deleted:
                    self.settling.touched(Path(name))
            ready = self.settling.settled()
            if ready:
                log.info("settled in the inbox: %s", ", ".join(p.name for p in ready))
                self.runner.request()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        self.thread.join(timeout)
