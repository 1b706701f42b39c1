"""How events are grouped: account names ignoring case (H6), source addresses by their canonical
spelling (M7, L4), core hosts and services by name ignoring case and short names (M8); on both engines."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from zhengan.checks.logins.analyse import analyse, read_inputs
from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.enrich import (
    address_lookup,
    canonical_ip,
    canonical_ips,
    core_values,
    fold_accounts,
    ip_key,
    ip_keys,
    prepare,
)
from zhengan.checks.logins.readers.base import ReadOptions


def by_detection(analysis, detection: str) -> list[dict]:
    """The rows of a detection (the daily summary's from `summaries`: its notable rows are also alerts)."""
    rows = analysis.summaries if detection == "logins.non_customer_daily" else analysis.alerts
    return [r for r in rows if r["detection"] == detection]


def notes_en(analysis) -> list[str]:
    return [note.en for note in analysis.notes]


@pytest.fixture(scope="module")
def keys_csv(data_dir: Path) -> Path:
    return data_dir / "csv" / "keys.csv"


@pytest.fixture(scope="module")
def case_xml(data_dir: Path) -> Path:
    return data_dir / "windows-xml" / "account-case.xml"


# H6: account names


def test_windows_spellings_of_one_account_are_one_account(case_xml):
    analysis = analyse([case_xml])
    failed = by_detection(analysis, "logins.failed_passwords")
    assert len(failed) == 1  # SR-6.6: three wrong passwords typed Alice, alice, ALICE
    assert failed[0]["subject"] == "Alice"  # the spelling seen first
    assert failed[0]["observed"] == 3
    assert failed[0]["event_ids"] == [f"{case_xml}:{n}" for n in (1, 2, 3)]
    daily = by_detection(analysis, "logins.non_customer_daily")
    assert [r["subject"] for r in daily] == ["Alice 2026-11-20"]  # SR-3.6: one row, not three
    assert any("Alice (ALICE, alice)" in note for note in notes_en(analysis))


def test_case_sensitive_names_stay_apart_when_the_firm_says_so(case_xml):
    analysis = analyse([case_xml], LoginConfig(account_names_case_sensitive=True))
    assert by_detection(analysis, "logins.failed_passwords") == []
    daily = by_detection(analysis, "logins.non_customer_daily")
    assert sorted(r["subject"].split()[0] for r in daily) == ["ALICE", "Alice", "alice"]
    assert not any("grouped ignoring case" in note for note in notes_en(analysis))


def test_config_file_setting(tmp_path: Path):
    path = tmp_path / "firm.yaml"
    path.write_text("account_names_case_sensitive: true\n", encoding="utf-8")
    assert LoginConfig.load(path).account_names_case_sensitive is True
    assert LoginConfig().account_names_case_sensitive is False


def test_customer_notified_under_the_first_spelling(keys_csv):
    analysis = analyse([keys_csv])
    failed = by_detection(analysis, "logins.failed_passwords")
    assert [(r["subject"], r["observed"], r["user_names"]) for r in failed] == [
        ("A123456789", 3, ["A123456789"])
    ]
    customers = [n["customer"] for n in analysis.notifications]
    assert "A123456789" in customers and "a123456789" not in customers
    # the staff account logged as ops.chen and OPS.Chen is one row of the daily summary
    daily = by_detection(analysis, "logins.non_customer_daily")
    assert [(r["subject"], r["event_count"]) for r in daily] == [("ops.chen 2026-11-20", 2)]


def test_fold_accounts_keeps_the_first_spelling_across_chunks_and_dictionaries():
    plain = pa.chunked_array([["bob", "Alice", None], ["ALICE", "alice", "Bob", "carol"]])
    folded, groups = fold_accounts(plain)
    assert folded.to_pylist() == ["bob", "Alice", None, "Alice", "Alice", "bob", "carol"]
    assert groups == [("Alice", ["ALICE", "alice"]), ("bob", ["Bob"])]
    # a dictionary column whose dictionary lists a name no row uses, and in another order than the rows
    dictionary = pa.array(["unused", "ALICE", "alice"])
    encoded = pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array([2, 1, 2], pa.int32()), dictionary)])
    folded, groups = fold_accounts(encoded)
    assert folded.to_pylist() == ["alice", "alice", "alice"]
    assert groups == [("alice", ["ALICE"])]
    # nothing to fold: the column itself comes back
    unchanged = pa.chunked_array([["a", "b", "a"]])
    assert fold_accounts(unchanged) == (unchanged, [])


