"""What the pipeline promises under stress: concurrent passes, re-runs, crashes, and secrets kept secret."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.builders import contact, expense, monthly, signing
from tests.figures import record, warehouse_kind
from tests.test_ingest_flow import energy_august_with_errors, equipment_august, mart, query, run_pass
from zhaoshang.settings import PROJECT_DIR, Settings

pytestmark = pytest.mark.usefixtures("prefect_server")
PYTHON = str(PROJECT_DIR / ".venv" / "bin" / "python")
MARTS = ("mart_group_month", "mart_submission")


@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")


def a_months_files(settings: Settings, count: int = 12) -> int:
    """`count` distinct monthly reports (groups × months), plus one rejected file; returns files written."""
    groups = [("装备制造组", "刘志强", "陈静"), ("玉米深加工组", "周丽娜", "吴国庆"), ("清洁能源和新型建材组", "张海涛", "李明远")]
    for i in range(count):
        group, reporter, person = groups[i % 3]
        month = 1 + i // 3
        monthly(settings.inbox / "月报" / f"{month:02d}-{i}.xlsx", group, f"2021-{month:02d}", reporter=reporter,
                received=dt.datetime(2021, month + 1, 3, 10), contacts=[contact(f"企业{i}", f"2021-{month:02d}-0{1 + i % 9}", person=person)],
                signings=[signing(f"项目{i}", f"企业{i}", f"2021-{month:02d}-15", 100 + i)],
                expenses=[expense(f"2021-{month:02d}-10", 10 * i + 1, handler=person)])
    energy_august_with_errors(settings.inbox / "月报" / "有误.xlsx")
    return count + 1


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def archive_matches_ledger(settings: Settings) -> list[tuple[str, str]]:
    """(stored path, status) of every accepted file whose archived bytes hash to its ledger hash; asserts there is
    no other file in the archive."""
    rows = query(settings, "SELECT stored_path, sha256, status FROM ingested_file WHERE stored_path LIKE 'archive/%'")
    on_disk = sorted(p.relative_to(settings.root).as_posix() for p in settings.archive.rglob("*") if p.is_file())
    assert on_disk == sorted(path for path, _, _ in rows)
    return sorted((path, status) for path, digest, status in rows if sha(settings.root / path) == digest)


def every_mart(settings: Settings) -> dict[str, list[tuple]]:
    return {name: mart(settings, name) for name in MARTS}


def duplicates(settings: Settings) -> int:
    """Files recorded twice (same bytes) plus fact rows loaded twice (same file and Excel row)."""
    files = query(settings, "SELECT COUNT(*) - COUNT(DISTINCT sha256) FROM ingested_file")[0][0]
    rows = sum(query(settings, f"SELECT COUNT(*) FROM (SELECT file_id, sheet_row FROM {table} "
                               "GROUP BY file_id, sheet_row HAVING COUNT(*) > 1) twice")[0][0]
               for table in ("fact_contact", "fact_signing", "fact_expense"))
    return files + rows


def child_env(settings: Settings) -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "ZHAOSHANG_ROOT": str(settings.root),
            "ZHAOSHANG_WAREHOUSE_URL": settings.warehouse_url, "ZHAOSHANG_TODAY": "2021-09-08"}


def test_two_passes_started_at_once_load_every_file_exactly_once(settings: Settings) -> None:
    files = a_months_files(settings)
    code = "from flows.ingest import ingest; ingest()"
    passes = [subprocess.Popen([PYTHON, "-c", code], cwd=PROJECT_DIR, env=child_env(settings),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in passes:
        assert p.wait(timeout=600) == 0, p.stderr.read()
    # one pass did the work, the other found an empty inbox: every file recorded once
    assert query(settings, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM ingested_file") == [(files, files)]
    assert query(settings, "SELECT status, COUNT(*) FROM ingested_file GROUP BY status ORDER BY status") == [
        ("loaded", files - 1), ("rejected", 1)]
    assert query(settings, "SELECT COUNT(*) FROM fact_contact") == [(files - 1,)]
    assert duplicates(settings) == 0
    record(f"concurrent[{warehouse_kind(settings.warehouse_url)}]", {"passes": len(passes), "files": files,
                                                                   "duplicates": 0})


def test_a_script_without_a_main_guard_finishes_its_pass_without_the_helper(settings: Settings, tmp_path: Path) -> None:
    # the helper process re-runs such a script when it starts; it used to wait for the lock of the very
    # pass that was waiting for it (ten minutes, until the lock timed out)
    files = a_months_files(settings)
    script = tmp_path / "my_pass.py"
    script.write_text("import zhaoshang.intake.ingest\nzhaoshang.intake.helper.PARALLEL_FROM = 1  # a helper even for a few files\n"
                      "from flows.ingest import ingest\ningest()\n", encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([PYTHON, str(script)], cwd=PROJECT_DIR, env=child_env(settings), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert time.monotonic() - started < 240
    assert "needs an `if __name__" in done.stderr + done.stdout
    assert query(settings, "SELECT status, COUNT(*) FROM ingested_file GROUP BY status ORDER BY status") == [
        ("loaded", files - 1), ("rejected", 1)]
    assert duplicates(settings) == 0


def test_five_passes_and_a_rebuild_from_the_archive_leave_identical_marts(settings: Settings, tmp_path: Path,
                                                                          second_warehouse_url: str) -> None:
    a_months_files(settings)
    run_pass(settings)
    first = every_mart(settings)
    for _ in range(4):
        run_pass(settings)
        assert every_mart(settings) == first
    # rebuild: a fresh warehouse and share, fed every original the share kept — accepted ones from the
    # archive, refused ones from rejected/ (mart_submission tells 已报送被退回 from 未报送 by them) —
    # their names and arrival times kept
    from tests.conftest import make_settings

    rebuilt = make_settings(tmp_path / "rebuilt", second_warehouse_url)
    kept = [(settings.archive, p) for p in settings.archive.rglob("*.xlsx")] + [
        (settings.rejected, p) for p in settings.rejected.rglob("*.xlsx") if not p.name.endswith("_错误说明.xlsx")]
    for folder, original in kept:
        target = rebuilt.inbox / original.relative_to(folder).parts[0] / original.name.split("_", 2)[2]
        target.write_bytes(original.read_bytes())
        os.utime(target, (original.stat().st_mtime, original.stat().st_mtime))
    run_pass(rebuilt)
    assert every_mart(rebuilt) == first
    assert duplicates(settings) == duplicates(rebuilt) == 0
    record(f"re-runs[{warehouse_kind(settings.warehouse_url)}]", {"passes": 5, "duplicates": 0})


CRASHER = """
import os, sys
from zhaoshang.settings import load_settings
from warehouse.db import engine_for, upgrade
from zhaoshang.intake import ingest as steps
settings = load_settings(); engine = engine_for(settings.warehouse_url); upgrade(engine)
with steps.exclusive_pass(settings, engine):
    batch, duplicates = steps.collect(settings, engine)
    examined = steps.check(batch, settings, engine)
    print("STORING", flush=True)
    steps.store(examined, duplicates, settings, engine, "crash-test")
