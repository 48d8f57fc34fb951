"""Each flow's latest run, for `zhaoshang status` and the office's page — without starting Prefect.

Asking Prefect's client with no server running starts a temporary server (4–7 s on this machine),
only to read five rows. Instead:

- when a Prefect API is configured (PREFECT_API_URL, as `zhaoshang serve` sets for its flows), its
  REST endpoint `POST /flow_runs/filter` is asked directly, with the standard library;
- otherwise the runs are read, read-only, from the database the temporary server keeps them in
  (Prefect's default SQLite file `$PREFECT_HOME/prefect.db`, PREFECT_HOME defaulting to ~/.prefect).

Either way nothing of Prefect is imported. Where neither can be read the answer is empty and
the caller says so.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import urllib.request
from pathlib import Path
from typing import NamedTuple

FLOWS = ("ingest", "bulletin", "digest", "remind", "appraisal")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
STATE_WORDS = {  # Prefect's state types, in the office's words
    "COMPLETED": "成功", "FAILED": "失败", "CRASHED": "异常中止", "CANCELLED": "已取消", "CANCELLING": "正在取消",
    "RUNNING": "运行中", "PENDING": "等待中", "SCHEDULED": "已排期", "PAUSED": "已暂停",
}


class LastRun(NamedTuple):
    flow: str
    state: str  # in Chinese: 成功 / 失败 / … or 从未运行
    started: str  # YYYY-MM-DD HH:MM, Beijing time; "" if never run


def last_flow_runs(names: tuple[str, ...] = FLOWS, timeout: float = 2.0) -> list[LastRun]:
    """Each flow's latest run (empty list when Prefect's record cannot be read)."""
    api = os.environ.get("PREFECT_API_URL")
    try:
        found = _from_api(api, names, timeout) if api else _from_database(_database_file(), names)
    except (OSError, ValueError, sqlite3.Error):
        return []
    return [found.get(name) or LastRun(name, "从未运行", "") for name in names]


def _from_api(api: str, names: tuple[str, ...], timeout: float) -> dict[str, LastRun]:
    found = {}
    for name in names:
        body = json.dumps({"flows": {"name": {"any_": [name]}}, "sort": "START_TIME_DESC", "limit": 1}).encode()
        request = urllib.request.Request(f"{api.rstrip('/')}/flow_runs/filter", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            runs = json.load(response)
        if runs:
            run = runs[0]
            state = (run.get("state") or {}).get("type") or run.get("state_type") or ""
            found[name] = LastRun(name, STATE_WORDS.get(state, run.get("state_name") or state),
                                  _beijing(run.get("start_time")))
    return found


def _database_file() -> Path:
    url = os.environ.get("PREFECT_SERVER_DATABASE_CONNECTION_URL") or os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")
    if url:
        if not url.startswith("sqlite"):
            raise ValueError("Prefect keeps its runs in a database server; ask its API instead")
        return Path(url.split(":///", 1)[1])
    home = os.environ.get("PREFECT_HOME")
    return (Path(home).expanduser() if home else Path.home() / ".prefect") / "prefect.db"


def _from_database(path: Path, names: tuple[str, ...]) -> dict[str, LastRun]:
    if not path.exists():
        return {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2) as conn:
        rows = conn.execute(
            f"""SELECT f.name, r.state_type, r.state_name, r.start_time FROM flow_run r JOIN flow f ON f.id = r.flow_id
                WHERE f.name IN ({','.join('?' * len(names))}) AND r.start_time IS NOT NULL
                ORDER BY r.start_time""", names).fetchall()
    return {name: LastRun(name, STATE_WORDS.get(state or "", label or ""), _beijing(start))
            for name, state, label, start in rows}  # later rows overwrite: the latest run stays


def _beijing(moment: str | None) -> str:
    """An ISO time (UTC when it has no offset, as Prefect stores it) as Beijing time, to the minute."""
    if not moment:
        return ""
    at = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
