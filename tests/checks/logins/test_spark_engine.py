"""The same detection definitions on Apache Spark (local mode) give exactly the DuckDB alerts."""

from __future__ import annotations

import pytest

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.groundtruth import false_alerts, missed_attacks
from zhengan.checks.logins.readers.base import ReadOptions

pytestmark = pytest.mark.spark


def comparable(analysis):
    return analysis.alerts, analysis.summaries, analysis.notification_records, analysis.notifications


def test_both_engines_identical_on_synthetic_day(synthetic_day, spark):
    folder, truth = synthetic_day
    config = LoginConfig.load(folder / "zhengan-logins.yaml")
    path = folder / "logins.parquet"
    on_duckdb = analyse([path], config, engine="duckdb")
    on_spark = analyse([path], config, engine="spark", spark_session=spark)
    assert on_spark.counts == on_duckdb.counts
    assert comparable(on_spark) == comparable(on_duckdb)
    assert missed_attacks(on_spark, truth, str(path), "parquet") == []
    assert false_alerts(on_spark, truth, str(path), "parquet") == []


def test_both_engines_identical_on_sample_logs(data_dir, spark):
    paths = [
        data_dir / "sshd" / "auth.log",
        data_dir / "windows-xml" / "security-wevtutil.xml",
        data_dir / "syslog5424" / "ordering-portal.log",
        data_dir / "csv" / "broker-export.csv",
    ]
    config = LoginConfig(blacklists=[data_dir / "blacklist" / "fisac-ip-blacklist.csv"])
    options = ReadOptions(year=2026)
    on_duckdb = analyse(paths[:3], config, options)
    on_spark = analyse(paths[:3], config, options, engine="spark", spark_session=spark)
    assert on_duckdb.alerts, "the samples contain alerts (root's three failures, alice's lockout)"
    assert comparable(on_spark) == comparable(on_duckdb)


def test_both_engines_agree_on_holidays_and_make_up_workdays(tmp_path, spark):
    path = tmp_path / "staff.csv"
    path.write_text(
        "@timestamp,event.outcome,user.name,user.type,source.ip,host.name,service.name\n"
        "2026-02-17 10:00:00+08:00,success,staff0001,staff,10.20.0.1,core-db-01,staff\n"  # Lunar New Year
        "2025-02-08 10:00:00+08:00,success,staff0002,staff,10.20.0.2,core-db-01,staff\n"  # make-up Saturday
        "2026-02-23 10:00:00+08:00,success,staff0003,staff,10.20.0.3,core-db-01,staff\n",  # ordinary Monday
        encoding="utf-8",
    )
    config = LoginConfig(core_hosts=["core-db-01"])
    on_duckdb = analyse([path], config)
    on_spark = analyse([path], config, engine="spark", spark_session=spark)
    assert [s["notable"] for s in on_duckdb.summaries] == [True, False, False]
    assert comparable(on_spark) == comparable(on_duckdb)