# M7, L4: source addresses


def test_address_spellings_are_one_source(keys_csv):
    analysis = analyse([keys_csv])
    many = by_detection(analysis, "logins.ip_many_accounts")
    assert [(r["subject"], r["observed"], r["source_ips"]) for r in many] == [
        ("198.51.100.9", 10, ["198.51.100.9"]),  # five of them logged as ::ffff:198.51.100.9
        ("2001:db8::1", 10, ["2001:db8::1"]),  # logged in five spellings
    ]


def test_ipv4_mapped_address_is_located(keys_csv):
    analysis = analyse([keys_csv])
    abroad = by_detection(analysis, "logins.abroad_domestic_channel")
    assert [(r["subject"], r["detail"], r["source_ips"]) for r in abroad] == [
        ("G000000001", ["voice from VN"], ["14.161.20.30"])
    ]


def test_unparsable_address_is_kept_out_of_address_checks_with_a_count(keys_csv):
    analysis = analyse([keys_csv])
    assert analysis.quarantine == []  # the login itself is real
    assert analysis.events == 27
    [note] = [n for n in analysis.notes if "not an IP address" in n.en]
    assert note.en.startswith("1 event carries") and "'not-an-ip'" in note.en
    assert "1 筆事件" in note.zh
    # still a customer's wrong password (CC17010-11.1), named with the text as logged
    failures = [r for r in analysis.notification_records if r["subject"] == "H000000001"]
    assert failures and failures[0]["source_ips"] == ["not-an-ip"]


def test_canonical_spellings():
    assert canonical_ip("2001:0DB8:0:0::1") == "2001:db8::1"
    assert canonical_ip("::ffff:198.51.100.9") == "198.51.100.9"
    assert canonical_ip("fe80::1%eth0") == "fe80::1"
    assert canonical_ip("010.1.1.1") is None  # leading zeros: ambiguous (octal), not an address
    assert canonical_ip("not-an-ip") is None
    addresses, lookup = address_lookup(
        pa.array(["198.51.100.9", "::ffff:198.51.100.9", "2001:DB8::1", "2001:db8::1", "x"]), LoginConfig()
    )
    assert addresses["source_ip"].to_pylist() == ["198.51.100.9", "2001:db8::1"]
    assert lookup["ip_no"].to_pylist() == [0, 0, 1, 1, None]
    assert lookup["display"].to_pylist() == [
        "198.51.100.9",
        "198.51.100.9",
        "2001:db8::1",
        "2001:db8::1",
        "x",
    ]


# M8: core hosts and services


def test_short_core_host_matches_the_windows_fqdn_ignoring_case(data_dir: Path):
    path = data_dir / "windows-xml" / "security-wevtutil.xml"
    listed = analyse([path], LoginConfig(core_hosts=["bo-app-01", "missing-01"], core_services=["Voice"]))
    daily = by_detection(listed, "logins.non_customer_daily")
    # BO-APP-01.corp.example.com.tw is bo-app-01; alice's lockout on DC01 is not on a core host
    assert [(r["subject"], r["event_count"]) for r in daily] == [
        ("administrator1 2026-11-20", 1),
        ("alice 2026-11-20", 3),
        ("svc_backup 2026-11-20", 1),
    ]
    notes = notes_en(listed)
    assert any("core hosts missing-01 " in n for n in notes)
    assert any("core services voice " in n for n in notes)  # names as the firm file lists them, folded
    assert not any("bo-app-01" in n for n in notes)


