"""The reliability figures the README prints, as the tests measure them.

    ZHAOSHANG_FIGURES=/tmp/figures .venv/bin/python -m pytest -n 2 --dist loadfile \\
        tests/test_corpus.py tests/test_reliability.py tests/test_hostile_strings.py
    .venv/bin/python -m tests.figures /tmp/figures          # the Markdown table

Each test calls `record(name, value)` with what it has just asserted or measured; without
ZHAOSHANG_FIGURES nothing is written. One JSON file per name, so that test workers never
write the same file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

FOLDER_VARIABLE = "ZHAOSHANG_FIGURES"
WAREHOUSES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def record(name: str, value: object) -> None:
    """Keep one measured figure (a JSON value) under `name`, when ZHAOSHANG_FIGURES names a folder."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        return
    path = Path(folder) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def warehouse_kind(url: str) -> str:
    """"sqlite" or "postgresql", from a SQLAlchemy URL."""
    return url.split(":", 1)[0].split("+", 1)[0]


def recorded(folder: Path) -> dict[str, object]:
    """Every figure kept in `folder`, by name."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def _matching(figures: dict[str, object], prefix: str) -> list:
    """The values of every figure whose name starts with `prefix` (one per warehouse or case)."""
    return [value for name, value in figures.items() if name.startswith(prefix)]


def table(figures: dict[str, object]) -> str:
    """The README's table of figures (Markdown); a figure no test recorded shows as "not measured"."""
    corpus, bounds = _matching(figures, "corpus["), _matching(figures, "hostile-file[")
    again = _matching(figures, "re-runs[")
    crashes = [(name.split("[")[1].rstrip("]"), v) for name, v in figures.items() if name.startswith("kill-9[")]
    together, strings = _matching(figures, "concurrent["), _matching(figures, "hostile-strings[")

    def per_warehouse(values: list, key: str) -> str:
        found = sorted({v[key] for v in values})
        return " / ".join(map(str, found)) if found else "not measured"

    rows = [
        ("files tried (bad-input corpus, one pass per warehouse)",
         f"{per_warehouse(corpus, 'files')} files × {len(corpus)} warehouses", "`tests/test_corpus.py`"),
        ("rows read / lost (read − loaded − rejected − skipped, every file)",
         f"{per_warehouse(corpus, 'rows_read')} / {per_warehouse(corpus, 'rows_lost')}", "`tests/test_corpus.py`"),
        ("duplicates after 5 passes + a rebuild from the archive (marts identical)",
         per_warehouse(again, "duplicates"), "`tests/test_reliability.py`"),
        ("`kill -9` points survived (killed while storing; warehouse never partial, next pass completes)",
         ", ".join(f"{v['killed']} of {v['attempts']} on {WAREHOUSES.get(kind, kind)}" for kind, v in crashes)
         or "not measured",
         "`tests/test_reliability.py`"),
        ("concurrent ingest passes over one inbox / files or rows loaded twice",
         f"{per_warehouse(together, 'passes')} at once × {len(together)} warehouses / "
         f"{per_warehouse(together, 'duplicates')}" if together else "not measured", "`tests/test_reliability.py`"),
        ("hostile files, each read alone in a fresh interpreter: refused, wall time, peak memory",
         f"{sum(v['refused'] for v in bounds)} of {len(bounds)} refused (the rest read safely), "
         f"{min(v['seconds'] for v in bounds):.1f}–{max(v['seconds'] for v in bounds):.1f} s, "
         f"≤ {max(v['peak_mb'] for v in bounds):.0f} MB" if bounds else "not measured", "`tests/test_corpus.py`"),
        ("hostile strings: through every document / refused at their cell (NUL) / formula cells written",
         f"{per_warehouse(strings, 'strings')} strings: {per_warehouse(strings, 'shown')} / "
         f"{per_warehouse(strings, 'refused')} / {per_warehouse(strings, 'formulas')}" if strings else "not measured",
         "`tests/test_hostile_strings.py`"),
    ]
    lines = ["| figure | measured | test |", "|---|---|---|"]
    return "\n".join(lines + [f"| {what} | {value} | {test} |" for what, value, test in rows])


if __name__ == "__main__":
    print(table(recorded(Path(sys.argv[1] if len(sys.argv) > 1 else os.environ[FOLDER_VARIABLE]))))
