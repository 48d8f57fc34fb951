"""Half-year review scores through the gate: roster, range, one row per rater, corrected file replaces."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import review
from tests.test_ingest_flow import query, run_pass
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")

ENERGY, CORN = "清洁能源和新型建材组", "玉米深加工组"


@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")


def test_scores_load_and_a_corrected_file_replaces_the_first(settings: Settings) -> None:
    folder = settings.inbox / "述职评议"
    review(folder / "评议.xlsx", [("2021H1", "张海涛", ENERGY, "林振华", 90, "好"), ("2021年上半年", "张海涛", ENERGY, "韩卫东", 85, None),
                                  ("2021H1", "周丽娜", CORN, "林振华", "88.5分", None)], received=dt.datetime(2021, 7, 10, 10))
    run_pass(settings)
    review(folder / "评议（更正）.xlsx", [("2021H1", "张海涛", ENERGY, "林振华", 92, "好"),
                                      ("2021H1", "张海涛", ENERGY, "韩卫东", 85, None),
                                      ("2021H1", "周丽娜", CORN, "林振华", 88.5, None)], received=dt.datetime(2021, 7, 12, 9))
    run_pass(settings)
    current = query(settings, "SELECT s.person, s.rater, s.score FROM fact_review_score s JOIN ingested_file f "
                              "ON f.id = s.file_id WHERE f.status = 'loaded' ORDER BY s.person, s.rater")
    assert current == [("周丽娜", "林振华", 88.5), ("张海涛", "林振华", 92.0), ("张海涛", "韩卫东", 85.0)]
    assert query(settings, "SELECT original_name, status, subject, period FROM ingested_file ORDER BY id") == [
        # a review file's subject is the groups its rows name (DESIGN §3.4): the correction covers both
        ("评议.xlsx", "superseded", "corn,energy", "2021H1"), ("评议（更正）.xlsx", "loaded", "corn,energy", "2021H1")]


def test_review_rules_locate_each_error(settings: Settings) -> None:
    review(settings.inbox / "述职评议" / "有误.xlsx", [
        ("2021H1", "张海涛", ENERGY, "林振华", 101, None),  # E2 out of range
        ("2021H1", "张海涛", ENERGY, "林振华", 90, None),  # D3 same rater twice
        ("2021H1", "周丽娜", ENERGY, "林振华", 90, None),  # C4 周丽娜 is in the corn group
        ("2021H2", "王五", CORN, "林振华", 80, None),  # A5 another half, B5 not in the roster
    ])
    run_pass(settings)
    found = query(settings, "SELECT row, col, header, message FROM file_finding WHERE severity = 'error' ORDER BY row, col")
    assert found == [
        (2, 5, "评议得分", "评议得分应在 0–100 之间。"),
        (3, 4, "评议人", "评议人“林振华”对“张海涛”的评分重复出现。"),
        (4, 3, "工作组", "人员名单中“周丽娜”属于“玉米深加工组”，与填写的工作组不一致。"),
        (5, 1, "考核期", "考核期“2021H2”与第一行的“2021H1”不同（一份文件只能是一个考核期）。"),
        (5, 2, "姓名", "“姓名”不在人员名单中。"),
    ]
