"""Which Prefect API a command's flow runs report to.

`zhaoshang serve` runs (or is pointed at) a Prefect server for as long as it serves, and leaves
its address in the share's private state. A command that runs a flow (`bulletin`, `digest`,
`ingest`, …) uses that server when it answers, instead of starting Prefect's temporary server
(4–5 s on this machine) only to record one run. With no serving process, and no PREFECT_API_URL
configured, the command starts Prefect's temporary server itself, as its first step
(`start_temporary_server`): the server's 4 s of start-up then run beside the command's own imports
and reading, instead of after them, and the command does not wait for it to shut down at the end.
It is the same server Prefect would start (its API app under uvicorn, on the same database in
PREFECT_HOME), so every run is still recorded.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
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


class TemporaryServer:
    """Prefect's API on a free port of 127.0.0.1, in a child process, for as long as this process lives."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/api"
        prefect_dir = Path(importlib.util.find_spec("prefect").origin).parent  # found, not imported
        environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        # what Prefect's own temporary server sets: no UI, the server's background services off
        environment.update(PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"], env=environment, stdin=subprocess.DEVNULL,
            preexec_fn=_stopped_with_parent if sys.platform == "linux" else None)
        atexit.register(self.stop)

    def wait(self, timeout: float = 90) -> None:
        """Return once the server answers; raise if it exited or `timeout` seconds passed."""
        deadline = time.monotonic() + timeout
        while not answers(self.url, timeout=2):
            if self.process.poll() is not None:
                raise RuntimeError(f"Prefect's temporary server exited with code {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Prefect's temporary server did not answer within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self) -> None:
        """Ask the server to stop; it finishes on its own (nobody waits for its shutdown)."""
        if self.process.poll() is None:
            self.process.terminate()


def _stopped_with_parent() -> None:
    """In the child, before it runs: ask Linux to send it SIGTERM when this process dies, however it dies."""
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


_started: TemporaryServer | None = None


def start_temporary_server() -> str | None:
    """Start Prefect's temporary server now, unless an API is configured or announced (or Prefect is
    already imported, so too late to point it elsewhere); return its URL. `wait_for_api` waits for it."""
    global _started
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules or _started is not None:
        return None
    _started = TemporaryServer()
    os.environ["PREFECT_API_URL"] = _started.url
    os.environ.setdefault("PREFECT_UI_URL", "")  # no "View at" link to a server that is gone when the command ends
    return _started.url


def wait_for_api(meanwhile: Callable[[], object] | None = None) -> None:
    """Block until the temporary server this process started answers (at once if it started none).
    `meanwhile`, work the command needs anyway (its heavy imports), is done first if the server is
    still starting: in time the command would otherwise spend waiting."""
    if _started is None:
        return
    if meanwhile is not None and not answers(_started.url, timeout=0.5):
        meanwhile()
    _started.wait()
