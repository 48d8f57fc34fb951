"""Names of stored copies: nothing from a submitted name can steer where a copy goes or break the write."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from zhaoshang.intake.inbox import readable_name, safe_name, stored_name

ARRIVED = dt.datetime(2021, 9, 3, 10, 0)


@pytest.mark.parametrize(("name", "safe"), [
    ("..\\..\\x.xlsx", "_.._x.xlsx"),
    ("C:\\Windows\\System32\\装备6月.xlsx", "C__Windows_System32_装备6月.xlsx"),
    ("能源\x01\x1b[31m7月\x7f.xlsx", "能源__[31m7月_.xlsx"),
    ('CON<装备>:"5月"|?*.xlsx', "CON_装备___5月____.xlsx"),
    ("...", "未命名"),
])
def test_safe_names(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_long_chinese_names_fit_the_filesystem_with_the_extension_kept() -> None:
    name = "清洁能源和新型建材组二〇二一年八月份招商引资工作月度报告" * 2 + "最终版.xlsx"  # 67 characters, 197 bytes
    stored = stored_name(name, ARRIVED, "ab" * 32)
    explanation = stored.removesuffix(".xlsx") + "_错误说明.xlsx"
    assert stored.endswith(".xlsx") and len(f".{explanation}.tmp".encode()) <= 255


def test_a_gbk_name_from_a_windows_zip_is_read_as_chinese() -> None:
    on_disk = os.fsdecode("玉米8月月报.xlsx".encode("gbk"))  # what os.scandir returns for such a name
    assert readable_name(on_disk) == "玉米8月月报.xlsx"
    assert safe_name(on_disk) == "玉米8月月报.xlsx"
