"""The lines of a text file on Spark, each with its line number (1 for the first line).

Spark's text reader gives no line number, and however a file is split, each split is read by one task
in order: every split's lines are contiguous in one partition. `monotonically_increasing_id()` is the
partition's index in its upper bits and the row's position within the partition in its low 33 bits, so
a first cheap pass counts the lines of each split (grouped by `_metadata.file_block_start` and the
partition) and finds the id of its first line; on the driver the splits' counts, in the order of their
start in the file, give the number of lines before each split; a broadcast join of that small table
turns the id into the line number: `id - first id of the split + lines before the split + 1`. This
holds however Spark packs splits into partitions (`spark.sql.files.maxPartitionBytes`,
`openCostInBytes`), and the scan is deterministic, so the ids are the same when Spark reads the file
again. The same pass evaluates `checks` (boolean expressions of `value`) over every line.
"""

from __future__ import annotations

from pathlib import Path

FIRST_LINE = 1
POSITION_BITS = 33  # monotonically_increasing_id: partition index << 33 | position in the partition


def numbered_lines(spark, path: Path, line_sep: str | None = None, checks: dict | None = None):
    """(`line`, `value`) for every line of `path` and, for each of `checks`, whether any line meets it.

    `line_sep` None: a line ends at `\\n`, `\\r\\n` or `\\r` (as Arrow's CSV reader and Python read them);
    `"\\n"`: at `\\n` only, a `\\r` before it staying in the line (as DuckDB's `string_split` splits)."""
    from pyspark.sql import functions as F

    reader = spark.read.format("text")
    if line_sep is not None:
        reader = reader.option("lineSep", line_sep)
    text = reader.load(str(path)).select(
        "value",
        F.col("_metadata.file_block_start").alias("__start"),
        F.monotonically_increasing_id().alias("__id"),
    )
    checks = checks or {}
    splits = (
        text.groupBy("__start", F.shiftright("__id", POSITION_BITS).alias("__part"))
        .agg(
            F.count(F.lit(1)).alias("lines"),
            F.min("__id").alias("first"),
            *(
                F.max(F.coalesce(check, F.lit(False)).cast("int")).alias(name)
                for name, check in checks.items()
            ),
        )
        .collect()
    )
    before, bases = 0, []
    for split in sorted(splits, key=lambda s: s["__start"]):
        bases.append((split["__start"], before - split["first"] + FIRST_LINE))
        before += split["lines"]
    found = {name: any(split[name] for split in splits) for name in checks}
    base = spark.createDataFrame(bases or [(0, 0)], "__start long, __base long")
    lines = text.join(F.broadcast(base), "__start").select(
        (F.col("__id") + F.col("__base")).alias("line"), "value"
    )
    return lines, found
