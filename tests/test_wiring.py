"""The wiring loads: every prefect.yaml entrypoint imports to a flow, every suite matches the contract."""

from __future__ import annotations

import importlib
import json

import yaml
from prefect import Flow

from zhaoshang.intake.validation import EXPECTATIONS_DIR, all_sheets, load_suite, suite_document
from zhaoshang.settings import PROJECT_DIR


def deployments() -> list[dict]:
    return yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]


def test_every_entrypoint_imports_to_a_flow() -> None:
    names = []
    for deployment in deployments():
        path, _, attribute = deployment["entrypoint"].partition(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, attribute), Flow), deployment["name"]
        names.append(deployment["name"])
    assert names == ["inbox-ingest", "reminders", "weekly-digest", "monthly-bulletin", "half-year-appraisal"]


def test_every_schedule_is_in_shanghai_time() -> None:
    for deployment in deployments():
        for schedule in deployment.get("schedules", []):
            assert schedule["timezone"] == "Asia/Shanghai", deployment["name"]


def test_committed_suites_equal_what_the_contract_implies() -> None:
    # if this fails: run `zhaoshang suites`, then review the JSON diff like any rule change
    committed = {p.stem for p in EXPECTATIONS_DIR.glob("*.json")}
    assert committed == {s.suite for s in all_sheets()}
    for sheet in all_sheets():
        on_disk = json.loads((EXPECTATIONS_DIR / f"{sheet.suite}.json").read_text(encoding="utf-8"))
        assert on_disk == suite_document(sheet), sheet.suite


def test_every_expectation_carries_a_chinese_message_and_loads_in_gx() -> None:
    for sheet in all_sheets():
        suite = load_suite(sheet.suite)
        assert len(suite.expectations) == len(suite_document(sheet)["expectations"])
        for expectation in suite.expectations:
            assert expectation.meta["message"] and expectation.meta["fix"]
