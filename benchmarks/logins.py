"""Login analysis throughput: events per second end to end, and the ratio to a plain DuckDB scan.

    .venv/bin/python benchmarks/logins.py            # 1M events, CSV and Parquet
    .venv/bin/python benchmarks/logins.py --with-10m # also 10M events (by hand: several minutes)

For each size a synthetic day is generated (zhengan.checks.logins.synth) and, for CSV and Parquet:
- baseline: DuckDB `SELECT count(*)` over the same file (a plain scan), best of three;
- full: `zhengan.checks.logins.analyse.analyse` (read, quarantine, prepare, every detection), best of two.
It prints events/s of the full run and the ratio full / scan (the aim: <= 3x, and >= 1M events/s from CSV
on a 2-core machine), and checks that every injected attack was found, so the speed is of a correct run.
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
from zhengan.checks.logins.synth import CSV_COLUMNS, generate

READERS = {"csv": "read_csv", "parquet": "read_parquet"}
FIRST_LINE = {"csv": 2, "parquet": 1}


COLUMNS = CSV_COLUMNS  # the columns synth writes


def scan_seconds(path: Path, format: str, every_column: bool = False, repeat: int = 3) -> float:
    """`count(*)` as the issue names it; on Parquet that reads only metadata, so `every_column` also
    measures a scan that touches every column (max of each)."""
    best = float("inf")
    what = " + ".join(f'sum(length(CAST("{c}" AS VARCHAR)))' for c in COLUMNS) if every_column else "count(*)"
    for _ in range(repeat):
        connection = duckdb.connect()
        start = time.perf_counter()
        connection.execute(f"SELECT {what} FROM {READERS[format]}('{path}')").fetchone()
        best = min(best, time.perf_counter() - start)
        connection.close()
    return best


def full_seconds(path: Path, config: LoginConfig, repeat: int = 2):
    best, analysis = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        analysis = analyse([path], config, format=path.suffix[1:])
        best = min(best, time.perf_counter() - start)
    return best, analysis


def missed(analysis, truth: dict, path: Path, format: str) -> int:
    records = analysis.alerts + analysis.summaries + analysis.notification_records
    count = 0
    for attack in truth["attacks"]:
        ids = {f"{path}:{row + FIRST_LINE[format]}" for row in attack["rows"]}
        if not any(
            r["detection"] == attack["detection"] and r["notable"] and ids <= set(r["event_ids"])
            for r in records
        ):
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--with-10m", action="store_true", help="also measure 10M events")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated days here")
    arguments = parser.parse_args()
    sizes = [1_000_000] + ([10_000_000] if arguments.with_10m else [])
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="zhengan-bench-"))
    print(f"cpus={os.cpu_count()} duckdb={duckdb.__version__} workdir={workdir}")
    header = (
        f"{'events':>10} {'format':>8} {'count(*)':>9} {'all-col':>8} {'full s':>7} {'/count':>7} {'/allcol':>7} "
        f"{'events/s':>10} {'read':>6} {'prep':>6} {'detect':>6} missed"
    )
    print(header)

    for size in sizes:
        folder = workdir / f"day-{size}"
        if not (folder / "ground_truth.json").exists():
            generate(folder, size, seed=1, formats=("csv", "parquet"))
        truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
        config = LoginConfig.load(folder / "zhengan-logins.yaml")
        for format in ("csv", "parquet"):
            path = folder / f"logins.{format}"
            scan = scan_seconds(path, format)
            every = scan_seconds(path, format, every_column=True)
            full, analysis = full_seconds(path, config)
            t = analysis.timings
            print(
                f"{analysis.events:>10} {format:>8} {scan:>9.3f} {every:>8.3f} {full:>7.2f} {full / scan:>7.1f} "
                f"{full / every:>7.1f} {analysis.events / full:>10,.0f} {t['read']:>6.2f} {t['prepare']:>6.2f} "
                f"{t['detect']:>6.2f} "
                f"{missed(analysis, truth, path, format)}"
            )


if __name__ == "__main__":
    main()
