"""Spark reads, numbers, cleans and quarantines CSV and JSON-lines inputs itself (engines/spark_text.py,
engines/spark_sources.py) and gives exactly DuckDB's results: alerts, event ids (`file:line`),
quarantine records and reasons, counts; and declines (prepares on the driver) where it would not."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from zhengan.checks.logins import analyse as analyse_module
from zhengan.checks.logins import enrich, readers
from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.engines import spark_prepare
from zhengan.checks.logins.engines.spark_text import numbered_lines
from zhengan.checks.logins.groundtruth import false_alerts, missed_attacks
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.synth import generate

from .test_spark_prepare import outputs

pytestmark = pytest.mark.spark


def both(paths, config=None, options=None, spark=None, format=None):
    on_duckdb = analyse(paths, config, options, format=format)
    on_spark = analyse(paths, config, options, format=format, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "spark", on_spark.parameters["spark_declined"]
    assert on_duckdb.parameters["prepared_on"] == "driver"
    return on_duckdb, on_spark


@pytest.fixture
def small_splits(spark):
    """Splits of 32 KB: the synthetic files are read by several tasks each (smaller splits test the
    numbering as well but make every later query run over hundreds of partitions)."""
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(32 << 10))
    yield
    spark.conf.unset("spark.sql.files.maxPartitionBytes")


def test_every_line_numbered_across_small_splits(tmp_path, spark, small_splits):
    spark.conf.set("spark.sql.files.maxPartitionBytes", "2048")
    path = tmp_path / "lines.txt"
    endings = ["\n", "\r\n", "\n", "\r"]
    path.write_text("".join(f"line {i}{' x' * (i % 37)}{endings[i % 4]}" for i in range(1, 3001)), newline="")
    from pyspark.sql import functions as F

    lines, found = numbered_lines(spark, path, checks={"long": F.length("value") > 70})
    rows = lines.collect()
    assert lines.rdd.getNumPartitions() > 10, "the file is read in many splits"
    assert found == {"long": True}
    assert sorted((r["line"], r["value"].split(" x")[0]) for r in rows) == [
        (i, f"line {i}") for i in range(1, 3001)
    ]


def test_sample_csv_with_its_bad_lines(data_dir, spark, tmp_path):
    """The broker's export (a line with six fields of seven, an unreadable hour, an unknown outcome),
    read with its mapping's `timestamp_format` (DuckDB reads the distinct stamps on the driver) and
    without it (the stamps `2026/11/20 ...` then read as DuckDB casts them)."""
    path = data_dir / "csv" / "broker-export.csv"
    mapping = data_dir / "csv" / "mapping-broker-export.yaml"
    on_duckdb, on_spark = both([path], options=ReadOptions(mapping=mapping), spark=spark)
    assert [(e.source.line, e.source.field) for e in on_spark.quarantine] == [
        (7, "登入時間"),
        (8, "登入結果"),
        (9, None),
    ]
    assert (
        on_spark.quarantine[2].message.en == "line 9: too few columns: Expected Number of Columns: 7 Found: 6"
    )
    assert on_spark.events == 6
    assert outputs(on_spark) == outputs(on_duckdb)
    plain = tmp_path / "mapping.yaml"
    plain.write_text(
        "\n".join(
            line
            for line in mapping.read_text(encoding="utf-8").splitlines()
            if "timestamp_format" not in line
        ),
        encoding="utf-8",
    )
    on_duckdb, on_spark = both([path], options=ReadOptions(mapping=plain), spark=spark)
    assert outputs(on_spark) == outputs(on_duckdb)


def test_sample_jsonl_with_its_bad_lines(data_dir, spark):
    path = data_dir / "jsonl" / "app-gateway.jsonl"
    on_duckdb, on_spark = both([path], spark=spark)
    assert on_spark.quarantine and any("JSON" in e.message.en for e in on_spark.quarantine)
    assert outputs(on_spark) == outputs(on_duckdb)


@pytest.fixture(scope="module")
def text_day(tmp_path_factory):
    """A 3,000-event synthetic day as CSV and JSON lines, each whole and split into two files."""
    folder = tmp_path_factory.mktemp("spark-text")
    generate(folder, 3_000, seed=5, formats=("csv",))
    whole = folder / "logins.csv"
    header, *rows = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(rows) // 2
    (folder / "part-1.csv").write_text(header + "".join(rows[:half]), encoding="utf-8")
    (folder / "part-2.csv").write_text(header + "".join(rows[half:]), encoding="utf-8")
    for name in ("logins", "part-1", "part-2"):
        source, target = folder / f"{name}.csv", folder / f"{name}.jsonl"
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true, header = true)) "
            f"TO '{target}' (FORMAT json)"
        )
    return folder


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_synthetic_day_one_file(text_day, spark, suffix):
    path = text_day / f"logins.{suffix}"
    truth = json.loads((text_day / "ground_truth.json").read_text(encoding="utf-8"))
    config = LoginConfig.load(text_day / "zhengan-logins.yaml")
    on_duckdb, on_spark = both([path], config, spark=spark)
    assert on_spark.alerts and on_spark.notifications
    assert outputs(on_spark) == outputs(on_duckdb)
    assert missed_attacks(on_spark, truth, str(path), suffix) == []
    assert false_alerts(on_spark, truth, str(path), suffix) == []


def test_synthetic_day_two_files_of_each(text_day, spark, small_splits):
    """CSV and JSON lines (and Parquet) in one run, each in two files read in small splits."""
    paths = [text_day / f"part-{n}.{suffix}" for suffix in ("csv", "jsonl") for n in (1, 2)]
    parquet = text_day / "extra.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{text_day / 'part-1.csv'}') LIMIT 50) TO '{parquet}'")
    paths.append(parquet)
    config = LoginConfig.load(text_day / "zhengan-logins.yaml")
    on_duckdb, on_spark = both(paths, config, spark=spark)
    ids = {i.rsplit(":", 1)[0] for a in on_spark.alerts for i in a["event_ids"]}
    assert {str(p) for p in paths[:4]} <= ids, "events behind alerts in every text file"
    assert [s.format for s in on_spark.inputs] == ["csv", "csv", "jsonl", "jsonl", "parquet"]
    assert outputs(on_spark) == outputs(on_duckdb)


def test_the_driver_never_reads_or_prepares_text_inputs(text_day, spark, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the driver read or prepared the events")

    for module, name in ((enrich, "prepare"), (analyse_module, "prepare"), (readers, "read")):
        monkeypatch.setattr(module, name, refuse)
    for format in ("csv", "jsonl"):
        monkeypatch.setitem(readers.READERS, format, refuse)
    paths = [text_day / "part-1.csv", text_day / "part-2.jsonl"]
    on_spark = analyse(paths, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "spark"
    assert on_spark.events > 0


HEADER = "@timestamp,event.outcome,user.name,user.type,source.ip\n"


def test_csv_quoting_line_ends_spaces_and_field_counts(tmp_path, spark):
    """Quoted delimiters and doubled quotes, CRLF line ends (DuckDB's sniffer refuses a mix), a byte-order mark, Unicode spaces, empty
    quoted fields, lines with too few and too many fields (DuckDB's reasons), every quarantine check."""
    good = "".join(
        f"2026-11-20 08:{i // 60:02d}:{i % 60:02d},failure,c{i % 7},customer,1.1.1.{i % 5}\n"
        for i in range(60)
    )
    odd = (
        '"2026-11-20 09:00:00","fail""ure",c1,customer,1.1.1.1\n'  # doubled quote: outcome unknown
        '2026-11-20 09:00:01,failure,"c,2",customer,1.1.1.1\n'
        '2026-11-20 09:00:02,success,\u3000c3\u00a0,"",1.1.1.1\n'
        "2026-11-20 09:00:03,failure\n"  # too few fields
        "2026-11-20 09:00:04,failure,c4,customer,1.1.1.1,extra\n"  # too many
        "2026-11-20 09:00:05,failure,,customer,1.1.1.1\n"  # no user
        "2026/11/20 09:00:06,failure,c5,customer,1.1.1.1\n"  # read by DuckDB on the driver
        "2026-11-20 25:00:00,failure,c6,customer,1.1.1.1\n"  # unreadable
        '2026-11-20 09:00:07,success,c7,"robot",1.1.1.1\n'  # user type
    )
    path = tmp_path / "export.csv"
    path.write_text("\ufeff" + HEADER + good + odd + good, encoding="utf-8", newline="\r\n")
    on_duckdb, on_spark = both([path], spark=spark)
    lines = [(e.source.line, e.message.en) for e in on_spark.quarantine]
    assert [line for line, _ in lines] == [62, 65, 66, 67, 69, 70]
    assert lines[1][1] == "line 65: too few columns: Expected Number of Columns: 5 Found: 2"
    assert outputs(on_spark) == outputs(on_duckdb)


def test_jsonl_lines_as_duckdb_reads_them(tmp_path, spark):
    """Blank lines (also of Unicode spaces) skipped but counted in the numbering, CRLF, trailing text
    after an object, arrays, integers and booleans as values, escapes, every quarantine check."""
    good = "".join(
        json.dumps(
            {
                "@timestamp": f"2026-11-20T08:00:{i:02d}+08:00",
                "event.outcome": "failure",
                "user.name": f"c{i % 4}",
            }
        )
        + "\n"
        for i in range(40)
    )
    odd = (
        "\n \u3000\n"
        '{"@timestamp":"2026-11-20 09:00:00","event.outcome":"success","user.name":12345}\r\n'
        '{"@timestamp":"2026-11-20 09:00:01","event.outcome":"success","user.name":"c1"} trailing\n'
        '{"@timestamp":"2026-11-20 09:00:02","event.outcome":"success","user.name":"c1"}}\n'
        '["not", "an", "object"]\n'
        '"text"\n'
        '{"@timestamp":"2026-11-20 09:00:03","event.outcome":true,"user.name":"c\\u00e9"}\n'
        '{"@timestamp":"2026-11-20 09:00:04","event.outcome":"success","user.name":null}\n'
        '{"@timestamp":"2026-11-20 09:00:05","event.outcome":"success","user.name":"c2",\n'
        "\r\n"
        '{"@timestamp":"bad","event.outcome":"success","user.name":"c3", "nested": {"a": [1, 2.5]}}\n'
    )
    path = tmp_path / "app.jsonl"
    path.write_text(good + odd + good, encoding="utf-8", newline="")
    on_duckdb, on_spark = both([path], spark=spark)
    assert len(on_spark.quarantine) == 9, "the line of only a carriage return too"
    assert outputs(on_spark) == outputs(on_duckdb)


def test_empty_and_all_bad_text_files(tmp_path, spark):
    only_header = tmp_path / "empty.csv"
    only_header.write_text(HEADER, encoding="utf-8")
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text(
        HEADER + "".join(f"x{i},maybe,,customer,1.1.1.1\n" for i in range(30)), encoding="utf-8"
    )
    empty_jsonl = tmp_path / "empty.jsonl"
    empty_jsonl.write_text("", encoding="utf-8")
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text('{"a": 1\n[]\n{"@timestamp": "x", "event.outcome": "success"}\n', encoding="utf-8")
    for paths, format, bad in (([only_header, bad_csv], None, 30), ([empty_jsonl, bad_jsonl], "jsonl", 3)):
        on_duckdb, on_spark = both(paths, spark=spark, format=format)
        assert on_spark.events == 0
        assert len(on_spark.quarantine) == bad
        assert outputs(on_spark) == outputs(on_duckdb)


def declined(paths, spark, options=None):
    on_duckdb = analyse(paths, options=options)
    on_spark = analyse(paths, options=options, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "driver"
    assert outputs(on_spark) == outputs(on_duckdb)
    return on_spark.parameters["spark_declined"]


def test_what_spark_would_read_otherwise_is_prepared_on_the_driver(tmp_path, spark, data_dir):
    good = "".join(f"2026-11-20 08:00:{i:02d},failure,c{i % 4},customer,1.1.1.1\n" for i in range(40))
    blank = tmp_path / "blank.csv"
    blank.write_text(HEADER + good + "\n" + good, encoding="utf-8")
    assert "blank" in declined([blank], spark)
    latin = tmp_path / "latin.csv"  # the odd byte beyond the driver's first read of the header
    latin.write_bytes(
        (HEADER + good * 10).encode()
        + "2026-11-20 09:00:00,failure,caf\xe9,customer,1.1.1.1\n".encode("latin-1")
    )
    assert "encoding" in declined([latin], spark)
    lenient = tmp_path / "lenient.jsonl"
    lenient.write_text(
        '{"@timestamp":"2026-11-20T08:00:00+08:00","event.outcome":"failure","user.name":"c1",}\n',
        encoding="utf-8",
    )
    assert "DuckDB reads as JSON" in declined([lenient], spark)  # a trailing comma: DuckDB accepts it
    decimal = tmp_path / "decimal.jsonl"
    decimal.write_text(
        '{"@timestamp":"2026-11-20T08:00:00+08:00","event.outcome":"failure","user.name":1.50}\n',
        encoding="utf-8",
    )
    assert "spell" in declined([decimal], spark)
    # Known before reading: formats Spark does not read, dialects it would read otherwise.
    assert not spark_prepare.applicable([data_dir / "sshd" / "auth.log"], ReadOptions())
    assert not spark_prepare.applicable([data_dir / "sshd" / "auth.log", blank], ReadOptions())
    semicolons = tmp_path / "escaped.csv"
    semicolons.write_text(
        HEADER.replace(",", ";")
        + "".join(f'2026-11-20 08:00:{i:02d};"fail\\"ure";c;customer;1.1.1.1\n' for i in range(40)),
        encoding="utf-8",
    )
    assert not spark_prepare.applicable([semicolons], ReadOptions()), "a backslash escape"
    assert spark_prepare.applicable(
        [blank, lenient, data_dir / "parquet" / "logins-export.parquet"], ReadOptions()
    )
    assert pq.read_schema(data_dir / "parquet" / "logins-export.parquet")
