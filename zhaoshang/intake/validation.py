"""The validation gate: Great Expectations suites (reviewed JSON in expectations/) per sheet kind.

Suites are generated from the contract (`suite_document`) and committed; a test keeps
the committed JSON equal to what the contract implies, so a reviewer reads a diff of
the JSON whenever a rule changes. Roster and group look-ups are suite parameters
(`{"$PARAMETER": "roster"}`), filled from the zone configuration at run time.

Validation runs once per sheet kind over every file of a pass (rows of all files in
one frame, keyed by `_key`), because one GX call costs ~100 ms whatever its size.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from transforms import kinds
from transforms.contract import REGIONS, Column, Sheet
from transforms.findings import Finding
from transforms.staging.sheets import StagedSheet
from transforms.staging.workbook import StagedWorkbook
from zhaoshang.settings import Settings

EXPECTATIONS_DIR = kinds.base.EXPECTATIONS_DIR  # the product kinds' suites
log = logging.getLogger(__name__)

_SEVERITY = {"critical": "error", "warning": "warning", "info": "warning"}


def _expectation(kind: str, column: Column, message: str, fix: str, **kwargs: object) -> dict:
    """One expectation as GX serialises it, with the Chinese message and fix in meta."""
    return {
        "type": kind,
        "kwargs": {"column": column.field, **kwargs},
        "meta": {"header": column.header, "message": message, "fix": fix},
        "severity": "critical",
    }


def column_expectations(column: Column) -> list[dict]:
    """The expectations one contract column implies."""
    out = []
    if column.required:
        out.append(_expectation("expect_column_values_to_not_be_null", column,
                                f"必填项“{column.header}”未填写。", f"请填写“{column.header}”。"))
    if column.type == "enum":
        out.append(_expectation("expect_column_values_to_be_in_set", column,
                                f"“{column.header}”的值不在可选范围内。",
                                "请从下拉列表中选择：" + "、".join(column.enum) + "。",
                                value_set=list(column.enum)))
    elif column.type == "region":
        out.append(_expectation("expect_column_values_to_be_in_set", column,
                                "所在地区不是省级行政区名称。",
                                "请填写省级行政区名称（如 吉林省、北京市、内蒙古自治区），境外企业填“境外”。",
                                value_set=list(REGIONS)))
    elif column.type == "person":
        out.append(_expectation("expect_column_values_to_be_in_set", column,
                                f"“{column.header}”不在人员名单中。",
                                "请填写人员名单中的姓名（核对错别字）；如是新同事，请联系投资促进局更新名单。",
                                value_set={"$PARAMETER": "roster"}))
    elif column.type == "group":
        out.append(_expectation("expect_column_values_to_be_in_set", column,
                                "工作组名称无法识别。",
                                "请填写工作组全称：" + "、".join(_DEFAULT_GROUP_HINT) + "。",
                                value_set={"$PARAMETER": "group_codes"}))
    elif column.type in ("wan", "yuan"):
        out.append(_expectation("expect_column_values_to_be_between", column,
                                f"“{column.header}”不能为负数。", "请填写不小于 0 的金额。", min_value=0))
    elif column.type == "score":
        out.append(_expectation("expect_column_values_to_be_between", column,
                                "评议得分应在 0–100 之间。", "请填写 0–100 之间的分数。", min_value=0, max_value=100))
    return out


_DEFAULT_GROUP_HINT = ("清洁能源和新型建材组", "装备制造组", "玉米深加工组")


def suite_document(sheet: Sheet) -> dict:
    """The reviewed JSON of a sheet's suite, as committed in expectations/."""
    return {
        "name": sheet.suite,
        "meta": {"sheet": sheet.name, "notes": "Generated from its kind's contract (transforms/kinds/); review changes in the diff."},
        "expectations": [e for c in sheet.columns for e in column_expectations(c)],
    }


def all_sheets() -> Iterable[Sheet]:
    """Every sheet of every workbook kind (a shared sheet such as 基本信息 once per kind)."""
    for kind in kinds.KINDS.values():
        yield from kind.contract.sheets


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    """(Re)write every suite's JSON from the contract; used when a rule changes."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in all_sheets():
        path = directory / f"{sheet.suite}.json"
        path.write_text(json.dumps(suite_document(sheet), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@cache
def _context():
    """An ephemeral GX context with one pandas data source (created once per process)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context.data_sources.add_pandas("submissions").add_dataframe_asset("rows").add_batch_definition_whole_dataframe("all")


@cache
def load_suite(name: str, directory: Path = EXPECTATIONS_DIR):
    """The committed suite `name` (from expectations/, or another kind's folder) as a GX ExpectationSuite."""
    import great_expectations as gx

    document = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    return gx.ExpectationSuite(**document)


def suite_parameters(settings: Settings) -> dict[str, list[str]]:
    """Run-time values of the suites' parameters, from the zone configuration."""
    return {"roster": [p.name for p in settings.people], "group_codes": [g.code for g in settings.groups],
            "group_names": [g.name for g in settings.groups]}


