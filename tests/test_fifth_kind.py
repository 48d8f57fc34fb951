"""A fifth submission kind that exists only in this test: one module's worth of code plus its table.

季度报表: one sheet 季度数据 (工作组 | 季度 | 完成投资（万元）), one file per group per quarter, due by the
15th of the month after the quarter. Registered here, it is recognised, validated by its own Great
Expectations suite, loaded, superseded by a later version, explained when bad, and counted as due —
with no product file knowing it exists.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Column, Numeric, String, Table

from tests.builders import workbook
from tests.test_ingest_flow import query, run_pass
from transforms import kinds
from transforms.contract import Column as SheetColumn
from transforms.contract import Sheet, Workbook
from transforms.kinds.base import DUE_COLUMNS, Calendar
from transforms.staging.workbook import StagedWorkbook
from warehouse import schema
from zhaoshang.intake.validation import suite_document
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")

KIND = "季度报表"
SHEET = Sheet(name="季度数据", suite="quarterly_figures", columns=(
    SheetColumn("工作组", "group_code", "group", True),
    SheetColumn("季度", "quarter", "text", True),
    SheetColumn("完成投资（万元）", "invest_wan", "wan", True),
))


class Quarterly(kinds.Kind):
    """Everything that is the quarterly report's, as a kind module would hold it."""

    contract = Workbook(kind=KIND, title="季度报表", sheets=(SHEET,), extensions=(".xlsx",))
    facts = {"季度数据": "fact_quarterly"}

    def __init__(self, expectations: Path) -> None:
        self.expectations_dir = expectations

    def subject_and_period(self, staged: StagedWorkbook, received_at: dt.datetime):
        part = staged.sheets.get("季度数据")
        if part is None or not part.record_count:
            return None, None
        return part.columns["group_code"][0], part.columns["quarter"][0]

    def due(self, calendar: Calendar, now: dt.datetime, snapshots: pd.DataFrame, first_received) -> pd.DataFrame:
        deadline = dt.datetime(2021, 7, 15, 23, 59, 59)  # 2021Q2, by 15 July
        rows = [(KIND, group, "2021Q2", deadline) for group in calendar.groups] if now > deadline else []
        return pd.DataFrame(rows, columns=DUE_COLUMNS)


@pytest.fixture
def quarterly(tmp_path: Path, settings: Settings) -> Iterator[Settings]:
    """The kind registered, its table in the warehouse's metadata and its suite in its own folder."""
    expectations = tmp_path / "expectations"
    expectations.mkdir()
    (expectations / "quarterly_figures.json").write_text(json.dumps(suite_document(SHEET), ensure_ascii=False))
    table = Table("fact_quarterly", schema.metadata, *schema._lineage(),
                  Column("group_code", String(32)), Column("quarter", String(8)), Column("invest_wan", Numeric(18, 4)))
    try:
        with kinds.registered(Quarterly(expectations)):
            settings.ensure_layout()  # the kind's inbox folder
            from warehouse.db import engine_for, upgrade

            engine = engine_for(settings.warehouse_url)
            upgrade(engine)
            table.create(engine)
            engine.dispose()
            yield settings
    finally:
        schema.metadata.remove(table)


def quarter_file(settings: Settings, name: str, rows, received: dt.datetime, folder: str = KIND) -> Path:
    return workbook(settings.inbox / folder / name, {"季度数据": [["工作组", "季度", "完成投资（万元）"], *rows]}, received)


def test_a_fifth_kind_is_recognised_validated_loaded_superseded_explained_and_due(quarterly: Settings) -> None:
    settings = quarterly
    quarter_file(settings, "能源组二季度.xlsx", [["清洁能源和新型建材组", "2021Q2", 1200]], dt.datetime(2021, 7, 10, 9))
    quarter_file(settings, "装备组二季度.xlsx", [["装备制造组", "2021Q2", -5]], dt.datetime(2021, 7, 11, 9))  # negative: refused
    quarter_file(settings, "放错了.xlsx", [["玉米深加工组", "2021Q2", 10]], dt.datetime(2021, 7, 11, 10), folder="月报")
    run_pass(settings)
    quarter_file(settings, "能源组二季度（更正）.xlsx", [["清洁能源和新型建材组", "2021Q2", 1300]], dt.datetime(2021, 7, 20, 9))
    run_pass(settings)

    assert query(settings, "SELECT original_name, kind, status, subject, period FROM ingested_file ORDER BY id") == [
        ("能源组二季度.xlsx", KIND, "superseded", "energy", "2021Q2"),
        ("装备组二季度.xlsx", KIND, "rejected", "equipment", "2021Q2"),
        ("放错了.xlsx", "月报", "rejected", None, None),
        ("能源组二季度（更正）.xlsx", KIND, "loaded", "energy", "2021Q2"),
    ]
    current = query(settings, "SELECT q.group_code, q.invest_wan FROM fact_quarterly q JOIN ingested_file f "
                              "ON f.id = q.file_id WHERE f.status = 'loaded'")
    assert current == [("energy", 1300)]  # the correction replaced the first version
    # its own suite refused the negative amount, located to the cell
    assert query(settings, "SELECT sheet, row, col, header, message FROM file_finding f JOIN ingested_file i "
                           "ON i.id = f.file_id WHERE i.original_name = '装备组二季度.xlsx'") == [
        ("季度数据", 2, 3, "完成投资（万元）", "“完成投资（万元）”不能为负数。")]
    # recognised by its sheet in the wrong folder
    assert query(settings, "SELECT message FROM file_finding f JOIN ingested_file i ON i.id = f.file_id "
                           "WHERE i.original_name = '放错了.xlsx'") == [("此文件看起来是“季度报表”，却放在了“月报”文件夹中。",)]
    explanation = query(settings, "SELECT explanation_path FROM ingested_file WHERE original_name = '装备组二季度.xlsx'")[0][0]
    summary = openpyxl.load_workbook(settings.root / explanation)["错误汇总"]
    assert [c.value for c in summary[4]][1:7] == ["错误", "季度数据", 2, "C", "完成投资（万元）", "-5"]
    # counted as due: the energy group on time (10 July), equipment sent only a refused file, corn nothing
    assert query(settings, f"SELECT subject, status FROM mart_submission WHERE kind = '{KIND}' ORDER BY subject") == [
        ("corn", "missing"), ("energy", "on_time"), ("equipment", "rejected")]
