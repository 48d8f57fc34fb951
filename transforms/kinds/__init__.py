"""The registry of submission kinds: one module per kind, each holding everything that is that kind's.

    月报 monthly.py · 周报 weekly.py · 项目库 library.py · 述职评议 review.py

The rest of the code loops over `KINDS` (in inbox order) and asks a kind (`kind_named`); adding a
kind is adding a module that subclasses `base.Kind` and a line below (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from transforms.contract import Workbook, header_key
from transforms.kinds import library, monthly, review, weekly
from transforms.kinds.base import Calendar, Kind, Known, Person

__all__ = ["KINDS", "Calendar", "Kind", "Known", "Person", "guess_kind", "kind_named", "registered", "workbooks"]

KINDS: dict[str, Kind] = {k.name: k for k in (monthly.KIND, weekly.KIND, library.KIND, review.KIND)}

HEADER_PEEK = 15  # rows looked at for a table's headers when the sheet names say nothing


def kind_named(name: str) -> Kind:
    """The registered kind called `name` (also its inbox folder)."""
    return KINDS[name]


def workbooks() -> dict[str, Workbook]:
    """Every registered kind's workbook contract, by kind."""
    return {name: kind.contract for name, kind in KINDS.items()}


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """Register a kind for the duration of a block (a kind defined outside the product, e.g. in a test)."""
    KINDS[kind.name] = kind
    try:
        yield kind
    finally:
        KINDS.pop(kind.name, None)


def guess_kind(sheets: Mapping[str, Sequence[Sequence[object]]]) -> str | None:
    """Which kind of workbook these sheets look like: by a sheet name only one kind has, else by a
    table's required headers (three or more) in the first rows of any sheet — the kind whose table
    has the most of them (a library's table also holds three of a weekly report's headers)."""
    kinds = list(KINDS.values())
    signatures = {header_key(name): kind.name for kind in kinds for name in kind.signature_sheets(kinds)}
    for name in sheets:
        if found := signatures.get(header_key(name)):
            return found
    for rows in sheets.values():
        keys = {header_key(v) for row in rows[:HEADER_PEEK] for v in row}
        best, most = None, 2
        for kind in kinds:
            table = next((s for s in kind.contract.sheets if s.layout == "table"), None)
            found = sum(header_key(c.header) in keys for c in table.columns if c.required) if table else 0
            if found > most:
                best, most = kind.name, found
        if best:
            return best
    return None
