"""The ingest flow end to end: real files in a temp share, a real warehouse, a real Prefect server."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from flows.ingest import ingest
from tests.builders import contact, expense, monthly, signing
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")

SEP3 = dt.datetime(2021, 9, 3, 10, 0)
SEP7 = dt.datetime(2021, 9, 7, 9, 30)


@pytest.fixture(autouse=True)
def scenario_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")


def run_pass(settings: Settings):
    return ingest(root=str(settings.root), warehouse_url=settings.warehouse_url)


def query(settings: Settings, sql: str) -> list[tuple]:
    engine = sa.create_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def mart(settings: Settings, name: str) -> list[tuple]:
    return query(settings, f"SELECT * FROM {name} ORDER BY 1, 2, 3")


def equipment_august(path: Path, received: dt.datetime = SEP3, signed: tuple = ("12000", "3,500.5")) -> Path:
    return monthly(
        path, "装备制造组", "2021年8月", received=received,
        contacts=[
            contact("一汽解放(兴安)有限公司", "2021-08-03"),  # key enterprise by alias 一汽解放
            contact("上海电气风电集团", dt.date(2021, 8, 10)),  # key: contains 上海电气
            contact("兴安某某科技公司", "2021/8/12", stage="达成意向"),
            contact("一汽解放（兴安）有限公司", 44431),  # same enterprise (brackets normalised); serial = 2021-08-23
        ],
        signings=[signing("汽车零部件项目", "一汽解放(兴安)有限公司", "2021年8月20日", signed[0]),
                  signing("风电主机项目", "上海电气风电集团", "2021.8.25", signed[1])],
        expenses=[expense("2021-08-05", "1,200"), expense("2021-08-06", "1.5万"), ["合计", None, None, 16200]],
    )


def corn_august(path: Path) -> Path:
    return monthly(path, "玉米深加工组", dt.date(2021, 8, 1), reporter="周丽娜", received=SEP7,
                   contacts=[contact("中粮集团有限公司", "2021-08-16", person="吴国庆", region="北京")],
                   expenses=[expense("2021-08-17", 860.5, category="住宿", handler="郑凯")])


def energy_august_with_errors(path: Path) -> Path:
    return monthly(path, "清洁能源和新型建材组", "2021-08", reporter="张海涛", received=SEP3,
                   contacts=[contact("华能集团", "2021-07-30", person="李明远"),  # C2: date outside the month
                             contact("远景能源", "2021-08-04", person="张三", method="微信")],  # G3 roster, F3 enum
                   expenses=[expense("2021-08-05", "约五十万", handler="王晓东")])  # D2 unreadable amount


def test_first_pass_loads_exact_totals_and_rejects_with_explanation(settings: Settings) -> None:
    inbox = settings.inbox / "月报"
    equipment_august(inbox / "装备8月.xlsx")
    corn_august(inbox / "玉米8月.xlsx")
    energy_august_with_errors(inbox / "能源8月.xlsx")

    summary = run_pass(settings)

    assert sorted((f.name, f.status) for f in summary.files) == sorted(
        [("装备8月.xlsx", "loaded"), ("玉米8月.xlsx", "loaded"), ("能源8月.xlsx", "rejected")])
    # contacts: 4 rows, 3 distinct enterprises (the two 一汽解放 spellings are one), 3 key-enterprise contacts;
    # signings 12000 + 3500.5 = 15500.5 万元; spending 1,200 + 1.5万 = 16200 元 (the 合计 row is skipped).
    rows = mart(settings, "mart_group_month")
    assert [r[:8] for r in rows] == [
        ("corn", "2021-08", 1, 1, 1, 0, 0.0, 860.5),
        ("equipment", "2021-08", 4, 3, 3, 2, 15500.5, 16200.0),
    ]
    # deadline for August is Monday 2021-09-06 (the 5th is a Sunday): corn on 09-07 is late; energy's only
    # file was refused, so it sent one but must correct it: rejected, not missing (DESIGN §5).
    due = query(settings, "SELECT subject, status FROM mart_submission WHERE period = '2021-08' ORDER BY subject")
    assert due == [("corn", "late"), ("energy", "rejected"), ("equipment", "on_time")]
    # nothing from the rejected file reached the facts
    assert query(settings, "SELECT COUNT(*) FROM fact_contact c JOIN ingested_file f ON f.id = c.file_id "
                           "WHERE f.original_name = '能源8月.xlsx'") == [(0,)]
    ledger = query(settings, "SELECT original_name, status, rows_read, rows_loaded, rows_rejected, rows_skipped, errors "
                             "FROM ingested_file ORDER BY original_name")
    assert ledger == [("玉米8月.xlsx", "loaded", 2, 2, 0, 0, 0),
                      ("能源8月.xlsx", "rejected", 3, 0, 3, 0, 4),
                      ("装备8月.xlsx", "loaded", 9, 8, 0, 1, 0)]
    # the inbox is empty; originals kept in archive/ and rejected/
    assert list((settings.inbox / "月报").iterdir()) == []
    assert len(list((settings.archive / "月报").rglob("*.xlsx"))) == 2
    explanation = next(settings.rejected.rglob("*_错误说明.xlsx"))
    summary_sheet = pd.read_excel(explanation, sheet_name="错误汇总", header=None, dtype=str)
    text = summary_sheet.fillna("").to_string()
    for expected in ("不在报告月份 2021-08 之内", "不在人员名单中", "不在可选范围内", "无法识别的金额“约五十万”"):
        assert expected in text


def test_findings_name_sheet_row_and_column(settings: Settings) -> None:
    energy_august_with_errors(settings.inbox / "月报" / "能源8月.xlsx")
    run_pass(settings)
    found = query(settings, "SELECT severity, sheet, row, col, header, value FROM file_finding "
                            "WHERE severity = 'error' ORDER BY sheet, row, col")
    assert found == [
        ("error", "对接企业", 2, 5, "对接日期", "2021-07-30"),
        ("error", "对接企业", 3, 6, "对接方式", "微信"),
        ("error", "对接企业", 3, 7, "对接人", "张三"),
        ("error", "经费支出", 2, 4, "金额（元）", "约五十万"),
    ]


def test_second_pass_changes_nothing_and_duplicates_are_not_loaded(settings: Settings) -> None:
    equipment_august(settings.inbox / "月报" / "装备8月.xlsx")
    run_pass(settings)
    before = mart(settings, "mart_group_month")

    assert run_pass(settings).files == []  # empty inbox: nothing to do
    archived = next((settings.archive / "月报").rglob("*.xlsx"))
    shutil.copy(archived, settings.inbox / "月报" / "装备8月（再次提交）.xlsx")
    summary = run_pass(settings)

    assert [(f.name, f.status) for f in summary.files] == [("装备8月（再次提交）.xlsx", "duplicate")]
    assert mart(settings, "mart_group_month") == before
    assert query(settings, "SELECT status, duplicate_of IS NOT NULL FROM ingested_file ORDER BY id") == [
        ("loaded", False), ("duplicate", True)]


def test_corrected_resubmission_supersedes_by_arrival_time(settings: Settings) -> None:
    inbox = settings.inbox / "月报"
    equipment_august(inbox / "装备8月.xlsx")
    run_pass(settings)
    # a correction arrives later: it replaces the first version
    equipment_august(inbox / "装备8月（更正）.xlsx", received=dt.datetime(2021, 9, 9, 16), signed=("12000", "500"))
    # and a stale copy of an even older draft is found afterwards: it must not win
    equipment_august(inbox / "装备8月（初稿）.xlsx", received=dt.datetime(2021, 9, 1, 8), signed=("1", "1"))
    run_pass(settings)

    assert query(settings, "SELECT original_name, status FROM ingested_file ORDER BY id") == [
        ("装备8月.xlsx", "superseded"), ("装备8月（初稿）.xlsx", "superseded"), ("装备8月（更正）.xlsx", "loaded")]
    assert [r[:8] for r in mart(settings, "mart_group_month")] == [
        ("equipment", "2021-08", 4, 3, 3, 2, 12500.0, 16200.0)]
    # timeliness counts the first accepted version (the stale draft arrived 2021-09-01)
    assert query(settings, "SELECT status FROM mart_submission WHERE subject = 'equipment' AND period = '2021-08'") == [
        ("on_time",)]
    # history keeps every version's rows
    assert query(settings, "SELECT COUNT(*) FROM fact_signing") == [(6,)]


def test_oversized_file_is_refused_while_the_rest_of_the_pass_completes(settings: Settings) -> None:
    inbox = settings.inbox / "月报"
    corn_august(inbox / "玉米8月.xlsx")
    bomb = equipment_august(inbox / "巨大范围.xlsx")
    _add_far_cell(bomb)
    assert bomb.stat().st_size < 20_000

    summary = run_pass(settings)

    assert sorted((f.name, f.status) for f in summary.files) == [("巨大范围.xlsx", "rejected"), ("玉米8月.xlsx", "loaded")]
    message = query(settings, "SELECT message FROM file_finding f JOIN ingested_file i ON i.id = f.file_id "
                              "WHERE i.original_name = '巨大范围.xlsx'")
    assert message == [("工作表中有数据的范围异常（到第 1048576 行、第 16384 列），已拒绝读取。",)]


def _add_far_cell(path: Path) -> None:
    """Rewrite a workbook so its first sheet has a value at XFD1048576 (a classic hostile file)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_files_still_being_copied_and_office_lock_files_are_left_alone(settings: Settings) -> None:
    inbox = settings.inbox / "月报"
    corn_august(inbox / "玉米8月.xlsx")  # arrived long ago (mtime 2021)
    fresh = equipment_august(inbox / "装备8月.xlsx", received=dt.datetime.now())  # still being written
    fresh_stamp = dt.datetime.now().timestamp()
    import os
    os.utime(fresh, (fresh_stamp, fresh_stamp))
    for name in ("~$玉米8月.xlsx", ".~lock.玉米8月.xlsx#", "~WRL0001.tmp"):
        (inbox / name).write_bytes(b"lock")

    summary = ingest(root=str(settings.root), warehouse_url=settings.warehouse_url, settle_seconds=60)

    assert [(f.name, f.status) for f in summary.files] == [("玉米8月.xlsx", "loaded")]
    assert sorted(p.name for p in inbox.iterdir()) == sorted(["装备8月.xlsx", "~$玉米8月.xlsx", ".~lock.玉米8月.xlsx#",
                                                               "~WRL0001.tmp"])


