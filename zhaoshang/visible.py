"""Submitted text as people are shown it: characters XML cannot carry made visible, never dropped.

A .docx or .xlsx is XML 1.0, which cannot hold most C0 control characters (\\x01, \\x08,
\\x1b …) nor U+FFFE/U+FFFF; HTML treats them as errors. Pasted into a cell, one would crash
the writer (openpyxl and python-docx refuse it) or vanish without a trace (docxtpl drops
it). So every document a person reads — explanation workbooks, reports and their companion
workbooks, the HTML part of a mail — shows each such character as the four characters
`\\x01` (U+FFFE as `\\ufffe`). The warehouse and the plain-text part of a mail keep the text
exactly. Tab, line feed and carriage return are legal XML and stay as they are.
"""

from __future__ import annotations

import re

UNSHOWABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# OOXML reads `_xHHHH_` inside a string as an escaped character; a literal one must
# itself be escaped as `_x005F_xHHHH_` or Excel shows the character instead.
OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def escape_code(char: str) -> str:
    """How one unshowable character is shown: `\\x01` below U+0100, `\\ufffe` above."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_unshowable(text: str) -> bool:
    """True when `text` holds a character XML 1.0 cannot carry."""
    return UNSHOWABLE.search(text) is not None


def visible_controls(text: str) -> str:
    """`text` with every character XML 1.0 cannot carry shown as its escape code (`\\x01`)."""
    return UNSHOWABLE.sub(lambda m: escape_code(m.group()), text) if has_unshowable(text) else text


def excel_string(text: str) -> str:
    """`text` as an .xlsx string cell must hold it for Excel to show `visible_controls(text)`."""
    return OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(), visible_controls(text))
