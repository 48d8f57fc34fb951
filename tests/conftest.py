"""Shared fixtures: a real temp shared folder, a real warehouse (SQLite and PostgreSQL), a real Prefect server.

PostgreSQL is required, never skipped: `.ci/run` (and `./run test`) start the local
cluster. Each test that asks for it gets a throwaway database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from zhaoshang.settings import Settings, load_settings

PG_ADMIN_URL = os.environ.get("ZHAOSHANG_TEST_PG_URL", "postgresql+psycopg://root@/postgres?host=/var/run/postgresql")
TODAY = "2021-09-08"  # the clock of the scenario tests: the August reports are due (deadline 2021-09-06)

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# reports are written without their PDF (LibreOffice, ~2 s each) unless a test asks (tests/test_report_pdf.py)
os.environ.setdefault("ZHAOSHANG_REPORT_PDF", "0")


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A real, temporary Prefect API server (with its own database) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database, dropped after the test."""
    yield from _throwaway_pg_database()


@pytest.fixture
def second_warehouse_url(warehouse_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty warehouse of the same kind as `warehouse_url` (for rebuild comparisons)."""
    if warehouse_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
    else:
        yield from _throwaway_pg_database()


def _throwaway_pg_database() -> Iterator[str]:
    """Create a PostgreSQL database, yield its URL, drop it."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"zs_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each warehouse-touching test runs twice: on embedded SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return request.getfixturevalue("pg_url")


def make_settings(root: Path, warehouse_url: str | None = None, **env: str) -> Settings:
    """Settings for a temp root with the repo's example configuration and the scenario clock."""
    values = {"ZHAOSHANG_ROOT": str(root), "ZHAOSHANG_TODAY": TODAY,
              "ZHAOSHANG_REPORT_PDF": os.environ.get("ZHAOSHANG_REPORT_PDF", ""), **env}
    if warehouse_url:
        values["ZHAOSHANG_WAREHOUSE_URL"] = warehouse_url
    settings = load_settings(values)
    settings.ensure_layout()
    return settings


@pytest.fixture
def settings(tmp_path: Path, warehouse_url: str) -> Settings:
    """A fresh shared folder under tmp_path with a fresh warehouse."""
    return make_settings(tmp_path / "share", warehouse_url)
