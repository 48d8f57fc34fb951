"""`zhaoshang serve`: starts a local Prefect server, registers every deployment, stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.test_deployment import free_port
from zhaoshang.serving import deployment_specs
from zhaoshang.settings import PROJECT_DIR


def deployments_on(api: str) -> list[str]:
    request = urllib.request.Request(f"{api}/deployments/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return sorted(d["name"] for d in json.load(response))
    except OSError:
        return []


def test_serve_registers_every_deployment_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), ZHAOSHANG_ROOT=str(tmp_path / "share"))
    serve = subprocess.Popen([str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang"), "serve", "--port", str(port)], env=env,
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    api = f"http://127.0.0.1:{port}/api"
    expected = sorted(spec["name"] for spec in deployment_specs())
    try:
        deadline = time.monotonic() + 240
        while deployments_on(api) != expected:
            assert serve.poll() is None, serve.stdout.read()
            assert time.monotonic() < deadline, "deployments were not registered"
            time.sleep(2)
    finally:
        serve.send_signal(signal.SIGINT)
        output, _ = serve.communicate(timeout=120)
    assert serve.returncode == 0, output
    assert "Traceback" not in output, output
    assert deployments_on(api) == []  # the local server went down with it
