"""Login analysis throughput: events per second end to end, and the ratio to a plain DuckDB scan.

    .venv/bin/python benchmarks/logins.py            # 1M events, CSV and Parquet
    .venv/bin/python benchmarks/logins.py --with-10m # also 10M events (by hand: several minutes)
    .venv/bin/python benchmarks/logins.py --profile  # also the seconds of the shared tables and of the detections

For each size a synthetic day is generated (zhengan.checks.logins.synth) and, for CSV and Parquet, measured
in the same run, each repetition timing the baseline and then the full analysis (so that both see the same
machine load; the best of the repetitions is kept):
- baseline: DuckDB `SELECT count(*)` over the same file (a plain scan, as the issue names it), and a scan
  that touches every column (on Parquet `count(*)` reads only metadata, so that one is the fairer baseline);
- full: `zhengan.checks.logins.analyse.analyse` (read with quarantine, preparation with the offline country
  lookup, every detection, the result type with its observations and the inputs' SHA-256). Writing the output
  files is not timed.
It prints events/s of the full run, the ratios full / scan (the aim: <= 3x count(*), and >= 1M events/s
from CSV on a 2-core machine), the seconds of each stage (read, prepare, detect, results = the rest), the
load average before and after, and checks that every injected attack was found: the speed is of a correct run.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import duckdb

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.groundtruth import missed_attacks
from zhengan.checks.logins.synth import CSV_COLUMNS, generate

READERS = {"csv": "read_csv", "parquet": "read_parquet"}
COLUMNS = CSV_COLUMNS  # the columns synth writes


def scan_seconds(path: Path, format: str, every_column: bool = False) -> float:
    """`count(*)` as the issue names it, or a scan touching every column (sum of the text lengths)."""
    what = " + ".join(f'sum(length(CAST("{c}" AS VARCHAR)))' for c in COLUMNS) if every_column else "count(*)"
    connection = duckdb.connect()
    try:
        start = time.perf_counter()
        connection.execute(f"SELECT {what} FROM {READERS[format]}('{path}')").fetchall()
        return time.perf_counter() - start
    finally:
        connection.close()


def measure(path: Path, format: str, config: LoginConfig, repeat: int):
    """Best of `repeat` interleaved rounds of (count(*), all-column scan, full analysis)."""
    best = {"count": float("inf"), "every": float("inf"), "full": float("inf")}
    kept = None
    for _ in range(repeat):
        best["count"] = min(best["count"], scan_seconds(path, format))
        best["every"] = min(best["every"], scan_seconds(path, format, every_column=True))
        start = time.perf_counter()
        analysis = analyse([path], config, format=format)
        seconds = time.perf_counter() - start
        if seconds < best["full"]:
            best["full"], kept = seconds, analysis
    return best, kept


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--with-10m", action="store_true", help="also measure 10M events")
    parser.add_argument("--only-10m", action="store_true", help="measure 10M events only")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per measurement (best kept)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print the seconds of the shared tables and of the detections (one DuckDB statement)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated days here")
    arguments = parser.parse_args()
    sizes = [1_000_000] + ([10_000_000] if arguments.with_10m else [])
    if arguments.only_10m:
        sizes = [10_000_000]
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="zhengan-bench-"))
    print(f"cpus={os.cpu_count()} duckdb={duckdb.__version__} workdir={workdir}")
    print(
        f"{'events':>10} {'format':>8} {'count(*)':>9} {'all-col':>8} {'full s':>7} {'/count':>7} {'/allcol':>7} "
        f"{'events/s':>10} {'read':>6} {'prep':>6} {'detect':>6} {'result':>6} {'load':>9} missed"
    )
    for size in sizes:
        folder = workdir / f"day-{size}"
        if not (folder / "ground_truth.json").exists():
            generate(folder, size, seed=1, formats=("csv", "parquet"))
        truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
        config = LoginConfig.load(folder / "zhengan-logins.yaml")
        for format in ("csv", "parquet"):
            path = folder / f"logins.{format}"
            load_before = os.getloadavg()[0]
            best, analysis = measure(path, format, config, arguments.repeat)
            load_after = os.getloadavg()[0]
            t = analysis.timings
            rest = best["full"] - t["read"] - t["prepare"] - t["detect"]
            print(
                f"{analysis.events:>10} {format:>8} {best['count']:>9.3f} {best['every']:>8.3f} {best['full']:>7.2f} "
                f"{best['full'] / best['count']:>7.1f} {best['full'] / best['every']:>7.1f} "
                f"{analysis.events / best['full']:>10,.0f} {t['read']:>6.2f} {t['prepare']:>6.2f} "
                f"{t['detect']:>6.2f} {rest:>6.2f} {load_before:>4.1f}/{load_after:<4.1f} "
                f"{len(missed_attacks(analysis, truth, str(path), format))}",
                flush=True,
            )
            if arguments.profile:
                queries = {k: v for k, v in t.items() if k.startswith("logins.")}
                print("    " + "  ".join(f"{k.split('.', 1)[1]} {v:.3f}" for k, v in queries.items()))


if __name__ == "__main__":
    main()
