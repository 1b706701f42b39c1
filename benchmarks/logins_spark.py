"""Login analysis on Spark (local[2]) against DuckDB: seconds and the driver's peak memory.

    .venv/bin/python benchmarks/logins_spark.py                 # 1M events, CSV and Parquet
    .venv/bin/python benchmarks/logins_spark.py --events 200000 --workdir DIR

A synthetic day (zhengan.checks.logins.synth, seed 1) is written as CSV and Parquet. Each measurement runs
in a fresh Python process, one after the other, so that each peak memory is its own:
- `duckdb`: `analyse(..., engine="duckdb")` (read and prepared on the driver);
- `spark`: `analyse(..., engine="spark")`; CSV and Parquet are read and prepared by Spark itself
  (`prepared_on` is printed: `spark`);
- `spark-driver`: the same with the Spark-native path switched off (the driver reads and prepares, the
  prepared events go to Spark as Parquet), the way every CSV ran on Spark before.
Printed per run: seconds of the analysis (the Spark session is started before the clock: its start-up,
also printed, is paid once per process), the peak resident memory of the Python process
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) and, for Spark, of the JVM (`VmHWM` of the py4j gateway's
process; in local mode the JVM is driver and executors at once), whether every injected attack was found,
and the ratios to DuckDB. Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("duckdb", "spark", "spark-driver")


def child(mode: str, format: str, folder: Path) -> dict:
    from zhengan.checks.logins.analyse import analyse
    from zhengan.checks.logins.config import LoginConfig
    from zhengan.checks.logins.groundtruth import missed_attacks

    path = folder / f"logins.{format}"
    config = LoginConfig.load(folder / "zhengan-logins.yaml")
    session, started, spark = 0.0, time.perf_counter(), None
    if mode != "duckdb":
        from zhengan.checks.logins.engines import spark_engine, spark_prepare

        spark = spark_engine.session("local[2]")
        spark.sparkContext.setLogLevel("ERROR")
        session = time.perf_counter() - started
        if mode == "spark-driver":
            spark_prepare.applicable = lambda *args, **kwargs: False
    clock = time.perf_counter()
    analysis = analyse(
        [path], config, format=format, engine="duckdb" if mode == "duckdb" else "spark", spark_session=spark
    )
    seconds = time.perf_counter() - clock
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    missed = len(missed_attacks(analysis, truth, str(path), format))
    jvm = None
    if spark is not None:
        pid = spark.sparkContext._gateway.proc.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                jvm = int(line.split()[1]) / 1024
    return {
        "mode": mode,
        "format": format,
        "seconds": seconds,
        "session": session,
        "prepared_on": analysis.parameters["prepared_on"],
        "events": analysis.events,
        "missed": missed,
        "python_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "jvm_mb": jvm,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FORMAT", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, format, folder = args.child
        print(json.dumps(child(mode, format, Path(folder))))
        return
    from zhengan.checks.logins.synth import generate

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="zhengan-bench-spark-"))
    folder = workdir / f"day-{args.events}"
    if not (folder / "logins.parquet").exists():
        generate(folder, args.events, seed=1, formats=("csv", "parquet"))
    print(f"{args.events:,} events, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; Spark local[2]")
    results = {}
    for format in ("csv", "parquet"):
        for mode in MODES:
            done = subprocess.run(
                [sys.executable, __file__, "--child", mode, format, str(folder)],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results[(format, mode)] = result
            jvm = f", JVM peak {result['jvm_mb']:,.0f} MB" if result["jvm_mb"] else ""
            session = f" (+{result['session']:.1f} s session start)" if result["session"] else ""
            print(
                f"{format:8} {mode:13} {result['seconds']:7.1f} s{session}  prepared on {result['prepared_on']:6}"
                f"  Python peak {result['python_mb']:,.0f} MB{jvm}  events {result['events']:,}"
                f"  missed attacks {result['missed']}"
            )
        base = results[(format, "duckdb")]
        for mode in MODES[1:]:
            other = results[(format, mode)]
            print(
                f"{format:8} {mode:13} / duckdb: time {other['seconds'] / base['seconds']:.1f}x, "
                f"Python peak {other['python_mb'] / base['python_mb']:.2f}x"
            )
    print(f"load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