def validate_rows(frame: pd.DataFrame, suite_name: str, parameters: dict[str, list[str]],
                  directory: Path = EXPECTATIONS_DIR) -> list[tuple[int, str, dict]]:
    """Run a suite over rows keyed by `_key`; return (key, field, expectation meta+severity) per failing cell."""
    if frame.empty:
        return []
    suite = load_suite(suite_name, directory)
    present = set(frame.columns)
    missing_columns = {e.column for e in suite.expectations if getattr(e, "column", None) not in present}
    if missing_columns:
        # a required column absent from the file is reported by staging; validate what is there
        frame = frame.assign(**{c: None for c in missing_columns if c})
    batch = _context().get_batch(batch_parameters={"dataframe": frame})
    # Pass/fail first (half the cost: GX spends most of a call per expectation, more so listing
    # failing rows), then list the failing rows of only the expectations that failed.
    verdicts = batch.validate(suite, expectation_parameters=parameters, result_format={"result_format": "BOOLEAN_ONLY"})
    failed = {_identity(outcome.expectation_config) for outcome in verdicts.results if not outcome.success}
    if not failed:
        return []
    result = batch.validate(
        _failing_part(suite_name, frozenset(failed), directory),
        expectation_parameters=parameters,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["_key"],
                       "return_unexpected_index_query": False},
    )
    failures = []
    for outcome in result.results:
        config = outcome.expectation_config
        column = config.kwargs["column"]
        if column in missing_columns:
            continue
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(f"expectation {config.type} on {column} raised: {outcome.exception_info}")
        meta = dict(config.meta or {}) | {"severity": _SEVERITY.get(str(getattr(config, "severity", "critical")).split(".")[-1].lower(), "error")}
        for item in outcome.result.get("unexpected_index_list") or []:
            failures.append((int(item["_key"]), column, meta))
    return failures


def _identity(expectation) -> tuple[str, str | None, str]:
    """What tells one expectation of a suite from another: its type, column and message."""
    return expectation.type, expectation.kwargs.get("column"), (expectation.meta or {}).get("message", "")


@lru_cache(maxsize=64)
def _failing_part(suite_name: str, failed: frozenset[tuple[str, str | None, str]], directory: Path = EXPECTATIONS_DIR):
    """The expectations of suite `suite_name` that `failed` names, as a suite of their own."""
    import great_expectations as gx

    suite = load_suite(suite_name, directory)
    chosen = [e for e in suite.expectations if _identity(e.configuration) in failed]
    return gx.ExpectationSuite(name=f"{suite_name} (failed)", expectations=[copy.deepcopy(e) for e in chosen])


def suite_findings(staged: Sequence[StagedWorkbook], sheet: Sheet, parameters: dict[str, list[str]],
                   directory: Path = EXPECTATIONS_DIR) -> dict[int, list[Finding]]:
    """Validate one sheet kind across many staged files at once; findings per file index (the
    sheet's suite read from `directory`, its kind's expectations folder)."""
    parts = [(i, wb.sheets[sheet.name]) for i, wb in enumerate(staged) if sheet.name in wb.sheets]
    parts = [(i, part) for i, part in parts if part.record_count]
    if not parts:
        return {}
    rows = joined_frame([part.columns for _, part in parts])
    rows["_file"] = np.repeat([i for i, _ in parts], [part.record_count for _, part in parts])
    rows["_key"] = range(len(rows))
    out: dict[int, list[Finding]] = {}
    for key, field, meta in validate_rows(rows, sheet.suite, parameters, directory):
        record = rows.iloc[key]
        part = staged[int(record["_file"])].sheets[sheet.name]
        if field not in part.columns:
            continue  # this file lacks the whole column (another file of the pass has it): staging said so once
        row, col = _cell_of(part, int(record["_row"]), field)
        if (int(record["_row"]), field) in part.unreadable:
            continue  # staging already explained why this cell could not be read
        if part.layout_is_table and field not in part.positions:
            continue  # the whole column is missing from this file: staging reported it once
        value = record[field]
        shown = "" if value is None or value != value else _display_value(value)
        fix = meta.get("fix", "")
        suggestion = closest_allowed(shown, allowed_values(sheet.column(field), parameters))
        if suggestion:
            fix = f"是否应为“{suggestion}”？" + fix
        out.setdefault(int(record["_file"]), []).append(Finding(
            meta["severity"], part.name, row, col, meta.get("header", field), shown, meta["message"], fix,
        ))
    return out


def joined_frame(parts: Sequence[dict[str, list[object]]]) -> pd.DataFrame:
    """Many files' staged columns as one frame (a field a file lacks is empty on its rows)."""
    names = list(dict.fromkeys(name for columns in parts for name in columns))
    joined: dict[str, list[object]] = {name: [] for name in names}
    for columns in parts:
        count = len(columns["_row"])
        for name in names:
            joined[name].extend(columns.get(name) or [None] * count)
    return pd.DataFrame(joined)


def allowed_values(column: Column, parameters: dict[str, list[str]]) -> list[str]:
    """The values a set-valued column accepts (for suggestions); empty for other columns."""
    if column.type == "enum":
        return list(column.enum)
    if column.type == "region":
        return list(REGIONS)
    if column.type == "person":
        return parameters.get("roster", [])
    if column.type == "group":
        return parameters.get("group_names", [])
    return []


def closest_allowed(value: str, allowed: Sequence[str]) -> str | None:
    """The allowed value a misspelt one most likely meant (rapidfuzz), if any is close enough."""
    from rapidfuzz import fuzz, process

    if not value or not allowed:
        return None
    match = process.extractOne(value, allowed, scorer=fuzz.ratio, score_cutoff=50)
    return match[0] if match else None


def _cell_of(part: StagedSheet, row: int, field: str) -> tuple[int | None, int | None]:
    """Excel (row, col) of a field: per-field rows on form sheets, `_row` on tables."""
    position = part.positions.get(field)
    if isinstance(position, tuple):
        return position
    return (row or None), position


def _display_value(value: object) -> str:
    """A normalised value as text for the explanation."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
