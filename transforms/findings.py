"""What the gate found wrong with a submission, cell by cell, in the submitter's words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in a submitted file.

    `row` and `col` are 1-based positions in the sheet as Excel shows them (row 7 is
    the seventh row, col 3 is column C), so a clerk can go straight to the cell; both
    are None for a problem with the whole file or sheet. `message` says what is wrong
    and `fix` how to put it right, both in Chinese.
    """

    severity: Severity
    sheet: str
    row: int | None
    col: int | None
    header: str
    value: str
    message: str
    fix: str = ""

    @property
    def cell(self) -> str:
        """Excel reference of the cell, e.g. "C7" (empty when not about one cell)."""
        if self.row is None or self.col is None:
            return ""
        return f"{column_letter(self.col)}{self.row}"

    def describe(self) -> str:
        """One line in Chinese naming sheet, row and column, for logs and mails."""
        where = f"工作表“{self.sheet}”" if self.sheet else "文件"
        if self.row is not None:
            where += f"第{self.row}行"
        if self.col is not None:
            where += f"{column_letter(self.col)}列"
        if self.header:
            where += f"（{self.header}）"
        return f"{where}：{self.message}"


def column_letter(col: int) -> str:
    """Excel column letters for a 1-based column number (1 → A, 28 → AB)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def file_error(message: str, fix: str = "") -> Finding:
    """A finding about the file as a whole (cannot be read, wrong kind, …)."""
    return Finding("error", "", None, None, "", "", message, fix)
