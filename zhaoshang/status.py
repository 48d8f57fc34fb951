"""What the office asks every morning: what was due, what came in on time, late, missing or rejected."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, text

STATUS_ZH = {"on_time": "按时", "late": "逾期", "missing": "未报", "rejected": "被退回待更正"}


def submissions(engine: Engine, kind: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Rows of mart_submission (optionally one kind and period), with rejected-not-yet-corrected marked.

    A missing submission whose only file was rejected shows as "rejected" with the explanation's path.
    """
    where, params = [], {}
    if kind:
        where.append("s.kind = :kind")
        params["kind"] = kind
    if period:
        where.append("s.period = :period")
        params["period"] = period
    sql = f"""
        SELECT s.kind, s.subject, s.period, s.status, s.received_at, s.due_at,
               (SELECT MAX(f.explanation_path) FROM ingested_file f
                 WHERE f.kind = s.kind AND f.subject = s.subject AND f.period = s.period
                   AND f.status = 'rejected') AS rejected_explanation
        FROM mart_submission s {'WHERE ' + ' AND '.join(where) if where else ''}
        ORDER BY s.kind, s.period, s.subject"""
    with engine.connect() as conn:
        frame = pd.read_sql_query(text(sql), conn, params=params)
    frame["status"] = [("rejected" if s == "missing" and isinstance(x, str) and x else s)
                       for s, x in zip(frame["status"], frame["rejected_explanation"])]
    return frame


def unplaced_rejections(engine: Engine) -> pd.DataFrame:
    """Rejected files whose period could not even be read (no due row to attach to)."""
    sql = """SELECT original_name, kind, received_at, explanation_path FROM ingested_file
             WHERE status = 'rejected' AND (subject IS NULL OR period IS NULL) ORDER BY received_at"""
    with engine.connect() as conn:
        return pd.read_sql_query(text(sql), conn)


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many submissions in each status (all statuses present, zero if none)."""
    return {status: int((frame["status"] == status).sum()) for status in STATUS_ZH}


def last_flow_runs(names: tuple[str, ...] = ("ingest", "bulletin", "digest", "remind", "appraisal")) -> list[tuple[str, str, str]]:
    """(flow, state, start time) of each flow's latest run on the Prefect server (empty if unreachable)."""
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowFilter, FlowFilterName
        from prefect.client.schemas.sorting import FlowRunSort

        with get_client(sync_client=True) as client:
            rows = []
            for name in names:
                runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])),
                                             sort=FlowRunSort.START_TIME_DESC, limit=1)
                if runs:
                    start = runs[0].start_time
                    rows.append((name, runs[0].state_name or "", start.astimezone(dt.timezone(dt.timedelta(hours=8)))
                                 .strftime("%Y-%m-%d %H:%M") if start else ""))
                else:
                    rows.append((name, "从未运行", ""))
            return rows
    except Exception:  # noqa: BLE001 — status must print even when the server is down
        return []
