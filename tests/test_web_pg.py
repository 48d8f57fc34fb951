"""The page's queries on PostgreSQL, the production warehouse: the demo year ingested into a throwaway
database, every page read through the application as the office and as a secretary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flows.ingest import ingest
from tests.conftest import make_settings
from zhaoshang.demo.generate import write_demo_inbox
from zhaoshang.web import accounts
from zhaoshang.web.app import create_app

pytestmark = pytest.mark.usefixtures("prefect_server")


def cells(html: str, label: str) -> list[str]:
    """The texts of the cells labelled `label` (each table cell carries its column's name)."""
    return [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(rf'data-label="{label}">(.*?)</td>', html, re.S)]


def test_every_page_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    settings = make_settings(tmp_path / "share", pg_url)
    write_demo_inbox(settings)
    ingest(root=str(settings.root), warehouse_url=pg_url)
    accounts.set_password(settings, "高建华", "office-pass-2021")
    accounts.set_password(settings, "刘志强", "equipment-sec-1")
    office = TestClient(create_app(settings))
    assert office.post("/login", data={"name": "高建华", "password": "office-pass-2021"}).status_code == 200

    february = office.get("/status?month=2021-02").text
    assert dict(zip(cells(february, "报送主体"), cells(february, "状态"))) == {
        "装备制造组": "已报送被退回（待更正）", "清洁能源和新型建材组": "按时报送", "玉米深加工组": "按时报送"}
    april = office.get("/status?month=2021-04").text
    assert dict(zip(cells(april, "报送主体"), cells(april, "状态")))["清洁能源和新型建材组"] == "未报送"  # never sent
    week = office.get("/status?week=2021-08-30").text
    assert sorted(cells(week, "报送主体")) == ["吴国庆", "李明远", "杨帆", "王晓东", "郑凯", "陈静"]
    board = office.get("/board?week=2021-08-30").text
    assert "KFQ2021-002" in board and 'class="overdue"' in board  # 风光制氢: one overdue procedure that week
    assert len(cells(office.get("/rejected").text, "文件")) == 7
    assert "入库记录" in office.get("/passes").text

    secretary = TestClient(create_app(settings))
    assert secretary.post("/login", data={"name": "刘志强", "password": "equipment-sec-1"}).status_code == 200
    assert cells(secretary.get("/status?month=2021-02").text, "报送主体") == ["装备制造组"]
    link = re.search(r'href="(/files/\d+/explanation)"', secretary.get("/status?month=2021-02").text).group(1)
    assert secretary.get(link).content[:2] == b"PK"  # their own group's explanation workbook
