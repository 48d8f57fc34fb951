"""The benchmark: a synthetic zone-year through the pipeline, against the floor and the naive script.

    ./run benchmark [--scale N] [--weeks W] [--repeat R] [--naive-sample S] [--databases sqlite,postgresql]
                    [--full-only]

Flow times are measured after the process's start-up (imports, Great Expectations, Prefect's
API), which is reported beside them.

Each measurement runs in its own process (its peak RSS is read with wait4); times are the
median of R runs. Results are printed as a table and written to benchmark/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from benchmark.synthetic import FIRST_MONDAY, weekly_sheets, write_config, write_xlsx, write_year

PROJECT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("ZHAOSHANG_TEST_PG_URL", "postgresql+psycopg://root@/postgres?host=/var/run/postgresql")


def io_stall_s() -> float:
    """Seconds, since boot, in which every task of the machine waited on the disk (Linux pressure stall
    information; 0 where the kernel does not report it). A run that took this long only because the
    virtual disk stalled shows it here."""
    try:
        full = Path("/proc/pressure/io").read_text().splitlines()[1]
    except (OSError, IndexError):
        return 0.0
    return int(full.rpartition("total=")[2]) / 1e6


def child(what: str, *args: str, env: dict[str, str]) -> dict:
    """Run one measurement process; its JSON result plus wall time, peak RSS (MB) and the seconds the
    machine's disk stalled everything meanwhile."""
    stalled = io_stall_s()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:  # a file, not a pipe: a helper server the child starts may outlive it
        process = subprocess.Popen([sys.executable, "-m", "benchmark.measure", what, *args], cwd=PROJECT, env=env,
                                   stdout=out, stderr=subprocess.DEVNULL, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        output = out.read()
    line = next((l for l in output.splitlines() if l.startswith("RESULT ")), None)
    if status != 0 or line is None:
        raise RuntimeError(f"{what} failed: {output[-2000:]}")
    return {**json.loads(line[7:]), "wall_s": time.perf_counter() - started, "peak_mb": usage.ru_maxrss / 1024,
            "io_stall_s": io_stall_s() - stalled}


CREATED: list[str] = []  # PostgreSQL databases this run made, dropped when it ends


def database(kind: str, folder: Path) -> str:
    """A fresh, empty warehouse URL of the given kind (a SQLite file in `folder`, or a new PostgreSQL database)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / f'w-{uuid.uuid4().hex[:8]}.sqlite'}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"zs_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    CREATED.append(name)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return url


def drop_databases() -> None:
    """Drop the PostgreSQL databases this run made (each holds a loaded year or more)."""
    if not CREATED:
        return
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        while CREATED:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{CREATED.pop()}" WITH (FORCE)')
    admin.dispose()


def fresh_root(source: Path, folder: Path) -> Path:
    """A copy of the generated share (inbox only, arrival times kept), flushed to disk: files staff
    dropped over the year are on disk, not 10,000 dirty pages the kernel writes back during the run."""
    root = folder / f"root-{uuid.uuid4().hex[:8]}"
    shutil.copytree(source / "inbox", root / "inbox", copy_function=shutil.copy2)
    os.sync()
    return root


def one_new_weekly_file(root: Path, projects: int, weeks: int) -> None:
    """The next week's report of project 0 lands in a share that already holds the year."""
    import random

    received = dt.datetime.combine(FIRST_MONDAY + dt.timedelta(weeks=weeks + 1), dt.time(9))
    write_xlsx(root / "inbox" / "周报" / f"w{weeks:02d}_00000.xlsx", weekly_sheets(0, weeks, random.Random(1)), received)


def inflate_history(url: str, first_copy: int, last_copy: int) -> None:
    """Add copies first..last of the year's ledger rows (as superseded history): the incremental pass must not care."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for copy in range(first_copy, last_copy + 1):
            conn.exec_driver_sql(
                "INSERT INTO ingested_file (sha256, original_name, kind, subject, period, status, rows_read, rows_loaded,"
                " rows_rejected, rows_skipped, errors, warnings, received_at, processed_at, stored_path)"
                f" SELECT substr(sha256, 1, 56) || '{copy:08d}', original_name, kind, subject || '#{copy}', period,"
                " 'superseded', rows_read, rows_loaded, rows_rejected, rows_skipped, errors, warnings, received_at,"
                " processed_at, stored_path FROM ingested_file WHERE status = 'loaded'")
    engine.dispose()


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(kind: str, source: Path, folder: Path, args: argparse.Namespace, env: dict[str, str]) -> dict:
    """Every measurement on one warehouse kind."""
    full = []
    for _ in range(args.repeat):
        root, url = fresh_root(source, folder), database(kind, folder)
        full.append(child("pipeline", str(root), url, env=env))
    floor = [child("floor", str(source / "inbox"), database(kind, folder), env=env) for _ in range(args.repeat)]
    if args.full_only:
        return {"full": full, "floor": floor}
    incremental = {}
    for step, factor in enumerate((1, 10, 100)):
        if factor > 1:
            inflate_history(url, 10 ** (step - 1), factor - 1)  # 1× → 10× → 100× the year's ledger
        one_new_weekly_file(root, args.projects, args.weeks + step)
        incremental[f"{factor}×"] = child("pipeline", str(root), url, env=env)
    one_new_weekly_file(root, args.projects, args.weeks + 3)
    incremental["100×, without heartbeats"] = child("pipeline", str(root), url, "off", env=env)
    reports = [child("reports", str(root), url, "2021-08", "2021-08-30", env=env) for _ in range(args.repeat)]
    quiet_reports = [child("reports", str(root), url, "2021-08", "2021-08-30", "off", env=env) for _ in range(args.repeat)]
    naive = child("naive", str(source / "inbox"), database(kind, folder), str(args.naive_sample), env=env)
    return {"full": full, "incremental": incremental, "reports": reports, "quiet_reports": quiet_reports, "floor": floor,
            "naive": naive}


def table(kind: str, files: int, m: dict) -> list[str]:
    """Markdown lines for one warehouse kind."""
    full_flow, full_wall = median(m["full"], "flow_s"), median(m["full"], "wall_s")
    floor_s = median(m["floor"], "total_s")
    lines = [f"### {kind}", "", "| measurement | median | peak memory |", "|---|---|---|",
             f"| full rebuild ({files} files), flow time | {full_flow:.1f} s | {max(r['peak_mb'] for r in m['full']):.0f} MB |",
             "| full rebuild, each run (the disk stalled the whole machine meanwhile) | "
             + ", ".join(f"{r['flow_s']:.1f} s ({r['io_stall_s']:.1f} s)" for r in m["full"]) + " | |",
             f"| full rebuild, whole process (start-up {median(m['full'], 'start_up_s'):.1f} s included) "
             f"| {full_wall:.1f} s | |",
             f"| floor (calamine → DataFrame → bulk load) | {floor_s:.1f} s | {max(r['peak_mb'] for r in m['floor']):.0f} MB |"]
    ratios = [f"pipeline ÷ floor = {full_flow / floor_s:.1f}× (target ≤ 2.5×)"]
    if "naive" in m:
        naive_s = m["naive"]["per_file_ms"] * files / 1000
        lines.append(f"| naive (read_excel+GX+to_sql per file), {m['naive']['per_file_ms']:.1f} ms/file × {files} "
                     f"(extrapolated from {m['naive']['files']} files) | {naive_s:.0f} s | {m['naive']['peak_mb']:.0f} MB |")
        ratios.append(f"naive ÷ pipeline = {naive_s / full_flow:.1f}× (target ≥ 50×)")
    for factor, run in m.get("incremental", {}).items():
        lines.append(f"| incremental: 1 new file, history {factor} | {run['flow_s']:.2f} s flow; an empty flow run: "
                     f"{run['empty_flow_s']:.2f} s (+ {run['start_up_s']:.1f} s start-up; {run['wall_s']:.1f} s whole "
                     f"process) | {run['peak_mb']:.0f} MB |")
    for key, how in (("reports", ""), ("quiet_reports", ", no heartbeats")):
        if key in m:
            runs = m[key]
            lines += [f"| bulletin render (flow{how}) | {median(runs, 'bulletin_s'):.2f} s; an empty flow run: "
                      f"{median(runs, 'empty_flow_s'):.2f} s | {max(r['peak_mb'] for r in runs):.0f} MB |",
                      f"| digest render (flow{how}) | {median(runs, 'digest_s'):.2f} s | |"]
    return lines + ["", "Ratios: " + "; ".join(ratios) + ".", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="multiply the 200 projects")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--full-only", action="store_true", help="only the full rebuild and the floor (for big scales)")
    args = parser.parse_args()
    args.projects = 200 * args.scale
    with tempfile.TemporaryDirectory(prefix="zs-bench-") as tmp:
        folder = Path(tmp)
        source = folder / "year"
        files = write_year(source, args.projects, args.weeks)
        config = write_config(folder / "zone.toml", source, args.projects)
        env = {**os.environ, "ZHAOSHANG_CONFIG": str(config), "ZHAOSHANG_TODAY": "2022-01-10"}
        lines = [f"## Benchmark {dt.date.today()} — {args.projects} projects × {args.weeks} weeks, "
                 f"{files} files, median of {args.repeat}", ""]
        try:
            for kind in args.databases.split(","):
                lines += table(kind, files, measure(kind, source, folder, args, env))
        finally:
            drop_databases()
    text = "\n".join(lines)
    print(text)
    name = "results.md" if args.scale == 1 and not args.full_only else f"results-scale{args.scale}.md"
    (PROJECT / "benchmark" / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
