"""Every command checks its period arguments before anything starts: one Chinese line, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhaoshang.arguments import BadArgument, half_argument, month_argument, week_argument

PROJECT_DIR = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from zhaoshang.cli import app; app()"]


@pytest.mark.parametrize("text", ["2021-8", "2021年8月", "202108", "2021-13", ""])
def test_a_month_not_written_yyyy_mm_is_refused(text: str) -> None:
    with pytest.raises(BadArgument) as error:
        month_argument(text)
    assert str(error.value) == f"月份“{text}”无法识别：请写作 YYYY-MM，如 2021-08。"


def test_a_week_that_is_not_a_monday_names_the_monday_meant() -> None:
    with pytest.raises(BadArgument) as error:
        week_argument("2021-08-31")  # a Tuesday: its week began on Monday 30 August
    assert str(error.value) == "2021-08-31 不是星期一：一周以星期一的日期表示，该日所在的周请写 2021-08-30。"
    with pytest.raises(BadArgument, match="周“2021-02-30”无法识别"):
        week_argument("2021-02-30")
    assert week_argument("2021-08-30").isoformat() == "2021-08-30"


def test_half_years() -> None:
    assert half_argument("2021H2") == "2021H2"
    with pytest.raises(BadArgument, match="考核期“2021上半年”无法识别"):
        half_argument("2021上半年")


@pytest.mark.parametrize(("args", "line"), [
    (["status", "--week", "2021-08-31"], "参数有误：2021-08-31 不是星期一：一周以星期一的日期表示，该日所在的周请写 2021-08-30。"),
    (["status", "--month", "2021年8月"], "参数有误：月份“2021年8月”无法识别：请写作 YYYY-MM，如 2021-08。"),
    (["bulletin", "--month", "2021-8"], "参数有误：月份“2021-8”无法识别：请写作 YYYY-MM，如 2021-08。"),
    (["digest", "--week", "2021-09-01"], "参数有误：2021-09-01 不是星期一：一周以星期一的日期表示，该日所在的周请写 2021-08-30。"),
    (["appraisal", "--half", "2021H3"], "参数有误：考核期“2021H3”无法识别：请写作 YYYYH1（上半年）或 YYYYH2（下半年），如 2021H1。"),
    (["remind", "--at", "2021-09-03 09:00"], "参数有误：时间“2021-09-03 09:00”无法识别：请写作 YYYY-MM-DDTHH:MM，如 2021-09-03T09:00。"),
])
def test_a_bad_argument_is_one_line_exit_2_and_nothing_started(args: list[str], line: str, tmp_path: Path) -> None:
    env = dict(os.environ, ZHAOSHANG_ROOT=str(tmp_path / "share"), COLUMNS="200")
    done = subprocess.run(CLI + args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr.strip()) == (2, "", line)
    assert not (tmp_path / "share").exists()  # no warehouse opened, no folder made, no flow run
