"""Which Prefect API a command's flow runs report to.

`zhaoshang serve` runs (or is pointed at) a Prefect server for as long as it serves, and leaves
its address in the share's private state. A command that runs a flow (`bulletin`, `digest`,
`ingest`, …) uses that server when it answers, instead of starting Prefect's temporary server
(4–5 s on this machine) only to record one run. With no serving process, and no PREFECT_API_URL
configured, Prefect's temporary server is started as before, so every run is still recorded.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from zhaoshang.settings import Settings

FILE = "prefect-api.json"


def _address_file(settings: Settings) -> Path:
    return settings.state_dir / FILE


def answers(url: str, timeout: float = 1.0) -> bool:
    """True when the Prefect API at `url` reports itself healthy within `timeout` seconds."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


@contextmanager
def announced(settings: Settings, url: str) -> Iterator[None]:
    """Leave `url` in the share's state for other commands while the block runs (the serving process)."""
    path = _address_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()


def use_serving_api(settings: Settings) -> str | None:
    """Point this process's flows at the serving process's Prefect API, if one is announced and
    answers and none is configured; return the URL used (None: Prefect decides as usual)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    try:
        url = json.loads(_address_file(settings).read_text(encoding="utf-8"))["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not answers(url):
        return None
    os.environ["PREFECT_API_URL"] = url
    return url
