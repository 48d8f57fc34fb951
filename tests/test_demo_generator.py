"""The demo inbox: which files, which sheets, which received times, and sane content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from python_calamine import CalamineWorkbook

from zhaoshang import contract
from zhaoshang.demo import DEMO_TODAY, write_demo_inbox
from zhaoshang.demo.generate import plan_demo_year
from zhaoshang.settings import Settings, load_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHLY_SHEETS = [s.name for s in contract.MONTHLY.sheets]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(env={"ZHAOSHANG_ROOT": str(tmp_path_factory.mktemp("demo"))})


@pytest.fixture(scope="module")
def written(settings: Settings) -> list[Path]:
    return write_demo_inbox(settings)


def received(path: Path) -> dt.datetime:
    """The file's mtime as Asia/Shanghai local time."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, SHANGHAI).replace(tzinfo=None)


def rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_files_per_folder(settings: Settings, written: list[Path]) -> None:
    # 月报: 3 groups × 8 months = 24, minus energy 2021-04 (never sent) = 23, plus the
    # energy 2021-06 draft, the equipment 2021-07 更正, the misplaced weekly report and
    # the text file named .xlsx = 27.  项目库: one snapshot.
    monthly = sorted((settings.inbox / "月报").iterdir())
    library = sorted((settings.inbox / "项目库").iterdir())
    assert len(monthly) == 27
    assert [p.name for p in library] == ["项目库_2021-06.xlsx"]
    assert sorted(written) == sorted(monthly + library)
    assert not any("2021年04月_清洁能源和新型建材组" in p.name for p in monthly)
    assert DEMO_TODAY == dt.date(2021, 9, 8)  # two days after the August deadline (Monday 09-06)


def test_workbooks_open_with_the_expected_sheets(settings: Settings) -> None:
    folder = settings.inbox / "月报"
    reports = sorted(folder.glob("2021年*_招商工作月报*.xlsx"))
    assert len(reports) == 25
    for path in reports:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
        assert names[:4] == MONTHLY_SHEETS and names[4:] in ([], [contract.INSTRUCTIONS_SHEET]), path.name
    library = CalamineWorkbook.from_path(str(settings.inbox / "项目库" / "项目库_2021-06.xlsx"))
    assert library.sheet_names == ["项目库"]
    weekly = CalamineWorkbook.from_path(str(folder / "项目周报_李明远_2021-08-30.xlsx"))
    assert weekly.sheet_names == ["基本信息", "项目进展", "手续办理"]
    with pytest.raises(Exception):
        CalamineWorkbook.from_path(str(folder / "2021年08月_对接企业名单.xlsx"))


def test_received_times(settings: Settings) -> None:
    folder = settings.inbox / "月报"
    assert received(settings.inbox / "项目库" / "项目库_2021-06.xlsx") == dt.datetime(2021, 6, 1, 9, 0)
    assert received(folder / "2021年07月_装备制造组_招商工作月报.xlsx") == dt.datetime(2021, 8, 3, 10, 0)
    assert received(folder / "2021年07月_装备制造组_招商工作月报_更正.xlsx") == dt.datetime(2021, 8, 6, 16, 0)
    assert received(folder / "2021年03月_玉米深加工组_招商工作月报.xlsx") == dt.datetime(2021, 4, 9, 10, 20)


def test_headers_follow_the_contract(settings: Settings) -> None:
    library = rows(settings.inbox / "项目库" / "项目库_2021-06.xlsx", "项目库")
    assert library[0] == [c.header for c in contract.LIBRARY.sheets[0].columns]
    assert [r[0] for r in library[1:]] == [f"KFQ2021-{i:03d}" for i in range(1, 16)]
    old = rows(settings.inbox / "月报" / "2021年02月_装备制造组_招商工作月报(旧模板).xlsx", "对接企业")
    header = next(r for r in old if "序号" in r)
    assert "对接方式" not in header and "企业名称" in header


def test_correction_changes_only_the_signed_amount(settings: Settings) -> None:
    # The first version has an extra zero in 协议投资额 (row 2, column F of 签约项目).
    folder = settings.inbox / "月报"
    first = rows(folder / "2021年07月_装备制造组_招商工作月报.xlsx", "签约项目")
    fixed = rows(folder / "2021年07月_装备制造组_招商工作月报_更正.xlsx", "签约项目")
    header_at = next(i for i, r in enumerate(fixed) if "序号" in r)
    assert first[header_at + 1][5] == 10 * fixed[header_at + 1][5]
    assert rows(folder / "2021年07月_装备制造组_招商工作月报.xlsx", "对接企业") == rows(
        folder / "2021年07月_装备制造组_招商工作月报_更正.xlsx", "对接企业")


def test_same_seed_same_bytes(settings: Settings, written: list[Path], tmp_path: Path) -> None:
    again = write_demo_inbox(load_settings(env={"ZHAOSHANG_ROOT": str(tmp_path)}))
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(settings.root) for p in written]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(again, written))


def test_planned_content_obeys_the_rules(settings: Settings) -> None:
    year = plan_demo_year(settings)
    roster = {p.name for p in settings.people}
    signed: dict[str, set[str]] = {g.code: set() for g in settings.groups}
    for report in sorted(year.reports, key=lambda r: r.month):
        code = report.team.group.code
        assert 3 <= len(report.contacts) <= 9 and len(report.signings) <= 2 and 2 <= len(report.expenses) <= 6
        dates = [r["contact_date"] for r in report.contacts] + [r["signed_on"] for r in report.signings]
        dates += [r["spent_on"] for r in report.expenses]
        assert all(d.year == 2021 and d.month == report.month for d in dates)
        people = {r["contact_person"] for r in report.contacts} | {r["handler"] for r in report.expenses}
        assert people <= roster
        signed[code] |= {r["enterprise"] for r in report.signings}
        assert {r["enterprise"] for r in report.contacts if r["stage"] == "已签约"} <= signed[code]
    for group in settings.groups:
        reports = [rep for rep in year.reports if rep.team.group.code == group.code]
        spent = sum(r["amount_yuan"] for rep in reports for r in rep.expenses)
        # the brief: 40–80 % of the yearly budget spent by the end of August
        assert 0.4 * group.budget_yuan <= spent <= 0.8 * group.budget_yuan
