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


def interrupted(serve: subprocess.Popen, timeout: float = 90) -> str:
    """Ctrl-C to a running `zhaoshang serve`, and its whole output once it has stopped. A command that
    does not stop in `timeout` seconds fails the test, and is killed so it holds no port for the next."""
    serve.send_signal(signal.SIGINT)
    try:
        return serve.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        serve.kill()
        output = serve.communicate()[0]
        raise AssertionError(f"serve did not stop within {timeout:.0f} s of Ctrl-C:\n{output}") from None


def deployments_on(api: str) -> list[str]:
    request = urllib.request.Request(f"{api}/deployments/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return sorted(d["name"] for d in json.load(response))
    except OSError:
        return []


def flow_runs_on(api: str, flow: str) -> list[dict]:
    body = json.dumps({"flows": {"name": {"any_": [flow]}}}).encode()
    request = urllib.request.Request(f"{api}/flow_runs/filter", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def test_serve_registers_every_deployment_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), ZHAOSHANG_ROOT=str(tmp_path / "share"))
    serve = subprocess.Popen([str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang"), "serve", "--port", str(port),
                              "--listen", f"127.0.0.1:{free_port()}"], env=env,
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    api = f"http://127.0.0.1:{port}/api"
    expected = sorted(spec["name"] for spec in deployment_specs())
    try:
        deadline = time.monotonic() + 240
        while deployments_on(api) != expected:
            assert serve.poll() is None, serve.stdout.read()
            assert time.monotonic() < deadline, "deployments were not registered"
            time.sleep(2)
        # serve leaves its API's address for other commands, which then run their flows on it
        # instead of starting Prefect's temporary server
        announced = tmp_path / "share" / ".zhaoshang" / "prefect-api.json"
        assert json.loads(announced.read_text(encoding="utf-8"))["url"] == api
        command = {**env, "ZHAOSHANG_TODAY": "2021-09-08"}
        remind = subprocess.run([str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang"), "remind", "--at", "2021-09-07T09:00"],
                                env=command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert remind.returncode == 0, remind.stdout + remind.stderr
        assert "temporary server" not in remind.stdout + remind.stderr
        # the command's own run (the scheduled ones come from the deployment)
        assert [run["state_type"] for run in flow_runs_on(api, "remind") if not run["deployment_id"]] == ["COMPLETED"]
    finally:
        output = interrupted(serve)
    assert serve.returncode == 0, output
    assert "Traceback" not in output, output
    assert deployments_on(api) == []  # the local server went down with it
    assert not (tmp_path / "share" / ".zhaoshang" / "prefect-api.json").exists()
