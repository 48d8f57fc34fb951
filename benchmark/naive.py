"""The naive script a user would write: per file, pandas.read_excel (openpyxl), one GX validation, to_sql.

Run on a sample of files and extrapolated per file (a whole zone-year takes ~20 minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa


def load_naive(files: list[Path], url: str) -> dict[str, float]:
    """Per file: read every sheet with openpyxl, validate each with GX, append with to_sql; returns timings."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    batch_definition = (context.data_sources.add_pandas("naive").add_dataframe_asset("rows")
                        .add_batch_definition_whole_dataframe("all"))
    suite = gx.ExpectationSuite(name="naive", expectations=[
        gx.expectations.ExpectTableRowCountToBeBetween(min_value=0)])
    engine = sa.create_engine(url)
    started = time.perf_counter()
    for path in files:
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", dtype=str)
        main = max(sheets.values(), key=len)
        batch_definition.get_batch(batch_parameters={"dataframe": main}).validate(suite)  # one validation per file
        for name, frame in sheets.items():
            frame.columns = [f"c{i}" for i in range(len(frame.columns))]
            frame.to_sql(f"naive_{abs(hash(name)) % 10_000}", engine, if_exists="append", index=False)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"files": len(files), "total_s": elapsed, "per_file_ms": 1000 * elapsed / max(1, len(files))}
