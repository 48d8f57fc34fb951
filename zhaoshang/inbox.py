"""The shared folder's file handling: what is in the inbox, and where an original goes next.

Originals are never modified and never overwritten: an archived or rejected copy's
name carries its arrival time and content hash. Every destination is resolved and
checked to lie inside the configured root, whatever the submitted file was called.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from zhaoshang.settings import INBOX_KINDS, Settings

MAX_NAME_CHARS = 120
_LOCK_OR_TEMP = re.compile(r"^(~\$|\.~lock\.|~WRL|\.~)|(\.tmp|\.crdownload|\.part|#)$", re.IGNORECASE)


@dataclass(frozen=True)
class InboxFile:
    """A file waiting in the inbox: where it is, which folder (kind) it was dropped in, when it arrived."""

    path: Path
    kind: str
    received_at: dt.datetime  # modification time, office-local (Asia/Shanghai), naive
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def is_ignorable(name: str) -> bool:
    """Office/WPS/LibreOffice lock and temp files, and hidden files, are never read."""
    return name.startswith(".") or bool(_LOCK_OR_TEMP.search(name))


def list_inbox(settings: Settings, settle_seconds: float = 0) -> list[InboxFile]:
    """Files waiting in every inbox folder, oldest first; files still being written are left for later."""
    from zhaoshang.settings import TIMEZONE

    now = dt.datetime.now().timestamp()
    found = []
    for kind in INBOX_KINDS:
        folder = settings.inbox / kind
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if not entry.is_file(follow_symlinks=False) or is_ignorable(entry.name):
                continue
            try:
                stat = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # vanished while we looked
            if settle_seconds and now - stat.st_mtime < settle_seconds:
                continue  # still being copied in
            received = dt.datetime.fromtimestamp(stat.st_mtime, TIMEZONE).replace(tzinfo=None, microsecond=0)
            found.append(InboxFile(Path(entry.path), kind, received, stat.st_size))
    return sorted(found, key=lambda f: (f.received_at, f.name))


def sha256_of(data: bytes) -> str:
    """Content hash that identifies a file whatever it is called."""
    return hashlib.sha256(data).hexdigest()


def safe_name(name: str) -> str:
    """A file name fit to store: no path parts, no control characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name).replace("/", "_").replace("\\", "_")
    name = "".join(ch if unicodedata.category(ch)[0] != "C" else "_" for ch in name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 8:
        stem, ext = name, ""
    stem = stem[: MAX_NAME_CHARS - len(ext) - 1] or "未命名"
    return f"{stem}.{ext}" if ext else stem


def stored_name(original: str, received_at: dt.datetime, sha: str) -> str:
    """Archive/rejected file name: arrival time + short hash + the (safe) original name."""
    return f"{received_at:%Y%m%d-%H%M%S}_{sha[:8]}_{safe_name(original)}"


def inside_root(settings: Settings, path: Path) -> Path:
    """`path` resolved, refusing anything that would land outside the configured root."""
    resolved = path.resolve()
    if not resolved.is_relative_to(settings.root):
        raise ValueError(f"refusing to write outside the root: {resolved}")
    return resolved


def archive_path(settings: Settings, kind: str, period: str | None, name: str) -> Path:
    """Where an accepted original is kept: archive/<kind>/<period>/<name>."""
    return inside_root(settings, settings.archive / kind / (period or "未知期间") / name)


def rejected_path(settings: Settings, kind: str, name: str) -> Path:
    """Where a rejected original is kept: rejected/<kind>/<name>."""
    return inside_root(settings, settings.rejected / kind / name)


def place_copy(data: bytes, destination: Path) -> None:
    """Write `data` to `destination` atomically; an existing file with that name is left as is."""
    if destination.exists():
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.partial")
    temporary.write_bytes(data)
    os.replace(temporary, destination)


def remove_from_inbox(path: Path) -> None:
    """Remove an original from the inbox once it is safely stored (missing is fine)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def relative(settings: Settings, path: Path) -> str:
    """A path relative to the root, as stored in the ledger."""
    return path.relative_to(settings.root).as_posix()


def move_aside(settings: Settings, source: Path, destination: Path) -> None:
    """Move a file within the root (used for explanations written to a temp name)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), str(inside_root(settings, destination)))
