"""A flow command with no `serve` running starts Prefect's temporary server itself, first
(zhaoshang/prefect_api.py): its run is recorded, the server does not outlive the command, and a
bad argument starts none."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.test_runs import shell_env
from zhaoshang.runs import last_flow_runs
from zhaoshang.settings import PROJECT_DIR

ZHAOSHANG = str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang")


def servers_of(prefect_home: Path) -> list[int]:
    """Pids of Prefect API servers running with `prefect_home` as their PREFECT_HOME."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if b"prefect.server.api.server:create_app" not in (proc / "cmdline").read_bytes():
                continue
            if f"PREFECT_HOME={prefect_home}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except (OSError, ValueError):
            continue
    return found


def test_a_flow_command_records_its_run_and_leaves_no_server(tmp_path: Path, monkeypatch) -> None:
    env = shell_env(tmp_path / "prefect")
    env.update(ZHAOSHANG_ROOT=str(tmp_path / "share"), ZHAOSHANG_TODAY="2021-09-08")
    done = subprocess.run([ZHAOSHANG, "remind", "--at", "2021-09-07T09:00"], env=env, capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "共 3 条提醒" in done.stdout  # the three groups owe August's monthly report (the default roster)
    assert "View at" not in done.stdout + done.stderr  # no link to a server gone when the command ends
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", env["PREFECT_HOME"])
    assert [(r.flow, r.state) for r in last_flow_runs(("remind",))] == [("remind", "成功")]
    deadline = time.monotonic() + 30  # asked to stop as the command ended; it finishes on its own
    while servers_of(tmp_path / "prefect"):
        assert time.monotonic() < deadline, "the temporary server outlived its command"
        time.sleep(0.2)


def test_a_bad_argument_starts_no_server(tmp_path: Path) -> None:
    env = shell_env(tmp_path / "prefect")
    env["ZHAOSHANG_ROOT"] = str(tmp_path / "share")
    probe = ("import sys, atexit, runpy\n"
             "def report():\n"
             "    api = sys.modules.get('zhaoshang.prefect_api')\n"
             "    print('STARTED' if api is not None and api._started is not None else 'NOT-STARTED', file=sys.stderr)\n"
             "atexit.register(report)\n"
             "sys.argv = ['zhaoshang', 'bulletin', '--month', '2021-8']\n"
             "runpy.run_module('zhaoshang.cli', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                          cwd=PROJECT_DIR)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.splitlines()[0].startswith("参数有误：")
    assert done.stderr.splitlines()[-1] == "NOT-STARTED"
    assert servers_of(tmp_path / "prefect") == []
