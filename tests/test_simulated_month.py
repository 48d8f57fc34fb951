"""September 2021 with nobody at the keyboard: files arrive over time, the scheduled flows wake
as prefect.yaml says, and reminders, digests and the bulletin come out on their days.

The cron hours are simulated (ingest 08:00 and 13:00, reminders 09:00 and 14:00, digest 14:30,
bulletin 10:00); what each run does is decided by the real flows on the real calendar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.ingest import ingest
from flows.remind import remind
from flows.scheduled import bulletin_on_report_day, digest_on_report_day
from tests.builders import contact, library, monthly, progress, project, weekly
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("prefect_server")


def drops(root: Path) -> dict[dt.date, list]:
    """What staff drop into the share, by day (arrival times are that day's morning)."""
    at = lambda day, hour=7: dt.datetime.combine(day, dt.time(hour, 30))  # noqa: E731
    month = root / "inbox" / "月报"
    plan: dict[dt.date, list] = {}
    plan.setdefault(dt.date(2021, 9, 1), []).append(lambda: library(
        root / "inbox" / "项目库" / "库.xlsx", [project("P1"), project("P3", cadre="陈静", group="装备制造组")],
        received=at(dt.date(2021, 6, 1))))
    for day, group, reporter, name in ((dt.date(2021, 9, 2), "装备制造组", "刘志强", "装备"),
                                       (dt.date(2021, 9, 6), "玉米深加工组", "周丽娜", "玉米"),
                                       (dt.date(2021, 9, 8), "清洁能源和新型建材组", "张海涛", "能源")):
        plan.setdefault(day, []).append(lambda day=day, group=group, reporter=reporter, name=name: monthly(
            month / f"{name}8月.xlsx", group, "2021-08", reporter=reporter, received=at(day),
            contacts=[contact("甲公司", "2021-08-10", person="陈静" if name == "装备" else "李明远")]))
    # 李明远 reports every week on the deadline morning; 陈静 never does
    for week, due in ((dt.date(2021, 8, 30), dt.date(2021, 9, 6)), (dt.date(2021, 9, 6), dt.date(2021, 9, 13)),
                      (dt.date(2021, 9, 13), dt.date(2021, 9, 22)), (dt.date(2021, 9, 20), dt.date(2021, 9, 27))):
        plan.setdefault(due, []).append(lambda week=week, due=due: weekly(
            root / "inbox" / "周报" / f"李明远{week}.xlsx", "李明远", week.isoformat(), received=at(due),
            progress=[progress("P1", 10, 100 + 10 * week.toordinal() % 1000)]))
    return plan


def test_a_month_of_schedules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path / "share")
    root, url = str(settings.root), settings.warehouse_url
    plan = drops(settings.root)
    bulletins, digests, reminders = [], [], []
    for offset in range(30):
        day = dt.date(2021, 9, 1) + dt.timedelta(days=offset)
        monkeypatch.setenv("ZHAOSHANG_TODAY", day.isoformat())
        monkeypatch.setenv("ZHAOSHANG_ROOT", root)
        monkeypatch.setenv("ZHAOSHANG_WAREHOUSE_URL", url)
        for drop in plan.get(day, []):
            drop()
        ingest(root=root, warehouse_url=url)  # 08:00
        reminders += [(day.isoformat(), key) for key in remind(at=f"{day}T09:00")]
        if (made := bulletin_on_report_day(send=True)) is not None:  # 10:00
            bulletins.append((day.isoformat(), Path(made).name))
        reminders += [(day.isoformat(), key) for key in remind(at=f"{day}T14:00")]
        if (made := digest_on_report_day(send=True)) is not None:  # 14:30
            digests.append((day.isoformat(), Path(made).name))

    assert bulletins == [("2021-09-07", "2021年第8期招商引资工作通报.docx")]
    # Monday deadlines; the week of 09-13 is due Wednesday 09-22 (中秋: 09-19..21 off, 09-18 a make-up Saturday)
    assert digests == [("2021-09-06", "2021年第35周项目周报汇总.docx"), ("2021-09-13", "2021年第36周项目周报汇总.docx"),
                       ("2021-09-22", "2021年第37周项目周报汇总.docx"), ("2021-09-27", "2021年第38周项目周报汇总.docx")]
    assert sorted(reminders) == sorted([  # within a day, the order of groups does not matter
        ("2021-09-03", "remind:月报:corn:2021-08:before"), ("2021-09-03", "remind:月报:energy:2021-08:before"),
        ("2021-09-06", "remind:周报:陈静:2021-08-30:before"), ("2021-09-06", "remind:周报:陈静:2021-08-30:after"),
        ("2021-09-07", "remind:月报:energy:2021-08:after"),
        ("2021-09-13", "remind:周报:陈静:2021-09-06:before"), ("2021-09-13", "remind:周报:陈静:2021-09-06:after"),
        ("2021-09-22", "remind:周报:陈静:2021-09-13:before"), ("2021-09-22", "remind:周报:陈静:2021-09-13:after"),
        ("2021-09-27", "remind:周报:陈静:2021-09-20:before"), ("2021-09-27", "remind:周报:陈静:2021-09-20:after"),
        ("2021-09-30", "remind:月报:corn:2021-09:before"), ("2021-09-30", "remind:月报:energy:2021-09:before"),
        ("2021-09-30", "remind:月报:equipment:2021-09:before"),
    ])
    # every document and mail is on disk: 1 bulletin, its 3 groups' excerpts, 4 digests, 14 reminders
    mails = [path.name for path in settings.outbox.glob("*.eml")]
    assert len([name for name in mails if "【本组通报摘要】" in name]) == 3
    assert len(mails) == 1 + 3 + 4 + 14
