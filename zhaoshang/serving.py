"""`zhaoshang serve`: every deployment of prefect.yaml served from this machine.

If no Prefect server is configured (PREFECT_API_URL unset), a local one is started for
the lifetime of the command and stopped on Ctrl-C; otherwise the configured one is used.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from zhaoshang.settings import PROJECT_DIR


def deployment_specs(path: Path = PROJECT_DIR / "prefect.yaml") -> list[dict]:
    """The deployments declared in prefect.yaml."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]


def load_flow(entrypoint: str):
    """The flow object an entrypoint such as flows/ingest.py:ingest names."""
    module_path, _, attribute = entrypoint.partition(":")
    return getattr(importlib.import_module(module_path.removesuffix(".py").replace("/", ".")), attribute)


def runner_deployments(specs: list[dict]) -> list:
    """Runner deployments (flow.to_deployment) with the schedules and limits of prefect.yaml."""
    from prefect.schedules import Cron

    return [
        load_flow(spec["entrypoint"]).to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            parameters=spec.get("parameters") or {},
            schedules=[Cron(s["cron"], timezone=s.get("timezone", "Asia/Shanghai")) for s in spec.get("schedules", [])],
            concurrency_limit=spec.get("concurrency_limit"),
        )
        for spec in specs
    ]


def _healthy(url: str) -> bool:
    """True when the Prefect API at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def prefect_server(port: int = 4200, timeout: float = 180) -> Iterator[str]:
    """The configured Prefect API, or a local `prefect server start` for as long as the block runs."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the local Prefect server did not start")
            time.sleep(1)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def serve_all(port: int = 4200) -> None:
    """Serve every deployment until interrupted; a local server is started and stopped with it."""
    with prefect_server(port) as url:
        from prefect import serve

        print(f"Prefect API: {url} — serving {len(deployment_specs())} deployments; Ctrl-C to stop", flush=True)
        try:
            serve(*runner_deployments(deployment_specs()), print_starting_message=False)
        except KeyboardInterrupt:
            pass
