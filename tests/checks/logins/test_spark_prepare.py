"""Spark reads and prepares Parquet inputs itself (engines/spark_prepare.py; CSV and JSON lines:
test_spark_text_inputs.py) and gives exactly DuckDB's
results: alerts, summaries, notifications, event ids, quarantine, counts, top lists, event count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from zhengan.checks.logins import analyse as analyse_module
from zhengan.checks.logins import enrich, readers
from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.engines import spark_prepare
from zhengan.checks.logins.groundtruth import false_alerts, missed_attacks
from zhengan.checks.logins.readers import parquet
from zhengan.checks.logins.readers.base import ReadOptions
from zhengan.checks.logins.synth import generate

pytestmark = pytest.mark.spark


def outputs(analysis):
    return {
        "alerts": analysis.alerts,
        "summaries": analysis.summaries,
        "notification_records": analysis.notification_records,
        "notifications": analysis.notifications,
        "quarantine": [error.model_dump() for error in analysis.quarantine],
        "counts": analysis.counts,
        "top_sources": analysis.top_sources,
        "top_accounts": analysis.top_accounts,
        "events": analysis.events,
        "period": analysis.period,
        "inputs": analysis.inputs,
        "notes": analysis.notes,
    }


def both(paths, config=None, options=None, spark=None):
    on_duckdb = analyse(paths, config, options)
    on_spark = analyse(paths, config, options, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "spark"
    assert on_duckdb.parameters["prepared_on"] == "driver"
    return on_duckdb, on_spark


def test_sample_with_a_bad_record(data_dir, spark):
    path = data_dir / "parquet" / "logins-export.parquet"
    on_duckdb, on_spark = both([path], spark=spark)
    assert [(e.source.line, e.source.field) for e in on_spark.quarantine] == [(3, "event.outcome")]
    assert on_spark.events == 3
    assert outputs(on_spark) == outputs(on_duckdb)


@pytest.fixture(scope="module")
def small_day(tmp_path_factory):
    """A 4,000-event synthetic day as one Parquet file and split into two."""
    folder = tmp_path_factory.mktemp("spark-prepare")
    generate(folder, 4_000, seed=5, formats=("parquet",))
    table = pq.read_table(folder / "logins.parquet")
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), folder / "part-1.parquet", row_group_size=700)
    pq.write_table(table.slice(half), folder / "part-2.parquet", row_group_size=900)
    return folder


def test_synthetic_day_one_file(small_day, spark):
    import json

    path = small_day / "logins.parquet"
    truth = json.loads((small_day / "ground_truth.json").read_text(encoding="utf-8"))
    config = LoginConfig.load(small_day / "zhengan-logins.yaml")
    on_duckdb, on_spark = both([path], config, spark=spark)
    assert on_spark.alerts and on_spark.notifications
    assert outputs(on_spark) == outputs(on_duckdb)
    assert missed_attacks(on_spark, truth, str(path), "parquet") == []
    assert false_alerts(on_spark, truth, str(path), "parquet") == []


def test_synthetic_day_two_files(small_day, spark):
    paths = [small_day / "part-1.parquet", small_day / "part-2.parquet"]
    config = LoginConfig.load(small_day / "zhengan-logins.yaml")
    on_duckdb, on_spark = both(paths, config, spark=spark)
    ids = {i for a in on_spark.alerts for i in a["event_ids"]}
    assert {i.rsplit(":", 1)[0] for i in ids} == {str(p) for p in paths}, "events behind alerts in both files"
    assert outputs(on_spark) == outputs(on_duckdb)


def test_the_driver_never_reads_or_prepares_the_events(small_day, spark, monkeypatch):
    """The Spark path calls neither a reader nor `enrich.prepare` (each made to fail here)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the driver read or prepared the events")

    for module, name in ((enrich, "prepare"), (analyse_module, "prepare"), (readers, "read")):
        monkeypatch.setattr(module, name, refuse)
    monkeypatch.setitem(readers.READERS, "parquet", refuse)
    monkeypatch.setattr(parquet, "read", refuse)
    config = LoginConfig.load(small_day / "zhengan-logins.yaml")
    on_spark = analyse([small_day / "logins.parquet"], config, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "spark"
    assert on_spark.events == pq.read_metadata(small_day / "logins.parquet").num_rows
    with pytest.raises(AssertionError, match="the driver read"):
        analyse([small_day / "logins.parquet"], config)  # DuckDB still reads on the driver


def test_other_formats_still_prepared_on_the_driver(data_dir, tmp_path):
    paths = [data_dir / "sshd" / "auth.log"]
    assert not spark_prepare.applicable(paths, ReadOptions())
    mixed = [data_dir / "parquet" / "logins-export.parquet", *paths]
    assert not spark_prepare.applicable(mixed, ReadOptions())
    assert spark_prepare.applicable(
        [data_dir / "parquet" / "logins-export.parquet", data_dir / "csv" / "broker-export.csv"],
        ReadOptions(),
    )
    nanos = tmp_path / "nanos.parquet"
    pq.write_table(
        pa.table({"@timestamp": pa.array([0], pa.timestamp("ns", tz="UTC")), "user.name": ["a"]}), nanos
    )
    assert not spark_prepare.applicable([nanos], ReadOptions()), "nanosecond stamps stay on the driver"
    assert spark_prepare.applicable([data_dir / "parquet" / "logins-export.parquet"], ReadOptions())


STAMPS = [
    "2026-11-20 08:00:00",  # no offset: the declared zone
    "2026-11-20T08:00:00.123456",
    "2026-11-20 08:00",
    "2026-11-20",
    " 2026-11-20 08:00:00 ",
    "2026-11-20T08:00:00+08:00",  # offsets kept
    "2026-11-20T08:00:00Z",
    "2026-11-20 08:00:00+08",
    "2026-11-20 08:00:00-0330",
    "2026-11-20 08:00:00 UTC",
    "2026-11-20 08:00:00 Asia/Tokyo",
    "2026/11/20 08:00:00",  # spellings only DuckDB reads, read by it on the driver once each
    "2026-11-20 24:00:00",
    "2026-11-20 08:00:00 asia/tokyo",
    "2026-11-20 08:00:00 CST",
    "2026-11-20T08:00+08:00",
    "2026-11-20 08:00:00 +08:00",  # unreadable to DuckDB: quarantined
    "2026-11-20 08:00:00GMT+8",
    "2026-11-20T08",
    "+2026-11-20 08:00:00",
    "2026-02-30 08:00:00",
    "bad",
    None,
]


@pytest.mark.parametrize("zone", ["Asia/Taipei", "America/New_York"])
def test_string_stamps_read_as_duckdb_reads_them(tmp_path, spark, zone):
    count = len(STAMPS)
    path = tmp_path / "stamps.parquet"
    table = {
        "@timestamp": STAMPS,
        "event.outcome": ["failure"] * count,
        "user.name": [f"c{i:02d}" for i in range(count)],
        "user.type": ["customer"] * count,
    }
    pq.write_table(pa.table(table), path)
    on_duckdb, on_spark = both([path], options=ReadOptions(timezone=zone), spark=spark)
    assert 0 < len(on_spark.quarantine) < count
    assert outputs(on_spark) == outputs(on_duckdb)
    first_seen = {
        r["user_names"][0]: r["first_seen"]
        for r in on_spark.notification_records
        if r["detection"] == "logins.customer_password_failure"
    }
    offset = "+00:00"
    if zone == "Asia/Taipei":
        assert first_seen["c00"] == "2026-11-20T00:00:00" + offset  # no offset: read in Taipei
    else:
        assert first_seen["c00"] == "2026-11-20T13:00:00" + offset  # read in New York
    assert first_seen["c05"] == "2026-11-20T00:00:00" + offset  # its own +08:00
    assert first_seen["c06"] == "2026-11-20T08:00:00" + offset  # Z


@pytest.mark.parametrize("zone", ["Asia/Taipei", "America/New_York"])
def test_typed_stamps(tmp_path, spark, zone):
    """TIMESTAMP with a zone as it is; naive TIMESTAMP and DATE in the declared zone."""
    instant = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    columns = {
        "zoned": pa.array([instant, None], pa.timestamp("us", tz="Asia/Taipei")),
        "naive": pa.array([datetime(2026, 11, 20, 8, 30), None], pa.timestamp("ms")),
        "day": pa.array([date(2026, 11, 20), None], pa.date32()),
    }
    expected = {
        "zoned": "2026-11-20T00:30:00+00:00",
        "naive": "2026-11-20T00:30:00+00:00" if zone == "Asia/Taipei" else "2026-11-20T13:30:00+00:00",
        "day": "2026-11-19T16:00:00+00:00" if zone == "Asia/Taipei" else "2026-11-20T05:00:00+00:00",
    }
    for name, stamps in columns.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(
            pa.table(
                {
                    "@timestamp": stamps,
                    "event.outcome": ["failure"] * 2,
                    "user.name": ["c1", "c2"],
                    "user.type": ["customer"] * 2,
                }
            ),
            path,
        )
        on_duckdb, on_spark = both([path], options=ReadOptions(timezone=zone), spark=spark)
        assert outputs(on_spark) == outputs(on_duckdb)
        assert [(e.source.line, e.source.field) for e in on_spark.quarantine] == [(2, "@timestamp")]
        assert on_spark.notification_records[0]["first_seen"] == expected[name], name


def test_mapping_cleaning_typing_and_quarantine(tmp_path, spark):
    """Codes, constants, Unicode spaces, case, the default action, account-type rules, core systems,
    trusted networks, every quarantine reason (the first failing one), a blacklist: as on DuckDB."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns:\n"
        "  '@timestamp': 登入時間\n  user.name: 帳號\n  event.outcome: 結果\n  source.ip: 來源IP\n"
        "  event.action: 動作\n  host.name: 主機\n  user.type: 類型\n  source.geo.country_iso_code: 國家\n"
        "values:\n  event.outcome: {成功: success, 失敗: failure}\n  user.type: {客戶: customer}\n"
        "constants:\n  service.name: 語音\n",
        encoding="utf-8",
    )
    rows = [
        # time, account, outcome, ip, action, host, type, country
        ("2026-11-20 09:00:00", "\u3000svc-batch\u00a0", "失敗", "10.20.0.5", None, "core-db-01", None, None),
        ("2026-11-20 09:00:01", "svc-batch", "失敗", "10.20.0.5", "", "core-db-01", None, None),
        ("2026-11-20 09:00:02", "svc-batch", "失敗", "10.20.0.5", "LOGON", "core-db-01", None, None),
        ("2026-11-20 09:00:03", "v-ops", "FAILURE", "203.0.113.9", "logon", "CORE-DB-01", "", "jp"),
        ("2026-11-20 23:00:03", "adm1", "成功", "8.8.8.8", "logon", "core-db-01", "admin", None),
        ("2026-11-20 09:00:04", "A123456789", "失敗", "1.1.1.1", "logon", "web-01", "客戶", None),
        ("2026-11-20 09:00:05", "A123456789", "失敗", "1.1.1.1", "logon", "web-01", "客戶", None),
        ("2026-11-20 09:00:06", "A123456789", "失敗", "1.1.1.1", "logon", "web-01", "客戶", None),
        ("2026-11-20 09:00:07", "A123456789", "成功", "1.1.1.1", "logon", "web-01", "客戶", None),
        (
            "2026-11-20 09:00:08",
            "B123456789",
            "成功",
            "114.36.20.8",
            "certificate-apply",
            "web-01",
            "客戶",
            "TW",
        ),
        ("nonsense", "C1", "bogus", "1.1.1.1", "logon", "web-01", "客戶", None),  # timestamp first
        ("2026-11-20 09:00:09", "C2", "maybe", None, "logon", "web-01", "客戶", None),  # outcome
        ("2026-11-20 09:00:10", "\u3000", "成功", "1.1.1.1", "logon", "web-01", "客戶", None),  # user
        ("2026-11-20 09:00:11", "C3", "成功", "1.1.1.1", "logon", "web-01", "robot", None),  # user type
        ("2026-11-20 09:00:12", "C4", "成功", "1.1.1.1", "dance", "web-01", "客戶", None),  # action
    ]
    names = ["登入時間", "帳號", "結果", "來源IP", "動作", "主機", "類型", "國家"]
    path = tmp_path / "export.parquet"
    pq.write_table(pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)}), path)
    blacklist = tmp_path / "fisac.csv"
    blacklist.write_text("indicator,source\n8.8.8.0/24,F-ISAC\nnot-an-address,F-ISAC\n", encoding="utf-8")
    config = LoginConfig(
        core_hosts=["core-db-01"],
        trusted_networks=["10.20.0.0/16"],
        account_types=[{"pattern": "^svc[-_]", "type": "service"}, {"pattern": "^v-", "type": "vendor"}],
        default_user_type="staff",
        blacklists=[blacklist],
    )
    options = ReadOptions(mapping=mapping)
    on_duckdb, on_spark = both([path], config, options, spark=spark)
    reasons = [(e.source.line, e.source.field) for e in on_spark.quarantine]
    assert reasons[:5] == [(11, "登入時間"), (12, "結果"), (13, "帳號"), (14, "類型"), (15, "動作")]
    assert len(on_spark.quarantine) == 6, "and the blacklist line that is not an address"
    assert on_spark.events == 10
    assert on_spark.alerts
    assert outputs(on_spark) == outputs(on_duckdb)


def test_empty_and_all_quarantined_files(tmp_path, spark):
    schema = {"@timestamp": pa.string(), "event.outcome": pa.string(), "user.name": pa.string()}
    empty = tmp_path / "empty.parquet"
    pq.write_table(pa.table({n: pa.array([], t) for n, t in schema.items()}), empty)
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"@timestamp": ["x"], "event.outcome": ["success"], "user.name": ["a"]}), bad)
    on_duckdb, on_spark = both([empty, bad], spark=spark)
    assert on_spark.events == 0
    assert outputs(on_spark) == outputs(on_duckdb)
