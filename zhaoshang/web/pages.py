"""The page's queries: read-only, portable SQL over the marts and the ledger (SQLite and PostgreSQL).

Each returns plain dicts (one per row) for the templates; who may see which row is visibility.py's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, text

from transforms.status_words import FILE_STATUS_WORDS, STATUS_WORDS

REPORT_SUFFIXES = {".docx": "Word", ".pdf": "PDF", ".xlsx": "Excel"}
COMPANION_ENDINGS = ("_数据来源", "_计算明细")  # the bulletin's and digest's, the appraisal's


def _rows(engine: Engine, sql: str, **params) -> list[dict]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


def _minute(value: object) -> str:
    """A stored time as the office reads it: YYYY-MM-DD HH:MM (empty when there is none)."""
    return "" if value is None else str(value)[:16]


def submissions(engine: Engine, kind: str, period: str) -> list[dict]:
    """One row per due submission of `kind` for `period`, with its status word and times.

    `received` is the first accepted version's arrival, or for a rejected one its latest refused
    file's; `rejected_file` is that refused file's ledger id (its explanation is downloadable)."""
    rows = _rows(engine, """
        SELECT s.kind, s.subject, s.period, s.status, s.received_at, s.due_at,
               (SELECT MAX(f.id) FROM ingested_file f WHERE f.kind = s.kind AND f.subject = s.subject
                  AND f.period = s.period AND f.status = 'rejected') AS rejected_file,
               (SELECT MAX(f.received_at) FROM ingested_file f WHERE f.kind = s.kind AND f.subject = s.subject
                  AND f.period = s.period AND f.status = 'rejected') AS rejected_received
        FROM mart_submission s WHERE s.kind = :kind AND s.period = :period ORDER BY s.subject""",
                 kind=kind, period=period)
    for row in rows:
        if row["status"] == "missing" and row["rejected_file"] is not None:  # DESIGN §5: never 未报送
            row["status"] = "rejected"
        row["word"] = STATUS_WORDS[row["status"]]
        row["received"] = _minute(row["rejected_received"] if row["status"] == "rejected" else row["received_at"])
        row["due"] = _minute(row["due_at"])
    return rows


def latest_period(engine: Engine, kind: str, today: dt.date) -> str | None:
    """The latest period of `kind` already due by `today` (the page's default), else the earliest one."""
    rows = _rows(engine, """SELECT MAX(period) AS p FROM submission_due WHERE kind = :kind AND due_at <= :now
                            UNION ALL SELECT MIN(period) FROM submission_due WHERE kind = :kind""",
                 kind=kind, now=dt.datetime.combine(today, dt.time(23, 59)))
    return next((r["p"] for r in rows if r["p"]), None)


def periods(engine: Engine, kind: str) -> list[str]:
    """Every period of `kind` something was due for, oldest first."""
    return [r["period"] for r in _rows(engine, "SELECT DISTINCT period FROM submission_due WHERE kind = :kind "
                                                "ORDER BY period", kind=kind)]


def board(engine: Engine, week: dt.date) -> list[dict]:
    """The week's 挂图作战 board: one row per project that reported the week, with its group (from the
    latest library snapshot) and the names of its overdue procedures."""
    rows = _rows(engine, """
        SELECT m.project_code, m.project_name, m.cadre, m.leader, m.stage, m.planned_wan, m.invest_week_wan,
               m.invest_cum_wan, m.procedures_done, m.procedures_overdue, m.open_problems, m.file_id,
               (SELECT p.group_code FROM project_snapshot p WHERE p.project_code = m.project_code
                 ORDER BY p.snapshot_at DESC LIMIT 1) AS group_code
        FROM mart_project_week m WHERE m.week_start = :week ORDER BY m.project_code""", week=week)
    overdue = _rows(engine, """
        SELECT p.project_code, p.procedure, p.planned_on FROM fact_procedure_week p
        JOIN ingested_file f ON f.id = p.file_id AND f.status = 'loaded'
        WHERE p.week_start = :week AND p.planned_on < p.week_end AND p.status NOT IN ('已办结', '不涉及')
        ORDER BY p.project_code, p.planned_on""", week=week)
    for row in rows:
        row["overdue"] = [f"{o['procedure']}（计划 {str(o['planned_on'])[:10]}）" for o in overdue
                          if o["project_code"] == row["project_code"]]
    return rows


def board_weeks(engine: Engine) -> list[str]:
    """Every week some project reported, oldest first."""
    return [str(r["w"])[:10] for r in _rows(engine, "SELECT DISTINCT week_start AS w FROM mart_project_week ORDER BY w")]


def rejected_files(engine: Engine) -> list[dict]:
    """Every refused file, newest first, with its first problem and whether a later version was accepted."""
    rows = _rows(engine, """
        SELECT f.id, f.original_name, f.kind, f.subject, f.period, f.received_at, f.processed_at, f.errors,
               f.explanation_path, f.stored_path,
               (SELECT MIN(x.id) FROM file_finding x WHERE x.file_id = f.id AND x.severity = 'error') AS finding,
               (SELECT COUNT(*) FROM ingested_file g WHERE g.kind = f.kind AND g.subject = f.subject
                  AND g.period = f.period AND g.status IN ('loaded', 'superseded')) AS accepted_versions
        FROM ingested_file f WHERE f.status = 'rejected' ORDER BY f.received_at DESC, f.id DESC""")
    messages = {r["id"]: r for r in _rows(engine, """
        SELECT x.id, x.sheet, x.row, x.header, x.message FROM file_finding x JOIN ingested_file f ON f.id = x.file_id
        WHERE f.status = 'rejected' AND x.severity = 'error'""")}
    for row in rows:
        found = messages.get(row["finding"])
        where = "，".join(p for p in (found and found["sheet"], found and found["row"] and f"第{found['row']}行",
                                      found and found["header"]) if p) if found else ""
        row["problem"] = (f"{where}：{found['message']}" if where else found["message"]) if found else ""
        row["received"], row["processed"] = _minute(row["received_at"]), _minute(row["processed_at"])
        row["corrected"] = bool(row["accepted_versions"])
    return rows


def passes(engine: Engine, limit: int = 10) -> list[dict]:
    """The latest `limit` passes (by their run id), newest first, each with its files."""
    runs = _rows(engine, """SELECT run_id, MIN(processed_at) AS started, MAX(processed_at) AS ended, COUNT(*) AS files
                            FROM ingested_file GROUP BY run_id ORDER BY MAX(processed_at) DESC, MAX(id) DESC
                            LIMIT :limit""", limit=limit)
    if not runs:
        return []
    ids = {r["run_id"] for r in runs}
    files = _rows(engine, f"""
        SELECT id, run_id, original_name, kind, subject, period, status, rows_loaded, errors, warnings, received_at,
               processed_at, explanation_path FROM ingested_file
        WHERE run_id IN ({', '.join(f':r{i}' for i in range(len(ids)))}) {'OR run_id IS NULL' if None in ids else ''}
        ORDER BY id""", **{f"r{i}": r for i, r in enumerate(sorted(ids, key=str))})
    for f in files:
        f["status_zh"], f["received"] = FILE_STATUS_WORDS.get(f["status"], f["status"]), _minute(f["received_at"])
    for run in runs:
        run["started"], run["ended"] = _minute(run["started"]), _minute(run["ended"])
        run["rows"] = [f for f in files if f["run_id"] == run["run_id"]]
    return runs


def summary(rows: list[dict]) -> dict[str, int]:
    """How many of a pass's files ended which way (已入库 n · 已退回 m …), in FILE_STATUS_WORDS's order."""
    words = [FILE_STATUS_WORDS.get(f["status"], f["status"]) for f in rows]
    return {word: words.count(word) for word in dict.fromkeys([*FILE_STATUS_WORDS.values(), *words]) if word in words}


def ledger_file(engine: Engine, file_id: int) -> dict | None:
    """One ledger row (kind, subject and where its original and explanation lie), or None."""
    rows = _rows(engine, """SELECT id, original_name, kind, subject, period, status, stored_path, explanation_path
                            FROM ingested_file WHERE id = :id""", id=file_id)
    return rows[0] if rows else None


def report_files(reports: Path) -> list[Path]:
    """Every generated document under reports/ (.docx, .pdf, 数据来源 .xlsx; not the charts)."""
    return sorted(p for p in reports.rglob("*")
                  if p.is_file() and p.suffix in REPORT_SUFFIXES and not p.name.startswith(("~", ".")))


def report_title(path: Path) -> str:
    """The report a document belongs to: its name less the suffix and a companion's 数据来源/计算明细 ending
    (`2021年第8期招商引资工作通报.pdf` and `…_数据来源.xlsx` both belong to `2021年第8期招商引资工作通报`)."""
    stem = path.stem
    for ending in COMPANION_ENDINGS:
        if path.suffix == ".xlsx" and stem.endswith(ending):
            return stem.removesuffix(ending)
    return stem


def report_documents(reports: Path) -> list[dict]:
    """One row per report under reports/: its folder, title and the Word, PDF and 数据来源 files that exist
    for it (the PDF beside the .docx, with the same name); newest first, then the office-wide reports
    before the per-person ones."""
    found: dict[tuple[str, str], dict] = {}
    for path in report_files(reports):
        folder, title = path.parent.relative_to(reports).as_posix(), report_title(path)
        row = found.setdefault((folder, title), {"folder": folder, "title": title, "files": {}, "mtime": 0.0})
        which = "data" if path.suffix == ".xlsx" else path.suffix[1:]
        row["files"][which] = path
        row["mtime"] = max(row["mtime"], path.stat().st_mtime)
    return sorted(found.values(), key=lambda r: (-(r["mtime"] // 60), r["folder"].count("/"), r["folder"], r["title"]))