def test_rejected_file_explanation_is_mailed_to_its_submitter_once(settings: Settings) -> None:
    from email import policy
    from email.parser import BytesParser

    energy_august_with_errors(settings.inbox / "月报" / "能源8月.xlsx")  # 填报人 张海涛
    run_pass(settings)
    run_pass(settings)  # nothing new: no second mail
    mails = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in settings.outbox.glob("*.eml")]
    assert len(mails) == 1
    mail = mails[0]
    assert (str(mail["To"]), str(mail["Cc"])) == ("张海涛 <zhanghaitao@example.cn>",
                                                  "高建华 <gaojianhua@example.cn>, 何婷 <heting@example.cn>")
    assert str(mail["Subject"]) == "【退回】能源8月.xlsx 未通过校验，请修改后重新报送"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "有 4 处问题，未能入库" in body
    lines = body.replace("\r\n", "\n").split("\n\n")
    assert lines[0] == "张海涛同志：" and lines[-2:] == ["兴安盟经济技术开发区投资促进局", "2021年9月8日\n"]
    assert "附件《能源8月_错误说明.xlsx》是文件副本" in body
    assert "1. 工作表“对接企业”第2行E列（对接日期）：对接日期 2021-07-30 不在报告月份 2021-08 之内。" in body
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename() == "能源8月_错误说明.xlsx"  # the clerk's own name, not the stored copy's
    explanation = next(settings.rejected.rglob("*_错误说明.xlsx"))
    assert attachment.get_content() == explanation.read_bytes()
