"""Tiny workbook builders for tests: write exactly the rows a test states, nothing more."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from transforms.kinds.library import CONTRACT as LIBRARY
from transforms.kinds.monthly import CONTRACT as MONTHLY
from transforms.kinds.review import CONTRACT as REVIEW
from transforms.kinds.weekly import CONTRACT as WEEKLY
from zhaoshang.settings import TIMEZONE as SHANGHAI

CONTACT_HEADERS = [c.header for c in MONTHLY.sheet("对接企业").columns]
SIGNING_HEADERS = [c.header for c in MONTHLY.sheet("签约项目").columns]
EXPENSE_HEADERS = [c.header for c in MONTHLY.sheet("经费支出").columns]
LIBRARY_HEADERS = [c.header for c in LIBRARY.sheet("项目库").columns]


# Excel writes a character XML cannot carry (a control character, a carriage return) as `_xHHHH_`,
# and a literal `_xHHHH_` typed into a cell as `_x005F_xHHHH_`.
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def as_typed(text: str) -> str:
    """`text` as Excel stores what was typed into a cell (readers decode it back to `text`)."""
    text = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(), text)
    return _NOT_IN_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]], received: dt.datetime | None = None,
             typed: bool = False) -> Path:
    """Write `sheets` (name → rows from A1) to an .xlsx; set its arrival time if given.

    `typed=True` stores every string as text typed into the cell would be: "=SUM(A1)" is text,
    not a formula, and control characters are kept (as Excel encodes them).
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            if not typed:
                sheet.append(list(row))
                continue
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=as_typed(value) if isinstance(value, str) else value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl takes "=…" for a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    if received is not None:
        stamp = received.replace(tzinfo=SHANGHAI).timestamp() if received.tzinfo is None else received.timestamp()
        os.utime(path, (stamp, stamp))
    return path


def monthly(path: Path, group: str, month: object, contacts=(), signings=(), expenses=(),
            reporter: str = "刘志强", received: dt.datetime | None = None, extra: dict | None = None,
            typed: bool = False) -> Path:
    """A monthly report with the given data rows under the contract's headers."""
    sheets = {
        "基本信息": [["项目", "内容"], ["工作组", group], ["报告月份", month], ["填报人", reporter]],
        "对接企业": [CONTACT_HEADERS, *contacts],
        "签约项目": [SIGNING_HEADERS, *signings],
        "经费支出": [EXPENSE_HEADERS, *expenses],
        **(extra or {}),
    }
    return workbook(path, sheets, received, typed)


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


PROGRESS_HEADERS = [c.header for c in WEEKLY.sheet("项目进展").columns]
PROCEDURE_HEADERS = [c.header for c in WEEKLY.sheet("手续办理").columns]
PROBLEM_HEADERS = [c.header for c in WEEKLY.sheet("问题清单").columns]


def weekly(path: Path, cadre: str, week: object, progress=(), procedures=(), problems=None,
           received: dt.datetime | None = None, typed: bool = False) -> Path:
    """A weekly project report; `problems=None` leaves out the optional 问题清单 sheet."""
    sheets = {
        "基本信息": [["项目", "内容"], ["包联人", cadre], ["报告周", week]],
        "项目进展": [PROGRESS_HEADERS, *progress],
        "手续办理": [PROCEDURE_HEADERS, *procedures],
    }
    if problems is not None:
        sheets["问题清单"] = [PROBLEM_HEADERS, *problems]
    return workbook(path, sheets, received, typed)


def progress(code: str, week_wan: object, cum_wan: object, stage: str = "主体施工", planned: object = 50000,
             name: str = "风电装备项目", builder: str = "兴安风电有限公司", leader: str = "林振华") -> list[object]:
    """One 项目进展 row."""
    return [code, name, builder, "新建", planned, week_wan, cum_wan, stage, "主体结构施工", None, None, leader]


def procedure(code: str, name: str, status: str, planned: object = None, done: object = None) -> list[object]:
    """One 手续办理 row."""
    return [code, name, status, planned, done, None]


def problem(code: str, text: str, deadline: object, status: str = "推进中", category: str = "用地手续",
            leader: str = "韩卫东") -> list[object]:
    """One 问题清单 row."""
    return [code, text, category, leader, "自然资源局", deadline, status, None]


def library(path: Path, rows, received: dt.datetime | None = None) -> Path:
    """A project-library snapshot."""
    return workbook(path, {"项目库": [LIBRARY_HEADERS, *rows]}, received)


def project(code: str, cadre: str = "李明远", status: str = "在建", group: str = "清洁能源和新型建材组",
            name: str = "风电装备项目", planned: object = 50000, leader: str = "林振华") -> list[object]:
    """One 项目库 row."""
    return [code, name, "兴安风电有限公司", group, "风电装备", "新建", planned, None, None, cadre, leader, status]


REVIEW_HEADERS = [c.header for c in REVIEW.sheet("评议得分").columns]


def review(path: Path, rows, received: dt.datetime | None = None) -> Path:
    """A half-year review-score workbook: rows of (考核期, 姓名, 工作组, 评议人, 评议得分, 评议意见)."""
    return workbook(path, {"评议得分": [REVIEW_HEADERS, *rows]}, received)
