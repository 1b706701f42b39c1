"""Apache Spark: the same detection queries for firms whose logs outgrow one machine.

`master` is `local[*]` for one machine (and the tests) or a cluster URL (`spark://host:7077`, `yarn`).
The prepared events travel as Parquet so that a cluster reads them in parallel.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from zhengan.checks.logins.engines import normalise_rows
from zhengan.checks.logins.rules import QUERY_COLUMNS, Detection

NAME = "spark"
DIALECT = {
    "array": "array",
    "event_aggregates": """
    array_sort(array_agg(DISTINCT e.user_name) FILTER (WHERE e.user_name IS NOT NULL)) AS user_names,
    array_sort(array_agg(DISTINCT e.user_name) FILTER (WHERE e.user_type = 'customer')) AS customer_names,
    array_sort(array_agg(DISTINCT e.source_ip) FILTER (WHERE e.source_ip IS NOT NULL)) AS source_ips,
    min(e.epoch) AS first_epoch, max(e.epoch) AS last_epoch, count(DISTINCT e.event_id) AS event_count,
    array_sort(array_agg(DISTINCT e.event_id)) AS event_ids""",
}


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
    events: pa.Table,
    blacklist: pa.Table,
    detections: list[tuple[Detection, dict[str, Any]]],
    spark=None,
    master: str = "local[2]",
) -> dict[str, list[dict[str, Any]]]:
    spark = spark or session(master)
    with tempfile.TemporaryDirectory(prefix="zhengan-spark-") as folder:
        events_path = Path(folder) / "events.parquet"
        blacklist_path = Path(folder) / "blacklist.parquet"
        # Spark reads timestamps as instants; the detections use the integer `epoch` column only.
        pq.write_table(events.select(list(QUERY_COLUMNS)), events_path)
        pq.write_table(blacklist, blacklist_path)
        spark.read.parquet(str(events_path)).createOrReplaceTempView("events")
        spark.read.parquet(str(blacklist_path)).createOrReplaceTempView("blacklist")
        results = {}
        for detection, parameters in detections:
            sql = detection.query(NAME, parameters, DIALECT)
            rows = [row.asDict(recursive=True) for row in spark.sql(sql).collect()]
            results[detection.id] = normalise_rows(rows)
        spark.catalog.dropTempView("events")
        spark.catalog.dropTempView("blacklist")
    return results
