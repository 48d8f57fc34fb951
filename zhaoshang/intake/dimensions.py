"""What the pass keeps in step with the configuration and the project library: groups, key enterprises, what is due."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from transforms import kinds
from transforms.dimensions import group_rows, key_enterprise_patterns
from warehouse import load
from warehouse.schema import ingested_file, project_snapshot
from zhaoshang.settings import Settings


def refresh_dimensions(settings: Settings, engine: Engine) -> bool:
    """Sync groups, key-enterprise patterns and what was due from the configuration (and the
    project library); True when they changed and were rewritten."""
    groups = group_rows([(g.code, g.name, g.budget_yuan) for g in settings.groups])
    names = [name for g in settings.groups for name in g.key_enterprises]
    calendar, now, snapshots, first = settings.calendar(), settings.now(), library_snapshots(engine), first_periods(engine)
    due = pd.concat([kind.due(calendar, now, snapshots, first.get(name)) for name, kind in kinds.KINDS.items()],
                    ignore_index=True)
    return load.replace_dimensions(engine, groups, key_enterprise_patterns(names, settings.aliases), due)


def first_periods(engine: Engine) -> dict[str, dt.date]:
    """Per kind, the earliest period of an accepted file whose period is a day (a weekly report's Monday)."""
    query = (select(ingested_file.c.kind, func.min(ingested_file.c.period))
             .where(ingested_file.c.status.in_(("loaded", "superseded")), ingested_file.c.period.is_not(None))
             .group_by(ingested_file.c.kind))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    first = {}
    for kind, period in rows:
        try:
            first[kind] = dt.date.fromisoformat(period)
        except (TypeError, ValueError):
            continue  # a month or a half-year: no day to start from
    return first


def library_snapshots(engine: Engine) -> pd.DataFrame:
    """Every project-library snapshot's rows: snapshot_at, project_code, cadre, status."""
    columns = [project_snapshot.c.snapshot_at, project_snapshot.c.project_code, project_snapshot.c.cadre,
               project_snapshot.c.status]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(select(*columns)).all(), columns=[c.name for c in columns])
