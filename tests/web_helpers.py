"""What the page's tests share: the demo built once, the page served on a thread, a headless Chromium."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.test_deployment import free_port
from zhaoshang.settings import PROJECT_DIR, Settings, load_settings

ZHAOSHANG = str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang")
CHROMIUM = "/usr/bin/chromium"  # Debian's package (./run setup installs it); Playwright never downloads one
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORDS = {"高建华": "office-pass-2021", "张海涛": "energy-secretary-1", "陈静": "cadre-password-1"}


def build_demo(root: Path) -> Settings:
    """`zhaoshang demo --root root` (the demo year ingested, its reports rendered), as settings for it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHAOSHANG_", "PREFECT_API_URL"))}
    env["PREFECT_HOME"] = str(root.parent / "prefect-home")
    done = subprocess.run([ZHAOSHANG, "demo", "--root", str(root)], env=env, cwd=root.parent, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return load_settings({"ZHAOSHANG_ROOT": str(root), "ZHAOSHANG_TODAY": "2021-09-08"})


def set_password(root: Path, name: str, password: str) -> subprocess.CompletedProcess:
    """`zhaoshang user password NAME`, the password on standard input (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHAOSHANG_")}
    env.update(ZHAOSHANG_ROOT=str(root), ZHAOSHANG_TODAY="2021-09-08")
    return subprocess.run([ZHAOSHANG, "user", "password", name], input=password + "\n", env=env, capture_output=True,
                          text=True, timeout=120)


@contextmanager
def serving(app) -> Iterator[str]:
    """`app` under uvicorn on a free port of 127.0.0.1, on a thread, for as long as the block runs."""
    import uvicorn

    with running(uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))) as base:
        yield base


@contextmanager
def running(server) -> Iterator[str]:
    """A uvicorn server run on a thread for as long as the block runs; its base address."""
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the page did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium from Debian's package, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page, base: str, name: str, password: str | None = None, target: str = "/status") -> None:
    """Sign in through the form (after being sent there from `target`); returns once the page the form
    leads to has loaded, so the caller reads that page and not the form (a click only waits for the
    navigation to start)."""
    page.goto(base + target)
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password or PASSWORDS[name])
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
