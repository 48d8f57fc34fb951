"""Files every report writes beside its .docx: the companion workbook (数据来源) and the digest's 挂图作战 picture."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image

from zhaoshang.reports.common import chinese_font, write_source_workbook
from zhaoshang.reports.grid_chart import COLOURS, DPI, HATCH, ROW_PX, WIDTH_PX, draw_grid, font_faces

# ── the companion workbook ──

def test_source_workbook_keeps_each_value_as_what_it_is(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "行号": [1, 2, 3],
        "text": ["=1+1", "a\x01b", None],
        "amount": [15500.5, float("nan"), 3.0],
        "exact": [Decimal("0.10"), None, Decimal("7")],
        "day": [dt.date(2021, 8, 30), None, dt.date(2021, 9, 5)],
        "at": [pd.Timestamp("2021-09-07 14:00"), pd.NaT, pd.Timestamp("2021-09-08 08:30:15")],
        "flag": [True, False, True],
    })
    path = write_source_workbook(tmp_path / "x_数据来源.xlsx", {"first": frame, "第二张": frame.head(1)})

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["first", "第二张"]
    ws = book["first"]
    assert [c.value for c in ws[1]] == ["行号", "text", "amount", "exact", "day", "at", "flag"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [1, "=1+1", 15500.5, 0.1, dt.datetime(2021, 8, 30), dt.datetime(2021, 9, 7, 14), True],
        [2, "a\\x01b", None, None, None, None, False],
        [3, None, 3, 7, dt.datetime(2021, 9, 5), dt.datetime(2021, 9, 8, 8, 30, 15), True],
    ]
    assert ws["B2"].data_type == "s"  # a string, not a formula
    assert (ws["E2"].number_format, ws["F2"].number_format) == ("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss")
    with zipfile.ZipFile(path) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")


def test_source_workbook_is_laid_out_to_be_read(tmp_path: Path) -> None:
    long = "需协调解决的问题描述" * 5  # 50 characters: 80 wide at 1.6 a character, more than the 60 allowed
    frame = pd.DataFrame({"code": ["P1", "P2"], "description": [long, "短\n两行"], "n": [1, 2]})
    ws = openpyxl.load_workbook(write_source_workbook(tmp_path / "y.xlsx", {"rows": frame}))["rows"]

    assert ws.freeze_panes == "A2"
    assert [c.font.b for c in ws[1]] == [True, True, True]
    assert [ws.column_dimensions[c].width for c in "ABC"] == pytest.approx([8.71, 60.71, 8.71], abs=0.01)
    assert [ws[c].alignment.wrap_text for c in ("B2", "B3", "A2", "C2")] == [True, True, None, None]


def test_a_failed_write_leaves_the_earlier_workbook(tmp_path: Path) -> None:
    path = write_source_workbook(tmp_path / "z.xlsx", {"rows": pd.DataFrame({"a": [1]})})
    class Unprintable:
        def __str__(self) -> str:
            raise RuntimeError("cannot be shown")

    with pytest.raises(RuntimeError, match="cannot be shown"):
        write_source_workbook(path, {"rows": pd.DataFrame({"a": [2, Unprintable()]})})
    assert openpyxl.load_workbook(path)["rows"]["A2"].value == 1
    assert [p.name for p in tmp_path.iterdir()] == ["z.xlsx"]


def test_a_workbook_the_child_cannot_write_leaves_the_earlier_one_and_no_trace(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    jobs = tmp_path / "jobs"
    jobs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(jobs))
    reports = tmp_path / "reports"
    path = write_source_workbook(reports / "w.xlsx", {"rows": pd.DataFrame({"a": [1]})})
    with pytest.raises(RuntimeError, match="InvalidWorksheetName"):  # xlsxwriter, in the child, refuses "[" in a sheet name
        write_source_workbook(path, {"rows[2]": pd.DataFrame({"a": [2]})})
    assert openpyxl.load_workbook(path)["rows"]["A2"].value == 1
    assert [p.name for p in reports.iterdir()] == ["w.xlsx"]
    assert list(jobs.iterdir()) == []


def test_report_files_get_the_permissions_of_the_share_not_owner_only(tmp_path: Path) -> None:
    import os
    import stat

    from zhaoshang.reports.common import replace_atomically

    previous = os.umask(0o022)
    try:
        workbook = write_source_workbook(tmp_path / "w.xlsx", {"rows": pd.DataFrame({"a": [1]})})
        document = replace_atomically(tmp_path / "r.docx", lambda tmp: tmp.write_bytes(b"docx"))
    finally:
        os.umask(previous)
    assert [stat.S_IMODE(p.stat().st_mode) for p in (workbook, document)] == [0o644, 0o644]


# ── the 挂图作战 picture ──

def runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive indices as (first, last) pairs: a 2-pixel line is one run."""
    cuts = np.flatnonzero(np.diff(indices) > 1)
    return list(zip(indices[np.r_[0, cuts + 1]].tolist(), indices[np.r_[cuts, len(indices) - 1]].tolist()))


def test_grid_picture_colours_each_cell_by_its_state(tmp_path: Path) -> None:
    states = ["done", "in_progress", "not_started", "overdue", "not_applicable", "missing"]
    grid = pd.DataFrame({"project_code": ["P1"] * 6 + ["P2"] * 6, "procedure": ["公司注册", "税务登记", "项目立项", "环评", "能评", "安评"] * 2,
                         "state": states + states[::-1], "note": ["", "", "", "超12天", "", ""] + [""] * 6})
    path = draw_grid(grid, {"P1": "风电装备项目", "P2": None}, tmp_path / "g.png", font_faces(chinese_font()))

    image = Image.open(path).convert("RGB")
    assert image.width == WIDTH_PX and round(image.info["dpi"][0]) == DPI

    pixels = np.asarray(image)
    grey = np.all(pixels == (0x7F, 0x7F, 0x7F), axis=2)
    rows = runs(np.flatnonzero(grey.sum(axis=1) > WIDTH_PX / 2))  # horizontal grid lines
    columns = runs(np.flatnonzero(grey[rows[0][1] + ROW_PX // 2]))  # vertical ones, crossing the first row
    assert len(rows) == 3 and len(columns) == 7

    def colours_in_cell(row: int, column: int) -> set[tuple[int, ...]]:
        """The colours inside one cell, its border excluded."""
        inside = pixels[rows[row][1] + 1:rows[row + 1][0], columns[column][1] + 1:columns[column + 1][0]]
        return set(map(tuple, inside.reshape(-1, 3).tolist()))

    rgb = {state: tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) for state, colour in COLOURS.items()}
    hatch = tuple(int(HATCH[i:i + 2], 16) for i in (1, 3, 5))

    for column, state in enumerate(states):
        found = colours_in_cell(0, column)
        if state == "not_applicable":
            assert {rgb[state], hatch} <= found
        elif state == "overdue":  # "超12天" in white over red
            assert rgb[state] in found and (255, 255, 255) in found
        else:
            assert found == {rgb[state]}
    assert colours_in_cell(1, 0) == {rgb["missing"]} and colours_in_cell(1, 5) == {rgb["done"]}


def test_an_empty_sheet_gets_its_header_and_the_narrowest_width(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_source_workbook(tmp_path / "e.xlsx", {"none": pd.DataFrame({"a": []})}))["none"]
    assert [c.value for c in ws[1]] == ["a"] and ws.max_row == 1
    assert ws.column_dimensions["A"].width == pytest.approx(8.71, abs=0.01)
