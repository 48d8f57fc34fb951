"""The naive script a user would write: per file, pandas.read_excel (openpyxl), one GX validation, to_sql.

The one validation is a real one: the file's biggest sheet, its headers renamed to the
contract's fields, checked against that sheet's committed suite in expectations/ (what a
user validating against the office's rules would run). Run on a sample of files and
extrapolated per file (a whole zone-year takes many minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from transforms.kinds import workbooks
from zhaoshang.intake import validation
from zhaoshang.settings import load_settings


def load_naive(files: list[Path], url: str) -> dict[str, float]:
    """Per file: read every sheet with openpyxl, validate the biggest with its suite, append all with to_sql."""
    parameters = validation.suite_parameters(load_settings())
    batch_definition = validation._context()
    engine = sa.create_engine(url)
    started = time.perf_counter()
    for path in files:
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        spec = workbooks()[path.parent.name]  # inbox/<kind>/<file>
        main = max((s for s in spec.sheets if s.name in sheets), key=lambda s: len(sheets[s.name]))
        frame = sheets[main.name].rename(columns={c.header: c.field for c in main.columns})
        batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
            validation.load_suite(main.suite), expectation_parameters=parameters)  # one validation per file
        for name, sheet in sheets.items():
            sheet.columns = [f"c{i}" for i in range(len(sheet.columns))]
            sheet.astype(str).to_sql(f"naive_{abs(hash(name)) % 10_000}", engine, if_exists="append", index=False)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"files": len(files), "total_s": elapsed, "per_file_ms": 1000 * elapsed / max(1, len(files))}
