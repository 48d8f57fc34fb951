"""What the office asks every morning: what was due, what came in on time, late, missing or rejected."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, text

from transforms.status_words import STATUS_WORDS


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
    return {status: int((frame["status"] == status).sum()) for status in STATUS_WORDS}

