from __future__ import annotations

from zhengan.checks.logins.blacklist import blacklist_table, read_blacklist
from zhengan.checks.logins.enrich import ip_key


def test_csv_blacklist(data_dir):
    entries, errors, _ = read_blacklist(data_dir / "blacklist" / "fisac-ip-blacklist.csv")
    assert [e.network for e in entries] == ["45.134.26.0/24", "185.220.101.33/32", "2001:db8:dead::/48"]
    assert entries[0].source == "F-ISAC"
    assert len(errors) == 1 and errors[0].source.line == 5 and errors[0].raw == "not-an-ip"


def test_stix_bundle(data_dir):
    entries, errors, _ = read_blacklist(data_dir / "blacklist" / "fisac-stix21-bundle.json")
    assert errors == []
    assert [(e.network, e.source) for e in entries] == [("185.220.101.0/24", "F-ISAC")]


def test_ranges_match_by_key_order(data_dir):
    entries, _, _ = read_blacklist(data_dir / "blacklist" / "fisac-ip-blacklist.csv")
    table = blacklist_table(entries).to_pylist()
    inside, outside = ip_key("45.134.26.200"), ip_key("45.134.27.1")
    assert table[0]["range_start"] <= inside <= table[0]["range_end"]
    assert not table[0]["range_start"] <= outside <= table[0]["range_end"]
    v6 = ip_key("2001:db8:dead:1::5")
    assert table[2]["range_start"] <= v6 <= table[2]["range_end"]
    assert ip_key("not an address") is None
