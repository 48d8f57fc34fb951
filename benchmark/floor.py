"""The floor: python-calamine rows → one DataFrame per sheet kind → one bulk load. No validation.

What the machine can do at best for the same zone-year; the pipeline is measured against it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from python_calamine import CalamineWorkbook


def load_floor(inbox: Path, url: str) -> dict[str, float]:
    """Read every workbook's rows and bulk-load them as raw text tables; returns timings."""
    started = time.perf_counter()
    rows: dict[str, list[list[object]]] = {}
    for path in sorted(inbox.rglob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            data = book.get_sheet_by_name(name).to_python()
            rows.setdefault(name, []).extend([[path.name, *map(str, r)] for r in data[1:]])
    read = time.perf_counter()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for name, table in rows.items():
            width = max(len(r) for r in table)
            frame = pd.DataFrame([r + [""] * (width - len(r)) for r in table],
                                 columns=[f"c{i}" for i in range(width)])
            frame.to_sql(f"floor_{abs(hash(name)) % 10_000}", conn, if_exists="replace", index=False,
                         method=_copy if engine.dialect.name == "postgresql" else None)
    engine.dispose()
    return {"read_s": read - started, "load_s": time.perf_counter() - read, "total_s": time.perf_counter() - started}


def _copy(table, conn, keys, data_iter) -> None:
    """pandas to_sql method: COPY FROM STDIN on PostgreSQL, the fastest bulk load it has."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, keys)))
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in data_iter:
            copy.write_row(row)