def test_core_values_rule():
    config = LoginConfig(
        core_hosts=["bo-app-01", "DB-01.corp.example", "10.0.0.5", "10"], core_services=["Web"]
    )
    hosts, services, notes = core_values(
        ["BO-APP-01.corp.example.com.tw", "bo-app-02.corp", "db-01", "10.0.0.5", "10.9.9.9", None],
        ["web", "ssh", None],
        config,
    )
    # a short name matches a full name's first label (either way round); addresses only themselves
    assert hosts == ["10.0.0.5", "BO-APP-01.corp.example.com.tw", "db-01"]
    assert services == ["web"]
    assert [n.en.split(" of the")[0] for n in notes] == ["the core hosts 10"]


# Both engines give the same results (Spark reads and prepares Parquet itself).


@pytest.mark.spark
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_keys_on_spark_as_on_duckdb(tmp_path: Path, keys_csv, spark, case_sensitive):
    table = pcsv.read_csv(
        keys_csv,
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in pcsv.read_csv(keys_csv).column_names}
        ),
    )
    path = tmp_path / "keys.parquet"
    pq.write_table(table, path)
    config = LoginConfig(
        core_hosts=["ORDER-GW-01", "missing-01"],
        core_services=["WEB", "ssh"],
        account_names_case_sensitive=case_sensitive,
    )
    on_duckdb = analyse([path], config)
    on_spark = analyse([path], config, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "spark"
    for name in ("alerts", "summaries", "notification_records", "notifications", "counts", "top_sources"):
        assert getattr(on_spark, name) == getattr(on_duckdb, name), name
    assert on_spark.top_accounts == on_duckdb.top_accounts
    assert [n.en for n in on_spark.notes] == [n.en for n in on_duckdb.notes]
    assert len(by_detection(on_spark, "logins.ip_many_accounts")) == 2
    assert any("missing-01" in n for n in notes_en(on_spark))


def test_vectorised_address_keys_agree_with_the_one_by_one_ones():
    texts = [
        "1.2.3.4",
        None,
        "2001:DB8::1",
        "x",
        "",
        "::ffff:1.2.3.4",
        "fe80::1%eth0",
        "010.1.1.1",
        "10.0.0.1",
    ]
    keys, versions = ip_keys(pa.array(texts, pa.string()))
    assert keys.to_pylist() == [None if t is None else ip_key(t) for t in texts]
    assert versions.to_pylist()[:3] == [4, None, 6] and versions.to_pylist()[-1] == 4
    assert canonical_ips(pa.array(texts, pa.string())).to_pylist() == [
        None if t is None else canonical_ip(t) for t in texts
    ]


def test_prepared_addresses_are_plain_text_in_their_displayed_spelling(keys_csv, tmp_path: Path):
    """Every event's address as displayed, as plain text: a dictionary of every distinct address would be
    imported again by DuckDB for each chunk it scans."""
    results, *_ = read_inputs([keys_csv], ReadOptions())
    prepared = prepare(results, LoginConfig())
    shown = prepared.events["source_ip"]
    assert shown.type == pa.string()
    logged = results[0].table["source_ip"].to_pylist()
    assert shown.to_pylist() == [None if t is None else (canonical_ip(t) or t) for t in logged]
    assert "::ffff:198.51.100.9" in logged  # the sample does hold spellings that are not canonical
    canonical = tmp_path / "canonical.csv"
    canonical.write_text(
        "@timestamp,event.outcome,user.name,source.ip\n2026-11-20T10:00:00Z,failure,a,198.51.100.9\n",
        encoding="utf-8",
    )
    results, *_ = read_inputs([canonical], ReadOptions())
    assert prepare(results, LoginConfig()).events["source_ip"].type == pa.string()