print("DONE", flush=True)
"""


def consistent(settings: Settings) -> None:
    """The warehouse is before or after each file, never in between: facts match their ledger rows."""
    rows = query(settings, "SELECT f.id, f.rows_loaded, (SELECT COUNT(*) FROM fact_contact c WHERE c.file_id = f.id)"
                           " + (SELECT COUNT(*) FROM fact_signing s WHERE s.file_id = f.id)"
                           " + (SELECT COUNT(*) FROM fact_expense e WHERE e.file_id = f.id) FROM ingested_file f")
    assert all(loaded == facts for _, loaded, facts in rows), rows
    orphans = query(settings, "SELECT COUNT(*) FROM fact_contact WHERE file_id NOT IN (SELECT id FROM ingested_file)")
    assert orphans == [(0,)]


def test_kill_9_at_random_points_never_leaves_a_partial_file(settings: Settings) -> None:
    files = a_months_files(settings, count=9)
    rng = random.Random(2021)
    env = child_env(settings)
    killed = 0  # passes killed while storing (not already finished)
    for attempt in range(20):
        child = subprocess.Popen([PYTHON, "-c", CRASHER], cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
        line = child.stdout.readline()  # wait until the pass reaches the storing stage (or finished early)
        time.sleep(rng.uniform(0, 0.4))
        child.send_signal(signal.SIGKILL)
        killed += child.wait(timeout=60) == -signal.SIGKILL and line.strip() == "STORING"
        consistent(settings)
        if line.strip() != "STORING":
            break
    run_pass(settings)  # the next ordinary pass completes the work
    consistent(settings)
    assert query(settings, "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM ingested_file") == [(files, files)]
    assert list((settings.inbox / "月报").iterdir()) == []
    assert [status for _, status in archive_matches_ledger(settings)] == ["loaded"] * (files - 1)  # nothing lost
    record(f"kill-9[{warehouse_kind(settings.warehouse_url)}]", {"attempts": attempt + 1, "killed": killed})


def test_the_smtp_password_appears_nowhere(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    password = "S3cret-密码-" + "x" * 8
    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    def check(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.password.decode() == password)

    from tests.test_deployment import free_port

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port, authenticator=check, auth_require_tls=False)
    controller.start()
    try:
        for name, value in (("ZHAOSHANG_SMTP_HOST", "127.0.0.1"), ("ZHAOSHANG_SMTP_PORT", str(port)),
                            ("ZHAOSHANG_SMTP_SECURITY", "plain"), ("ZHAOSHANG_SMTP_USER", "zhaoshang@example.cn"),
                            ("ZHAOSHANG_SMTP_PASSWORD", password)):
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("ZHAOSHANG_CONFIG", str(settings.config_path))
        equipment_august(settings.inbox / "月报" / "装备8月.xlsx")
        energy_august_with_errors(settings.inbox / "月报" / "能源8月.xlsx")  # its explanation is mailed
        run_pass(settings)
        from flows.bulletin import bulletin

        bulletin(month="2021-08", send=True, root=str(settings.root), warehouse_url=settings.warehouse_url)
    finally:
        controller.stop()
    # the rejection, the bulletin and its three groups' excerpts went through the authenticated server
    assert len(received) == 5
    secrets = [password.encode(), base64.b64encode(password.encode()),
               base64.b64encode(f"\0zhaoshang@example.cn\0{password}".encode())]
    for path in settings.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(s in data for s in secrets), path
    prefect_text = prefect_records()
    assert password not in prefect_text and base64.b64encode(password.encode()).decode() not in prefect_text
    engine = sa.create_engine(settings.warehouse_url)
    with engine.connect() as conn:
        for table in ("ingested_file", "file_finding", "mail_delivery"):
            text = repr(conn.execute(sa.text(f"SELECT * FROM {table}")).all())
            assert password not in text and base64.b64encode(password.encode()).decode() not in text
    engine.dispose()


def prefect_records() -> str:
    """Every log line, flow-run parameter set and artifact the Prefect server holds, as one text."""
    from prefect.client.orchestration import get_client

    texts = []
    with get_client(sync_client=True) as client:
        for offset in range(0, 20_000, 200):
            page = client.read_logs(limit=200, offset=offset)
            texts += [log.message for log in page]
            if len(page) < 200:
                break
        texts += [repr(run.parameters) for run in client.read_flow_runs(limit=200)]
        texts += [repr(artifact.data) for artifact in client.read_artifacts(limit=200)]
    assert texts  # the server did record this session's runs
    return "\n".join(texts)
