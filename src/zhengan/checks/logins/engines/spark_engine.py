"""Apache Spark: the same detection queries for firms whose logs outgrow one machine.

`master` is `local[*]` for one machine (and the tests) or a cluster URL (`spark://host:7077`, `yarn`).
The prepared events and addresses travel as Parquet so that a cluster reads them in parallel; reading
the logs and preparing the events stay on this machine (`enrich.py`), as for DuckDB.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from zhengan.checks.logins.engines import EVENT_AGGREGATES, normalise_rows
from zhengan.checks.logins.enrich import PreparedEvents
from zhengan.checks.logins.rules import EVENT_SUBSETS, QUERY_COLUMNS, SHARED_TABLES, Detection

NAME = "spark"
DIALECT = {"array": "array", "event_aggregates": EVENT_AGGREGATES}


def session(master: str = "local[2]", shuffle_partitions: int = 4):
    """A Spark session in UTC with the web UI off (one per process; Spark reuses it)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("zhengan-logins")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def run(
    prepared: PreparedEvents,
    blacklist: pa.Table,
    detections: list[tuple[Detection, dict[str, Any]]],
    shared: dict[str, Any],
    spark=None,
    master: str = "local[2]",
) -> dict[str, list[dict[str, Any]]]:
    spark = spark or session(master)
    with tempfile.TemporaryDirectory(prefix="zhengan-spark-") as folder:
        tables = {
            "events": prepared.events.select(list(QUERY_COLUMNS)),
            "addresses": prepared.addresses,
            "blacklist": blacklist,
            "calendar": prepared.calendar,
        }
        for name, table in tables.items():
            path = Path(folder) / f"{name}.parquet"
            pq.write_table(table, path)
            spark.read.parquet(str(path)).createOrReplaceTempView(name)
        built = build_shared(spark, shared)
        results = detect(spark, detections, prepared.event_ids)
        drop(spark, list(tables), built)
    return results


def build_shared(spark, shared: dict[str, Any]) -> list:
    """The tables of `rules.SHARED_TABLES` and `rules.EVENT_SUBSETS`, cached, from the `events`,
    `addresses` and `blacklist` views; returns the cached frames (to unpersist)."""
    built = []
    for name, sql in SHARED_TABLES:
        frame = spark.sql(sql.format(**shared)).cache()
        frame.createOrReplaceTempView(name)
        built.append(frame)
    for name, sql in EVENT_SUBSETS:
        frame = spark.sql(
            f"SELECT e.* FROM events e LEFT SEMI JOIN ({sql.format(**shared)}) s ON s.rid = e.rid"
        )
        frame = frame.cache()
        frame.createOrReplaceTempView(name)
        built.append(frame)
    return built


def detect(
    spark,
    detections: list[tuple[Detection, dict[str, Any]]],
    event_ids: Callable[[Iterable[int]], dict[int, str]],
) -> dict[str, list[dict[str, Any]]]:
    """Each detection's rows, one query after the other, the events behind them named by `event_ids`."""
    results = {}
    for detection, parameters in detections:
        sql = detection.query(NAME, parameters, DIALECT)
        rows = [row.asDict(recursive=True) for row in spark.sql(sql).collect()]
        results[detection.id] = normalise_rows(rows, event_ids)
    return results


def drop(spark, views: list[str], built: list) -> None:
    """Drop the input views and the shared tables, and unpersist the cached frames."""
    for name in [*views, *(name for name, _ in (*SHARED_TABLES, *EVENT_SUBSETS))]:
        spark.catalog.dropTempView(name)
    for frame in built:
        frame.unpersist()
