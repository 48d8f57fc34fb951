"""Reminders: exactly who is listed before and after a deadline, and no second mail on a re-run."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser

import pytest

from flows.remind import remind
from tests.builders import library, monthly, project, weekly
from tests.test_ingest_flow import run_pass
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-02")


def outbox(settings: Settings) -> list[tuple[str, str, str]]:
    mails = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(settings.outbox.glob("*.eml"))]
    return sorted((str(m["To"]), str(m["Cc"] or ""), str(m["Subject"])) for m in mails)


def scenario(settings: Settings) -> None:
    # equipment has sent its August report; corn and energy have not.
    monthly(settings.inbox / "月报" / "装备8月.xlsx", "装备制造组", "2021-08", received=dt.datetime(2021, 9, 1, 10))
    # 李明远 and 陈静 look after active projects; only 李明远 has reported the week of 2021-08-30.
    library(settings.inbox / "项目库" / "库.xlsx", [project("P1"), project("P3", cadre="陈静", group="装备制造组")],
            received=dt.datetime(2021, 6, 1, 9))
    weekly(settings.inbox / "周报" / "李明远.xlsx", "李明远", "2021-08-30", received=dt.datetime(2021, 9, 6, 8))
    run_pass(settings)


def test_monthly_reminders_before_and_after_and_never_twice(settings: Settings) -> None:
    scenario(settings)
    office = "高建华 <gaojianhua@example.cn>, 何婷 <heting@example.cn>"  # the roster's names, decoded
    # the August deadline is Monday 09-06; Friday 09-03 is the working day before it
    before = remind(at="2021-09-03T09:00", root=str(settings.root), warehouse_url=settings.warehouse_url)
    assert sorted(before) == ["remind:月报:corn:2021-08:before", "remind:月报:energy:2021-08:before"]
    assert outbox(settings) == [
        ("周丽娜 <zhoulina@example.cn>", office, "【催报】请于9月6日23:59前报送2021年8月招商工作月报"),
        ("张海涛 <zhanghaitao@example.cn>", office, "【催报】请于9月6日23:59前报送2021年8月招商工作月报"),
    ]
    remind(at="2021-09-03T10:00", root=str(settings.root), warehouse_url=settings.warehouse_url)  # the schedule wakes again
    assert len(outbox(settings)) == 2
    # Monday 09-06 before noon: the weekly deadline day — 陈静 still owes the week of 08-30
    monday = remind(at="2021-09-06T09:00", root=str(settings.root), warehouse_url=settings.warehouse_url)
    assert monday == ["remind:周报:陈静:2021-08-30:before"]
    afternoon = remind(at="2021-09-06T14:00", root=str(settings.root), warehouse_url=settings.warehouse_url)
    assert afternoon == ["remind:周报:陈静:2021-08-30:after"]
    # Tuesday 09-07: the working day after the monthly deadline — still corn and energy
    after = remind(at="2021-09-07T09:00", root=str(settings.root), warehouse_url=settings.warehouse_url)
    assert sorted(after) == ["remind:月报:corn:2021-08:after", "remind:月报:energy:2021-08:after"]
    subjects = [s for _, _, s in outbox(settings)]
    assert subjects.count("【逾期提醒】2021年8月招商工作月报尚未报送") == 2
    assert subjects.count("【逾期提醒】2021-08-30所在周的项目周报尚未报送") == 1
    assert len(subjects) == 6
    # a day with no deadline around it reminds nobody
    assert remind(at="2021-09-15T09:00", root=str(settings.root), warehouse_url=settings.warehouse_url) == []
