"""The inbox watcher (DESIGN §6): a file is answered once it has settled, passes coalesce, and a bad
file dropped into a running `zhaoshang serve` gets its explanation mail in seconds."""

from __future__ import annotations

import os
import subprocess
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.builders import contact, monthly
from tests.test_deployment import free_port
from tests.test_serve import interrupted
from tests.web_helpers import ZHAOSHANG
from zhaoshang.settings import load_settings
from zhaoshang.web.config import WebConfig, web_config
from zhaoshang.web.watch import InboxWatcher, PassRunner, Settling, filesystem_type, is_complete, polls


def test_complete_contents(tmp_path: Path) -> None:
    book = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-02", contacts=[contact("一汽集团", "2021-02-03")])
    assert is_complete(book)
    half = tmp_path / "half.xlsx"
    half.write_bytes(book.read_bytes()[: book.stat().st_size // 2])  # a copy caught half-way: no zip directory yet
    assert not is_complete(half)
    csv = tmp_path / "w.csv"
    csv.write_bytes("项目编号,包联人\nKFQ2021-001,陈静\n".encode("gb18030"))
    assert is_complete(csv)
    torn = tmp_path / "torn.csv"
    torn.write_bytes("包联人,陈".encode()[:-1])  # UTF-8 cut inside a character …
    torn.write_bytes(torn.read_bytes() + b"\xff")  # … and no GB18030 reading of it either
    assert not is_complete(torn)
    xls = tmp_path / "old.xls"
    xls.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1016)  # OLE header, whole 512-byte sectors
    assert is_complete(xls)
    xls.write_bytes(xls.read_bytes()[:700])
    assert not is_complete(xls)


def test_settled_only_after_standing_still(tmp_path: Path) -> None:
    now = [100.0]
    settling = Settling(5, clock=lambda: now[0])
    book = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-02")
    settling.touched(book)
    assert settling.settled() == []  # first look: its size and time are noted
    now[0] += 4.9
    assert settling.settled() == []  # unchanged, but not yet 5 s
    with zipfile.ZipFile(book, "a") as archive:  # still being written
        archive.writestr("extra.txt", "x")
    now[0] += 0.2
    assert settling.settled() == []  # changed: the 5 s start again
    now[0] += 5
    assert settling.settled() == [book]
    assert settling.settled() == []  # answered once
    settling.touched(tmp_path / "~$m.xlsx")  # an Excel lock file is never a submission
    assert settling.seen == {}


def test_passes_coalesce_one_at_a_time() -> None:
    started, release, running, overlap = [], threading.Event(), threading.Lock(), []

    def one_pass() -> None:
        if not running.acquire(blocking=False):
            overlap.append(True)
            return
        started.append(time.monotonic())
        release.wait(5)
        running.release()

    runner = PassRunner(one_pass).start()
    runner.request()
    deadline = time.monotonic() + 5
    while not started and time.monotonic() < deadline:
        time.sleep(0.01)
    for _ in range(5):  # five files settle during the first pass …
        runner.request()
    release.set()
    time.sleep(1.5)
    runner.stop()
    assert len(started) == 2 and overlap == []  # … and make one more pass, never a parallel one


def test_a_bad_file_dropped_into_serve_is_answered_in_seconds(tmp_path: Path) -> None:
    web_port, prefect_port = free_port(), free_port()
    root = tmp_path / "share"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ZHAOSHANG_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), ZHAOSHANG_ROOT=str(root), ZHAOSHANG_TODAY="2021-09-08")
    serve = subprocess.Popen([ZHAOSHANG, "serve", "--port", str(prefect_port), "--listen", f"127.0.0.1:{web_port}"],
                             env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while True:  # the page answers once serve is up
            assert serve.poll() is None and time.monotonic() < deadline, "serve did not start"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(1)
        # a February report of 装备制造组 with a contact dated in March: refused
        bad = monthly(tmp_path / "2021年02月_装备制造组_招商工作月报.xlsx", "装备制造组", "2021-02",
                      contacts=[contact("一汽集团", "2021-03-15", person="刘志强")])
        dropped = time.monotonic()
        os.replace(bad, root / "inbox" / "月报" / bad.name)
        while not list((root / "outbox").glob("*.eml")):
            # generous: the benchmark measures ~6 s (5 s of settling); this bounds, it does not time
            assert time.monotonic() - dropped < 90, "no explanation mail"
            time.sleep(0.25)
        mail = next((root / "outbox").glob("*.eml"))
        assert "【退回】" in mail.name and bad.name in mail.name
        assert list((root / "rejected" / "月报").glob("*_错误说明.xlsx"))
    finally:
        output = interrupted(serve)
    assert serve.returncode == 0, output
    assert "Traceback" not in output, output


MOUNTS = """/dev/vda1 / ext4 rw,relatime 0 0
//nas.office/共享 /srv/share\\040files cifs rw,vers=3.0 0 0
nas:/export/zhaoshang /mnt/nfs nfs4 rw 0 0
tmpfs /srv/share\\040files/tmp tmpfs rw 0 0
"""  # a /proc/mounts text: a space in a mount point is written \040


def test_polling_chosen_for_shares_that_send_no_notifications() -> None:
    assert filesystem_type(Path("/srv/share files/inbox/月报"), MOUNTS) == "cifs"
    assert filesystem_type(Path("/srv/share files/tmp/x"), MOUNTS) == "tmpfs"  # the deepest mount point holds it
    assert filesystem_type(Path("/srv/share filesX"), MOUNTS) == "ext4"  # a longer name is not inside the mount
    assert polls(Path("/srv/share files/inbox"), "auto", MOUNTS) is True  # SMB
    assert polls(Path("/mnt/nfs/inbox"), "auto", MOUNTS) is True  # NFS
    assert polls(Path("/home/office/inbox"), "auto", MOUNTS) is False  # a local disk notifies
    assert polls(Path("/home/office/inbox"), True, MOUNTS) is True  # as configured
    assert polls(Path("/mnt/nfs/inbox"), False, MOUNTS) is False


def test_force_polling_setting(tmp_path: Path) -> None:
    settings = load_settings({"ZHAOSHANG_ROOT": str(tmp_path / "share")})
    assert web_config(settings.model_copy(update={"config_path": tmp_path / "none.toml"})).force_polling == "auto"  # the default
    config = tmp_path / "zhaoshang.toml"
    config.write_text("[web]\nforce_polling = true\npoll_seconds = 2\nsettle_seconds = 3\n", encoding="utf-8")
    read = web_config(settings.model_copy(update={"config_path": config}), env={})
    assert (read.force_polling, read.poll_seconds, read.settle_seconds) == (True, 2, 3)
    config.write_text('[web]\nforce_polling = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="force_polling"):
        web_config(settings.model_copy(update={"config_path": config}), env={})


def test_a_polling_watcher_answers_a_dropped_file(tmp_path: Path) -> None:
    # what the watcher does on an SMB or NFS share: no notifications, a look every poll_seconds
    settings = load_settings({"ZHAOSHANG_ROOT": str(tmp_path / "share")})
    settings.ensure_layout()
    passes = []
    runner = PassRunner(lambda: passes.append(time.monotonic())).start()
    watcher = InboxWatcher(settings, WebConfig(settle_seconds=1, force_polling=True, poll_seconds=0.3), runner).start()
    try:
        time.sleep(1)  # the watcher has taken its first look
        book = monthly(tmp_path / "m.xlsx", "装备制造组", "2021-02")
        dropped = time.monotonic()
        os.replace(book, settings.inbox / "月报" / book.name)
        while not passes and time.monotonic() - dropped < 30:
            time.sleep(0.05)
        assert len(passes) == 1 and passes[0] - dropped >= 1  # after it stood still for the settle time
    finally:
        watcher.stop()
        runner.stop()
