"""A synthetic zone-year for the benchmark: 3 groups × 12 monthly reports, N projects × 52 weekly workbooks.

Workbooks are written by a minimal .xlsx writer (inline strings) so that generating
10,000 files takes seconds; they are valid workbooks that Excel, calamine and openpyxl read.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from transforms.contract import PROCEDURES
from transforms.kinds.library import CONTRACT as LIBRARY
from transforms.kinds.monthly import CONTRACT as MONTHLY
from transforms.kinds.weekly import CONTRACT as WEEKLY
from zhaoshang.settings import TIMEZONE

GROUPS = (("energy", "清洁能源和新型建材组"), ("equipment", "装备制造组"), ("corn", "玉米深加工组"))
LEADERS = ("林振华", "韩卫东", "宋志刚")
FIRST_MONDAY = dt.date(2021, 1, 4)

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '{sheets}</Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
              '</Relationships>')


def cadre(i: int) -> str:
    """The synthetic liaison cadre of project i."""
    return f"包联人{i:04d}"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _sheet_xml(rows: list[list[object]]) -> str:
    body = "".join(
        f'<row r="{r + 1}">' + "".join(_cell(f"{column_letter(c)}{r + 1}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{body}</sheetData></worksheet>")


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], received: dt.datetime) -> None:
    """A minimal valid .xlsx with the given sheets, stamped with its arrival time."""
    names = list(sheets)
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(names)))
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                + "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
                + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(names)))
            + "</Relationships>")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, name in enumerate(names):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", _sheet_xml(sheets[name]))
    stamp = received.replace(tzinfo=TIMEZONE).timestamp()
    os.utime(path, (stamp, stamp))


def write_config(path: Path, root: Path, projects: int) -> Path:
    """A zone configuration with the three groups, the leaders and one liaison cadre per project."""
    lines = [f'[paths]\nroot = "{root}"\n', '[zone]\nreporting_start = "2021-01"\nweekly_start = "2021-01-04"\n'
             'key_regions = ["吉林省", "北京市", "上海市"]\n']
    for code, name in GROUPS:
        lines.append(f'[[groups]]\ncode = "{code}"\nname = "{name}"\nbudget_yuan = 100000\n'
                     f'key_enterprises = ["中粮集团", "金风科技"]\n')
        lines.append(f'[[people]]\nname = "秘书{code}"\ngroup = "{code}"\nroles = ["secretary", "member"]\n'
                     f'email = "sec-{code}@example.cn"\n')
    for leader in LEADERS:
        lines.append(f'[[people]]\nname = "{leader}"\nroles = ["leader"]\nemail = "{leader}@example.cn"\n'.replace(
            f'"{leader}@', '"leader@'))
    for i in range(projects):
        lines.append(f'[[people]]\nname = "{cadre(i)}"\ngroup = "{GROUPS[i % 3][0]}"\nroles = ["cadre"]\n'
                     f'email = "c{i}@example.cn"\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def library_rows(projects: int) -> list[list[object]]:
    """The project library: one 在建 project per cadre."""
    header = [c.header for c in LIBRARY.sheet("项目库").columns]
    return [header] + [[f"P{i:05d}", f"项目{i:05d}", f"建设单位{i:05d}有限公司", GROUPS[i % 3][1], "风电装备", "新建",
                        50000, "2021-03-01", "2023-12-31", cadre(i), LEADERS[i % 3], "在建"] for i in range(projects)]


def weekly_sheets(i: int, week: int, rng: random.Random) -> dict[str, list[list[object]]]:
    """One cadre's weekly workbook: 1 progress row, 9 procedures, 0–2 problems (~15 rows)."""
    monday = FIRST_MONDAY + dt.timedelta(weeks=week)
    code = f"P{i:05d}"
    progress = [c.header for c in WEEKLY.sheet("项目进展").columns]
    procedures = [c.header for c in WEEKLY.sheet("手续办理").columns]
    problems = [c.header for c in WEEKLY.sheet("问题清单").columns]
    rows_proc = []
    for k, name in enumerate(PROCEDURES[:9]):
        planned = FIRST_MONDAY + dt.timedelta(weeks=4 * k + 2)
        done = planned <= monday and (i + k) % 4 != 0
        rows_proc.append([code, name, "已办结" if done else "办理中", planned.isoformat(),
                          min(planned, monday).isoformat() if done else None, None])
    sheets = {
        "基本信息": [["项目", "内容"], ["包联人", cadre(i)], ["报告周", monday.isoformat()]],
        "项目进展": [progress, [code, f"项目{i:05d}", f"建设单位{i:05d}有限公司", "新建", 50000, 100,
                             100 * (week + 1), "主体施工", "主体结构施工", None, None, LEADERS[i % 3]]],
        "手续办理": [procedures, *rows_proc],
        "问题清单": [problems] + [[code, f"问题{i}-{p}", "用地手续", LEADERS[p % 3], "自然资源局",
                               (monday + dt.timedelta(days=30)).isoformat(), "推进中", None]
                              for p in range(rng.choice((0, 0, 1, 2)))],
    }
    return sheets


def monthly_sheets(group: int, month: int, rng: random.Random) -> dict[str, list[list[object]]]:
    """One group's monthly report: ~10 contacts, 1–2 signings, 5 expenses."""
    code, name = GROUPS[group]
    day = lambda d: f"2021-{month:02d}-{d:02d}"  # noqa: E731
    sheet = MONTHLY.sheet
    return {
        "基本信息": [["项目", "内容"], ["工作组", name], ["报告月份", f"2021-{month:02d}"], ["填报人", f"秘书{code}"]],
        "对接企业": [[c.header for c in sheet("对接企业").columns]] + [
            [k + 1, f"企业{group}-{month}-{k}", "吉林省", "风电装备", day(k + 1), "上门拜访", f"秘书{code}", "洽谈", 1000,
             "深入洽谈", None] for k in range(10)],
        "签约项目": [[c.header for c in sheet("签约项目").columns]] + [
            [k + 1, f"签约项目{group}-{month}-{k}", f"企业{group}-{month}-{k}", day(20), "投资协议", 20000, "风电装备",
             None, None, None, None] for k in range(rng.choice((1, 2)))],
        "经费支出": [[c.header for c in sheet("经费支出").columns]] + [
            [k + 1, day(k + 3), "交通", 800, "外出招商", f"秘书{code}"] for k in range(5)],
    }


def write_year(root: Path, projects: int = 200, weeks: int = 52, seed: int = 2021) -> int:
    """Fill root/inbox with the zone-year; returns the number of files written."""
    rng = random.Random(seed)
    inbox = root / "inbox"
    write_xlsx(inbox / "项目库" / "项目库.xlsx", {"项目库": library_rows(projects)}, dt.datetime(2021, 1, 2, 9))
    count = 1
    for month in range(1, 13):
        for group in range(3):
            received = dt.datetime(2021 + month // 12, month % 12 + 1, 3, 10)
            write_xlsx(inbox / "月报" / f"{month:02d}_{GROUPS[group][0]}.xlsx", monthly_sheets(group, month, rng), received)
            count += 1
    for week in range(weeks):
        received = dt.datetime.combine(FIRST_MONDAY + dt.timedelta(weeks=week + 1), dt.time(9))
        for i in range(projects):
            write_xlsx(inbox / "周报" / f"w{week:02d}_{i:05d}.xlsx", weekly_sheets(i, week, rng), received)
            count += 1
    return count
