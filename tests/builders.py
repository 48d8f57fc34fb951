"""Tiny workbook builders for tests: write exactly the rows a test states, nothing more."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from zhaoshang.contract import LIBRARY, MONTHLY
from zhaoshang.settings import TIMEZONE as SHANGHAI

CONTACT_HEADERS = [c.header for c in MONTHLY.sheet("对接企业").columns]
SIGNING_HEADERS = [c.header for c in MONTHLY.sheet("签约项目").columns]
EXPENSE_HEADERS = [c.header for c in MONTHLY.sheet("经费支出").columns]
LIBRARY_HEADERS = [c.header for c in LIBRARY.sheet("项目库").columns]


def workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]], received: dt.datetime | None = None) -> Path:
    """Write `sheets` (name → rows from A1) to an .xlsx; set its arrival time if given."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    if received is not None:
        stamp = received.replace(tzinfo=SHANGHAI).timestamp() if received.tzinfo is None else received.timestamp()
        os.utime(path, (stamp, stamp))
    return path


def monthly(path: Path, group: str, month: object, contacts=(), signings=(), expenses=(),
            reporter: str = "刘志强", received: dt.datetime | None = None, extra: dict | None = None) -> Path:
    """A monthly report with the given data rows under the contract's headers."""
    sheets = {
        "基本信息": [["项目", "内容"], ["工作组", group], ["报告月份", month], ["填报人", reporter]],
        "对接企业": [CONTACT_HEADERS, *contacts],
        "签约项目": [SIGNING_HEADERS, *signings],
        "经费支出": [EXPENSE_HEADERS, *expenses],
        **(extra or {}),
    }
    return workbook(path, sheets, received)


def contact(enterprise: str, day: object, person: str = "陈静", stage: str = "初步接触", region: str = "吉林省",
            method: str = "上门拜访", intended: object = None) -> list[object]:
    """One 对接企业 row."""
    return [1, enterprise, region, "汽车配套", day, method, person, "洽谈合作", intended, stage, None]


def signing(project: str, enterprise: str, day: object, wan: object, agreement: str = "投资协议") -> list[object]:
    """One 签约项目 row."""
    return [1, project, enterprise, day, agreement, wan, "汽车配套", None, None, None, None]


def expense(day: object, yuan: object, category: str = "交通", handler: str = "陈静") -> list[object]:
    """One 经费支出 row."""
    return [1, day, category, yuan, "外出招商", handler]
