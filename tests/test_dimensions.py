"""The configuration-derived tables (groups, key-enterprise patterns, what was due) are rewritten
only when what a pass computes for them differs from what they hold."""

from __future__ import annotations

import pandas as pd

from tests.test_ingest_flow import query
from warehouse import load
from warehouse.db import engine_for, upgrade
from zhaoshang.settings import Settings


def due(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame([("周报", subject, period, pd.Timestamp(at)) for subject, period, at in rows],
                        columns=["kind", "subject", "period", "due_at"])


def test_dimension_tables_are_rewritten_only_when_they_change(settings: Settings) -> None:
    engine = engine_for(settings.warehouse_url)
    upgrade(engine)
    groups = pd.DataFrame({"group_code": ["energy"], "name": ["清洁能源和新型建材组"], "budget_yuan": [100000.0]})
    patterns = pd.DataFrame({"pattern": ["中粮"], "enterprise": ["中粮集团"]})
    first = due(("李明远", "2021-08-23", "2021-08-31 12:00"))
    later = due(("李明远", "2021-08-23", "2021-08-31 12:00"), ("李明远", "2021-08-30", "2021-09-07 12:00"))

    assert load.replace_dimensions(engine, groups, patterns, first) is True
    assert load.replace_dimensions(engine, groups, patterns, first) is False  # a pass that changes nothing
    assert load.replace_dimensions(engine, groups, patterns, later) is True  # a week's deadline has passed
    stored = query(settings, "SELECT subject, period, due_at FROM submission_due ORDER BY period")
    assert [(subject, period, pd.Timestamp(at)) for subject, period, at in stored] == [
        ("李明远", "2021-08-23", pd.Timestamp(2021, 8, 31, 12)), ("李明远", "2021-08-30", pd.Timestamp(2021, 9, 7, 12))]
    renamed = patterns.assign(enterprise=["中粮集团有限公司"])
    assert load.replace_dimensions(engine, groups, renamed, later) is True  # the configuration changed
    assert query(settings, "SELECT pattern, enterprise FROM dim_key_enterprise") == [("中粮", "中粮集团有限公司")]
    assert load.replace_dimensions(engine, groups.assign(budget_yuan=[120000.0]), renamed, later) is True
    assert load.replace_dimensions(engine, groups.assign(budget_yuan=[120000.0]), renamed, later) is False
    engine.dispose()
