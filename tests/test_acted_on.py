"""What people act on (issue 18): review files combined per group, what is due before the library,
corrections in the same pass, refused files nobody can be found for, reminders for a refused file."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser

import pandas as pd
import pytest

from tests.builders import contact, monthly, review, weekly
from tests.test_ingest_flow import query, run_pass
from transforms.due import stand_in_note
from transforms.kinds import weekly as weekly_kind
from transforms.kinds.base import Calendar
from zhaoshang.reminders import Reminder, reminder_text
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")

ENERGY, CORN = "清洁能源和新型建材组", "玉米深加工组"


def mails(settings: Settings) -> list:
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(settings.outbox.glob("*.eml"))]


def test_review_files_combine_per_group(settings: Settings) -> None:
    folder = settings.inbox / "述职评议"
    review(folder / "全部.xlsx", [("2021H1", "张海涛", ENERGY, "林振华", 90, None), ("2021H1", "周丽娜", CORN, "林振华", 80, None)],
           received=dt.datetime(2021, 7, 10, 9))
    run_pass(settings)
    review(folder / "玉米组.xlsx", [("2021H1", "周丽娜", CORN, "林振华", 84, None)], received=dt.datetime(2021, 7, 11, 9))
    run_pass(settings)
    counted = "SELECT person, rater, score, file_id FROM current_review_score ORDER BY person"
    # the corn file replaced corn's rows only; energy's score from the first file still counts
    assert query(settings, counted) == [("周丽娜", "林振华", 84.0, 2), ("张海涛", "林振华", 90.0, 1)]
    assert query(settings, "SELECT original_name, status, subject FROM ingested_file ORDER BY id") == [
        ("全部.xlsx", "loaded", "corn,energy"), ("玉米组.xlsx", "loaded", "corn")]
    # the later file scored 周丽娜 by 林振华 again: a warning that names the earlier file
    assert query(settings, "SELECT severity, message FROM file_finding WHERE file_id = 2") == [
        ("warning", "本文件有 1 条评分（同一被评议人、同一评议人）与此前报送的《全部.xlsx》相同，以后收到的本文件为准。")]
    review(folder / "全部（更正）.xlsx", [("2021H1", "张海涛", ENERGY, "林振华", 91, None),
                                      ("2021H1", "周丽娜", CORN, "林振华", 85, None)], received=dt.datetime(2021, 7, 12, 9))
    run_pass(settings)
    assert query(settings, counted) == [("周丽娜", "林振华", 85.0, 3), ("张海涛", "林振华", 91.0, 3)]
    assert query(settings, "SELECT original_name, status FROM ingested_file ORDER BY id") == [
        ("全部.xlsx", "superseded"), ("玉米组.xlsx", "superseded"), ("全部（更正）.xlsx", "loaded")]


def test_weeks_before_the_first_library_snapshot_are_owed_by_the_earliest_one() -> None:
    calendar = Calendar(("energy",), "2021-01", None, 5, 1, 12, lambda day: day.weekday() < 5)
    # the library started on Wednesday 18 August, after weekly reporting began on 2 August
    snapshots = pd.DataFrame({"snapshot_at": [dt.datetime(2021, 8, 18, 10)] * 2, "project_code": ["P1", "P2"],
                              "cadre": ["李明远", "陈静"], "status": ["在建", "在谈"]})
    due = weekly_kind.KIND.due(calendar, dt.datetime(2021, 8, 24, 9), snapshots, dt.date(2021, 8, 2))
    # weeks of 2, 9 and 16 August are due by the Mondays 9, 16 and 23 August at 12:00; 陈静's project is only 在谈
    assert [(r.subject, r.period, r.due_at) for r in due.itertuples()] == [
        ("李明远", "2021-08-02", dt.datetime(2021, 8, 9, 12)), ("李明远", "2021-08-09", dt.datetime(2021, 8, 16, 12)),
        ("李明远", "2021-08-16", dt.datetime(2021, 8, 23, 12))]
    none_yet = weekly_kind.KIND.due(calendar, dt.datetime(2021, 8, 24, 9), snapshots, None)
    assert none_yet.empty  # no start configured and no weekly report received: nothing is due yet


def test_outputs_say_which_weeks_the_earliest_library_stood_in_for() -> None:
    snapshots = pd.DataFrame({"snapshot_at": [dt.datetime(2021, 8, 18, 10)], "project_code": ["P1"],
                              "cadre": ["李明远"], "status": ["在建"]})
    weeks = [dt.date(2021, 8, 2), dt.date(2021, 8, 9), dt.date(2021, 8, 16), dt.date(2021, 8, 23)]
    assert stand_in_note(weeks, snapshots) == (
        "注：项目库于2021年8月18日首次报送，8月2日至8月9日开始的各周的应报周报名单按最早一份项目库确定。")
    assert stand_in_note([dt.date(2021, 8, 9)], snapshots) == (
        "注：项目库于2021年8月18日首次报送，8月9日那一周的应报周报名单按最早一份项目库确定。")
    # the week of 16 August had not ended when the library came: its dues are the library's own
    assert stand_in_note([dt.date(2021, 8, 16), dt.date(2021, 8, 23)], snapshots) is None
    assert stand_in_note(weeks, snapshots.iloc[0:0]) is None


def test_a_file_corrected_in_the_same_pass_gets_no_please_correct_mail(settings: Settings) -> None:
    inbox = settings.inbox / "月报"
    monthly(inbox / "装备8月.xlsx", "装备制造组", "2021-08", contacts=[contact("一汽集团", "2021-07-30")],
            received=dt.datetime(2021, 9, 2, 9))  # a July date: refused
    monthly(inbox / "装备8月（改）.xlsx", "装备制造组", "2021-08", contacts=[contact("一汽集团", "2021-08-30")],
            received=dt.datetime(2021, 9, 2, 10))
    run_pass(settings)
    assert query(settings, "SELECT original_name, status FROM ingested_file ORDER BY id") == [
        ("装备8月.xlsx", "rejected"), ("装备8月（改）.xlsx", "loaded")]
    assert mails(settings) == []


def test_a_refused_file_nobody_can_be_found_for_goes_to_the_office(settings: Settings) -> None:
    # a weekly report dropped into 月报/: no 填报人, so no sender in the roster
    weekly(settings.inbox / "月报" / "周报放错.xlsx", "李明远", "2021-08-30", received=dt.datetime(2021, 9, 6, 9))
    run_pass(settings)
    [mail] = mails(settings)
    assert str(mail["To"]) == "高建华 <gaojianhua@example.cn>, 何婷 <heting@example.cn>"  # the roster's office staff
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("投资促进局：")
    assert "文件中没有可识别的报送人" in body and "请转告报送人修改后重新放入原文件夹。" in body


def test_a_reminder_for_a_refused_report_says_so_and_points_to_its_explanation(settings: Settings) -> None:
    reminder = Reminder("月报", "2021-02", "after", "equipment", "刘志强", "liuzhiqiang@example.cn",
                        dt.datetime(2021, 3, 5, 23, 59, 59), "装备2月.xlsx", "rejected/月报/x_装备2月_错误说明.xlsx")
    subject, paragraphs = reminder_text(settings, reminder)
    assert subject == "【逾期提醒】2021年2月招商工作月报已退回，尚待更正"
    assert paragraphs == [
        "刘志强同志：",
        "系统收到了您报送的《装备2月.xlsx》，但未通过校验，已退回待更正；错误说明（标红单元格与修改方法）见共享文件夹 "
        "rejected/月报/x_装备2月_错误说明.xlsx。",
        "截止时间已过，请按错误说明更正后重新放入共享文件夹 inbox/月报/。",
        "兴安盟经济技术开发区投资促进局", "2021年9月8日"]  # the office's sign-off, on the scenario's day
