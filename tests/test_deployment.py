"""The README's multi-machine recipe, for real: a Prefect server, a process work pool, prefect.yaml
deployed, a worker, and a deployment run that ingests a file into PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from tests.builders import contact, monthly
from zhaoshang.settings import PROJECT_DIR

PREFECT = str(PROJECT_DIR / ".venv" / "bin" / "prefect")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def prefect(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([PREFECT, *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_server_worker_and_deployment_run_ingest_a_file(tmp_path: Path, pg_url: str) -> None:
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHAOSHANG_", "PREFECT_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL=api,
               PREFECT_SERVER_ANALYTICS_ENABLED="false", ZHAOSHANG_PROJECT_DIR=str(PROJECT_DIR),
               ZHAOSHANG_ROOT=str(tmp_path / "share"), ZHAOSHANG_WAREHOUSE_URL=pg_url, ZHAOSHANG_TODAY="2021-09-08")
    server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not healthy(api):
            assert server.poll() is None and time.monotonic() < deadline, "prefect server did not start"
            time.sleep(1)
        prefect(["work-pool", "create", "zhaoshang", "--type", "process"], env)
        prefect(["--no-prompt", "deploy", "--name", "inbox-ingest"], env)
        monthly(tmp_path / "share" / "inbox" / "月报" / "装备8月.xlsx", "装备制造组", "2021-08",
                contacts=[contact("一汽解放（兴安）有限公司", "2021-08-03")], received=dt.datetime(2021, 9, 3, 10))
        run = prefect(["deployment", "run", "ingest/inbox-ingest", "--param", "settle_seconds=0"], env)
        run_id = next(line.split()[-1] for line in run.stdout.splitlines() if "UUID" in line)
        worker = subprocess.run([PREFECT, "worker", "start", "--pool", "zhaoshang", "--run-once"], env=env,
                                cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert worker.returncode == 0, worker.stdout + worker.stderr
        state = json.loads(prefect(["flow-run", "inspect", run_id, "--output", "json"], env).stdout)["state"]["type"]
        assert state == "COMPLETED"
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT original_name, status FROM ingested_file")).all() == [("装备8月.xlsx", "loaded")]
        assert conn.execute(sa.text("SELECT contacts FROM mart_group_month")).all() == [(1,)]
    engine.dispose()
