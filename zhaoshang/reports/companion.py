"""Writing a report's companion workbook (数据来源) in a child interpreter.

A digest's companion workbook is about 50,000 cells: half a second of xlsxwriter, all of it
holding the interpreter's lock. Written on a thread, it only took turns with the charts and
the .docx; written here, in a second interpreter started beside them, it takes the other core.
The child imports nothing but xlsxwriter (0.08 s to start) and receives plain Python values
(reports.common turns a frame's values into them, and works out the column widths), so a value
that cannot be written fails in the report's process, before anything starts.

    python -m zhaoshang.reports.companion SHEETS.pickle TARGET.xlsx
"""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from collections.abc import Callable, Sequence

from zhaoshang.visible import visible_controls

Sheet = tuple[str, list[str], list[float], list[list[object]]]  # name, headers, column widths, columns of values


def write_workbook(target: str, sheets: Sequence[Sheet], per_char: float) -> None:
    """One sheet per entry, in order: a bold frozen header, the columns at their widths, text that does
    not fit its column wrapped; rows streamed (constant memory)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    formats = {"header": book.add_format({"bold": True}), "wrapped": book.add_format({"text_wrap": True, "valign": "top"}),
               "date": book.add_format({"num_format": "yyyy-mm-dd"}),
               "time": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})}
    for name, headers, widths, columns in sheets:
        sheet = book.add_worksheet(name[:31])
        sheet.freeze_panes(1, 0)
        for j, (header, width) in enumerate(zip(headers, widths)):
            sheet.set_column(j, j, width)
            sheet.write_string(0, j, visible_controls(header), formats["header"])
        cell = _cell_writer(sheet, formats)
        for i, row in enumerate(zip(*columns), 1):
            for j, value in enumerate(row):
                cell(i, j, value, isinstance(value, str) and ("\n" in value or len(value) * per_char > widths[j]))
    book.close()


def _cell_writer(sheet, formats) -> Callable[[int, int, object, bool], None]:
    """How one plain value is written: text always as a string (never a formula), control characters
    shown; booleans, numbers and dates as what they are; None left blank."""
    def write(row: int, column: int, value: object, wrapped: bool) -> None:
        if isinstance(value, str):
            sheet.write_string(row, column, visible_controls(value), formats["wrapped"] if wrapped else None)
        elif value is None:
            return
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value)
        elif isinstance(value, float):
            sheet.write_number(row, column, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, column, value, formats["time"])
        else:
            sheet.write_datetime(row, column, value, formats["date"])
    return write


if __name__ == "__main__":
    source, destination = sys.argv[1:3]
    with open(source, "rb") as handle:
        job = pickle.load(handle)
    write_workbook(destination, job["sheets"], job["per_char"])
