"""Wall time of each command as a person runs it: a cold process, on the demo share.

    .venv/bin/python -m benchmark.commands [--repeat 5]

Builds the demo share in a temporary folder, then times each command `--repeat` times as a new
process (median and worst), first with no Prefect server running (the flow commands then start
Prefect's temporary server), then with `zhaoshang serve` running (the flow commands report to
its API). Writes benchmark/results-commands.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.builders import progress, weekly
from zhaoshang.settings import PROJECT_DIR

ZHAOSHANG = str(PROJECT_DIR / ".venv" / "bin" / "zhaoshang")
COMMANDS = [
    ("--help", ["--help"]),
    ("status --month 2021-02", ["status", "--month", "2021-02"]),
    ("forms", ["forms", "--out", "{tmp}/forms"]),
    ("a bad argument (bulletin --month 2021-8)", ["bulletin", "--month", "2021-8"]),
    ("bulletin --month 2021-08", ["bulletin", "--month", "2021-08"]),
    ("digest --week 2021-08-30", ["digest", "--week", "2021-08-30"]),
    ("ingest (one new weekly file)", ["ingest"]),
]


def one_weekly_file(root: Path, n: int) -> None:
    """A new weekly report of 李明远 (KFQ2021-001, 已签约) for the week of 2021-09-06, different each time."""
    weekly(root / "inbox" / "周报" / f"bench-{n}.xlsx", "李明远", "2021-09-06", received=dt.datetime(2021, 9, 13, 9),
           progress=[progress("KFQ2021-001", 10, 1400 + n, stage="前期手续")])


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([ZHAOSHANG, *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=600)
    return time.perf_counter() - started


def measure(env: dict[str, str], tmp: Path, root: Path, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for label, args in COMMANDS:
        runs = []
        for n in range(repeat):
            if args == ["ingest"]:
                one_weekly_file(root, len(times) * 100 + n)
            runs.append(timed([a.replace("{tmp}", str(tmp)) for a in args], env, tmp))
        times[label] = runs
    return times


def serving(env: dict[str, str], tmp: Path, root: Path, port: int = 4377, settle: float = 20):
    """`zhaoshang serve` on the demo share, once its API answers and `settle` seconds more have
    passed (its watcher's warm-up, ~3 s of CPU, is over before the first command is timed)."""
    page = f"127.0.0.1:{port + 1}"
    process = subprocess.Popen([ZHAOSHANG, "serve", "--port", str(port), "--listen", page], env=env, cwd=tmp,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    announced = root / ".zhaoshang" / "prefect-api.json"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            url = json.loads(announced.read_text(encoding="utf-8"))["url"]
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                time.sleep(settle)
                return process
        except (OSError, ValueError, KeyError):
            time.sleep(1)
    process.kill()
    raise RuntimeError("serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zs-commands-") as name:
        tmp = Path(name)
        root = tmp / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHAOSHANG_", "PREFECT_API_URL"))}
        env.update(ZHAOSHANG_ROOT=str(root), PREFECT_HOME=str(tmp / "prefect-home"))
        subprocess.run([ZHAOSHANG, "demo", "--root", str(root)], env=env, cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
        env["ZHAOSHANG_TODAY"] = "2021-09-14"
        alone = measure(env, tmp, root, args.repeat)
        load_alone = os.getloadavg()[1]
        server = serving(env, tmp, root)
        try:
            served = measure(env, tmp, root, args.repeat)
            load_served = os.getloadavg()[1]
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=120)
        shutil.rmtree(root / "reports", ignore_errors=True)
    lines = [f"## Commands, cold process, demo share — {dt.date.today()}, median (worst) of {args.repeat}", "",
             f"Machine load (5-minute average, {os.cpu_count()} cores) at the end of each column: "
             f"{load_alone:.1f} and {load_served:.1f}"
             + (" — above the core count: other work shared the machine." if max(load_alone, load_served) > os.cpu_count()
                else "."), "",
             "| command | no server running | with `zhaoshang serve` running |", "|---|---|---|"]
    for label, _ in COMMANDS:
        a, b = alone[label], served[label]
        lines.append(f"| `{label}` | {statistics.median(a):.2f} s ({max(a):.2f} s) "
                     f"| {statistics.median(b):.2f} s ({max(b):.2f} s) |")
    text = "\n".join(lines)
    print(text)
    (PROJECT_DIR / "benchmark" / "results-commands.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
