"""Migrations that rewrite a mart keep its rows: the same warehouse read before and after, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from tests.test_digest import seed_week_35
from tests.test_ingest_flow import query, run_pass
from warehouse.db import alembic_config
from zhaoshang.settings import Settings

PROJECT_WEEKS = "SELECT * FROM mart_project_week ORDER BY project_code, week_start, file_id"


def migrate(settings: Settings, to: str, how=command.upgrade) -> None:
    engine = sa.create_engine(settings.warehouse_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            how(config, to)
    finally:
        engine.dispose()


@pytest.mark.usefixtures("prefect_server")
def test_project_week_mart_keeps_its_rows_through_migration_0006(settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")
    seed_week_35(settings)
    assert all(f.status == "loaded" for f in run_pass(settings).files)

    looked_up = query(settings, PROJECT_WEEKS)  # head: counts looked up per row (0006)
    migrate(settings, "0005", command.downgrade)
    grouped = query(settings, PROJECT_WEEKS)  # 0002's view: counts grouped over the whole history
    migrate(settings, "head")

    assert looked_up == grouped == query(settings, PROJECT_WEEKS)
    columns = ["project_code", "week_start", "procedures_done", "procedures_overdue", "open_problems"]
    rows = query(settings, f"SELECT {', '.join(columns)} FROM mart_project_week ORDER BY project_code, week_start")
    assert [(code, str(week)[:10], done, overdue, problems) for code, week, done, overdue, problems in rows] == [
        ("P1", "2021-08-23", 0, 2, 2),  # 环评 (planned 08-20) and 能评 (08-25) still 办理中 on Sunday 08-29
        ("P1", "2021-08-30", 2, 1, 2),  # 环评 and 施工许可 done; 能评 overdue; 融资未到位 resolved, two open
        ("P2", "2021-08-23", 0, 0, 0),
        ("P3", "2021-08-30", 0, 1, 0),
    ]


def test_the_head_read_from_file_names_is_alembics_head(tmp_path) -> None:
    from alembic.script import ScriptDirectory

    from warehouse.db import engine_for, head_revision, upgrade

    engine = engine_for(f"sqlite:///{tmp_path / 'w.sqlite'}")
    assert head_revision() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == "0007"
    upgrade(engine)  # a new warehouse: the full path
    migrate_to = alembic_config(engine)
    with engine.begin() as connection:
        migrate_to.attributes["connection"] = connection
        command.downgrade(migrate_to, "0006")
    upgrade(engine)  # one behind: brought to the head, not mistaken for it
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0007"
    engine.dispose()
