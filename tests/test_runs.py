"""Each flow's last run, read without starting Prefect: from a running server's API, or from the
database Prefect's temporary server leaves behind; and `zhaoshang status` starting no server."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhaoshang.runs import last_flow_runs
from zhaoshang.settings import PROJECT_DIR

TWO_FLOWS = """
from prefect import flow

@flow(name="runs-test-ok")
def fine():
    return 1

@flow(name="runs-test-failing")
def failing():
    raise RuntimeError("on purpose")

fine()
try:
    failing()
except RuntimeError:
    pass
"""


def shell_env(prefect_home: Path) -> dict[str, str]:
    """A user's shell with no Prefect server configured and Prefect's own files in `prefect_home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "ZHAOSHANG_"))}
    env["PREFECT_HOME"] = str(prefect_home)
    return env


def recent(started: str) -> bool:
    at = dt.datetime.strptime(started, "%Y-%m-%d %H:%M").replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return dt.timedelta(0) <= dt.datetime.now(dt.UTC) - at < dt.timedelta(minutes=10)


def test_last_runs_from_the_database_of_the_temporary_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = shell_env(tmp_path / "prefect")
    done = subprocess.run([sys.executable, "-c", TWO_FLOWS], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", env["PREFECT_HOME"])
    runs = last_flow_runs(("runs-test-ok", "runs-test-failing", "runs-test-never"))
    assert [(r.flow, r.state) for r in runs] == [("runs-test-ok", "成功"), ("runs-test-failing", "失败"),
                                                 ("runs-test-never", "从未运行")]
    assert recent(runs[0].started) and recent(runs[1].started) and runs[2].started == ""


def test_last_runs_from_a_running_servers_api(prefect_server, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect import flow
    from prefect.settings import PREFECT_API_URL

    @flow(name="runs-test-api")
    def fine() -> int:
        return 1

    fine()
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    runs = last_flow_runs(("runs-test-api", "runs-test-api-never"))
    assert [(r.flow, r.state) for r in runs] == [("runs-test-api", "成功"), ("runs-test-api-never", "从未运行")]
    assert recent(runs[0].started)


def test_an_unreachable_server_gives_no_runs_rather_than_a_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert last_flow_runs(("ingest",), timeout=1) == []


def test_status_starts_no_prefect_server(tmp_path: Path) -> None:
    env = shell_env(tmp_path / "prefect")
    env["ZHAOSHANG_ROOT"] = str(tmp_path / "share")
    code = "import sys, runpy; sys.argv = ['zhaoshang', 'status']; runpy.run_module('zhaoshang.cli', run_name='__main__')"
    probe = ("import sys, atexit\natexit.register(lambda: print('PREFECT-IMPORTED' if 'prefect' in sys.modules "
             "else 'NO-PREFECT', file=sys.stderr))\n" + code)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                          cwd=PROJECT_DIR)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NO-PREFECT" in done.stderr and "temporary server" not in done.stdout + done.stderr
    assert "各流程最近一次运行：ingest 从未运行；bulletin 从未运行；digest 从未运行；remind 从未运行；appraisal 从未运行" in \
        done.stdout.replace("\n", "")
