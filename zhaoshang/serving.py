"""`zhaoshang serve`: every deployment of prefect.yaml served from this machine, the office's page,
and the inbox watcher that starts a pass in this (warm) process as soon as a dropped file settles.

If no Prefect server is configured (PREFECT_API_URL unset), a local one is started for
the lifetime of the command and stopped on Ctrl-C; otherwise the configured one is used.
`zhaoshang web` serves the page alone.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
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


@contextmanager
def prefect_server(port: int = 4200, timeout: float = 180) -> Iterator[str]:
    """The configured Prefect API, or a local `prefect server start` for as long as the block runs."""
    from zhaoshang.prefect_api import answers

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
        while not answers(url, timeout=2):
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


def serve_all(port: int = 4200, listen: tuple[str, int] | None = None) -> None:
    """Serve every deployment, the page and the watcher until interrupted; a local Prefect server is
    started and stopped with them, and announced to the share for other commands' flows."""
    from zhaoshang.prefect_api import announced
    from zhaoshang.settings import load_settings

    with (prefect_server(port) as url, announced(load_settings(), url), office_page(listen) as address,
          inbox_watcher()):
        print(f"Prefect API: {url} — serving {len(deployment_specs())} deployments; office page: {address}; "
              "Ctrl-C to stop", flush=True)
        serve_until_signalled(runner_deployments(deployment_specs()))


def serve_until_signalled(deployments: list, grace: float = 30) -> None:
    """Prefect's runner for `deployments`, on a thread of its own, until Ctrl-C or SIGTERM.

    This process owns its signals: the first asks the runner to stop (its schedules paused, its
    runs cancelled) and waits at most `grace` seconds for it, then returns, so the page, the
    watcher and the local server are always shut down in order. (Left to `prefect.serve`, an
    interrupt arriving just after a flow run was once absorbed, and the command never stopped.)
    """
    import threading

    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(deployment)
    failed: list[BaseException] = []

    def run() -> None:
        import asyncio

        try:
            asyncio.run(runner.start())
        except BaseException as error:  # noqa: BLE001 — reported on the main thread
            failed.append(error)

    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=run, name="prefect-runner", daemon=True)
    thread.start()
    try:
        while thread.is_alive() and not stop.wait(0.5):
            pass
        if thread.is_alive():
            print("stopping: pausing the schedules and cancelling runs in progress", flush=True)
            if runner.started and runner._loop is not None:
                runner.execute_in_background(runner.astop)
            thread.join(grace)
            if thread.is_alive():
                print(f"the Prefect runner did not stop within {grace:.0f} s; shutting down without it", flush=True)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if failed and not stop.is_set():
        raise failed[0]


# ── the office's page and the inbox watcher (DESIGN §6, §7) ──
def _page_settings():
    """The settings and [web] configuration the page and the watcher run with (the shared folder made)."""
    from zhaoshang.settings import load_settings
    from zhaoshang.web.config import web_config

    settings = load_settings()
    settings.ensure_layout()
    return settings, web_config(settings)


def _page_server(listen: tuple[str, int] | None):
    """A uvicorn server for the page at `listen` (default: the configured address)."""
    settings, config = _page_settings()
    return page_server(settings, config, listen)


def page_server(settings, config, listen: tuple[str, int] | None = None):
    """A uvicorn server for the page of `settings`: it believes X-Forwarded-For/-Proto only from the
    configured reverse proxies (so the sign-in throttle sees the clerk's address, and the cookie is
    marked Secure when the proxy says the request came over https)."""
    import uvicorn

    from zhaoshang.web.app import create_app

    host, port = listen or (config.host, config.port)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, config), host=host, port=port, log_level="warning",
                                           proxy_headers=True, forwarded_allow_ips=config.trusted_proxies,
                                           server_header=False))
    return server, f"http://{host}:{port}/"


@contextmanager
def office_page(listen: tuple[str, int] | None = None) -> Iterator[str]:
    """The page served on a thread of this process for as long as the block runs."""
    import threading

    server, address = _page_server(listen)
    thread = threading.Thread(target=server.run, name="zhaoshang-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the office page could not listen at {address}")
        time.sleep(0.05)
    try:
        yield address
    finally:
        server.should_exit = True
        thread.join(10)


def watched_pass(settle_seconds: float) -> None:
    """One ingest pass in this process (a flow run like the scheduled one), over settled files only."""
    from flows.ingest import ingest

    ingest(settle_seconds=max(0.0, settle_seconds - 1))


@contextmanager
def inbox_watcher() -> Iterator[None]:
    """The watcher and its pass runner for as long as the block runs (unless [web] watch = false)."""
    from flows.ingest import warm_up
    from zhaoshang.web.watch import InboxWatcher, PassRunner

    settings, config = _page_settings()
    if not config.watch:
        yield
        return
    runner = PassRunner(lambda: watched_pass(config.settle_seconds), warm_up).start()
    watcher = InboxWatcher(settings, config, runner).start()
    try:
        yield
    finally:
        watcher.stop()
        runner.stop()


def serve_page(listen: tuple[str, int] | None = None) -> None:
    """`zhaoshang web`: the page alone, in the foreground, until Ctrl-C."""
    server, address = _page_server(listen)
    print(f"office page: {address} — Ctrl-C to stop", flush=True)
    server.run()
