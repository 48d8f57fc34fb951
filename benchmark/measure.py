"""One measurement in its own process (so its peak memory is its own): prints a JSON line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def start_up() -> float:
    """What a worker process pays once before its first flow: imports (Great Expectations among
    them) and Prefect's API (here its temporary local server, started by a trivial flow)."""
    from prefect import flow

    from zhaoshang.intake import validation

    started = time.perf_counter()
    validation.load_suite("weekly_progress")  # imports Great Expectations
    validation._context()

    @flow(name="warm-up")
    def warm_up() -> None:
        return None

    warm_up()
    return time.perf_counter() - started


def empty_flow_run() -> float:
    """Prefect's own cost of one flow run that does nothing (creating the run, its states, and at
    the end waiting for the run's heartbeat thread, which sleeps in whole seconds)."""
    from prefect import flow

    @flow(name="empty")
    def empty() -> None:
        return None

    started = time.perf_counter()
    empty()
    return time.perf_counter() - started


def heartbeats(on: str):
    """Prefect's settings as deployed ("on": a flow run emits heartbeats, the default) or without
    heartbeats ("off"), to show a run's own time apart from the heartbeat thread's 1-second sleep."""
    from contextlib import nullcontext

    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return nullcontext() if on == "on" else temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def pipeline_pass(root: str, url: str, heartbeat: str = "on") -> dict:
    """One ingest pass through the real Prefect flow; flow time measured inside the process, after
    start-up, beside the cost of an empty flow run in the same process."""
    from flows.ingest import ingest

    ready = start_up()
    with heartbeats(heartbeat):
        empty_s = empty_flow_run()
        started = time.perf_counter()
        summary = ingest(root=root, warehouse_url=url)
        flow_s = time.perf_counter() - started
    return {"flow_s": flow_s, "start_up_s": ready, "empty_flow_s": empty_s,
            "files": len(summary.files), "loaded": summary.count("loaded"), "rejected": summary.count("rejected")}


def reports(root: str, url: str, month: str, week: str, heartbeat: str = "on") -> dict:
    """Render the monthly bulletin and the weekly digest from the loaded year (after start-up, which
    here also imports what the reports import when they first draw and write)."""
    import docxtpl  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import PIL.Image  # noqa: F401
    import xlsxwriter  # noqa: F401

    from flows.bulletin import bulletin
    from flows.digest import digest

    start_up()
    with heartbeats(heartbeat):
        empty_s = empty_flow_run()
        started = time.perf_counter()
        bulletin(month=month, root=root, warehouse_url=url)
        middle = time.perf_counter()
        digest(week=week, root=root, warehouse_url=url)
        ended = time.perf_counter()
    return {"bulletin_s": middle - started, "digest_s": ended - middle, "empty_flow_s": empty_s}


def floor(inbox: str, url: str) -> dict:
    from benchmark.floor import load_floor

    return load_floor(Path(inbox), url)


def naive(inbox: str, url: str, sample: str) -> dict:
    from benchmark.naive import load_naive

    files = sorted(Path(inbox).rglob("*.xlsx"))
    step = max(1, len(files) // int(sample))
    return load_naive(files[::step][: int(sample)], url)


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    process_started = time.perf_counter()
    result = {"pipeline": pipeline_pass, "reports": reports, "floor": floor, "naive": naive}[what](*args)
    result["process_s"] = time.perf_counter() - process_started
    print("RESULT " + json.dumps(result), flush=True)
