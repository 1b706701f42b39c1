"""Each vendor parser reads a real-world-shaped sample into the normalised model."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from zhengan.checks.firewall.model import V4_BASE, Action, Service, parse_address
from zhengan.checks.firewall.parsers import parse_config, parse_hits
from zhengan.timeutil import TAIPEI

DATA = Path(__file__).parents[2] / "data" / "firewall"


def ip(text: str) -> int:
    return V4_BASE + int.from_bytes(bytes(int(p) for p in text.split(".")), "big")


def by_position(base, ruleset):
    return {r.position: r for r in base.rules if r.ruleset == ruleset}


def test_iptables_save_with_counters():
    base = parse_config(DATA / "iptables" / "fw-linux01-2024-03-01.rules", "iptables")
    assert base.errors == []
    assert base.taken_at == datetime(2024, 3, 1, 9, 30, tzinfo=TAIPEI)
    assert base.default_actions["filter/INPUT"] is Action.DENY
    assert base.default_actions["filter/FORWARD"] is Action.ALLOW
    rules = by_position(base, "filter/INPUT")
    assert rules[3].sources == parse_address("10.20.0.0/16")
    assert rules[3].services == (Service((6, 6), (0, 65535), (22, 22)),)
    assert rules[3].hit_count == 311
    assert rules[3].description.startswith("CHG-2023-0412")
    assert {s.destination_ports for s in rules[5].services} == {(80, 80), (443, 443)}
    assert rules[2].other_conditions == ("--ctstate RELATED,ESTABLISHED",)
    assert rules[7].unresolved  # ipset not in the export: never matches nothing or everything
    assert (rules[8].action, rules[8].logging) == (Action.DENY, True)  # -j LOGDROP: log then drop
    forward = by_position(base, "filter/FORWARD")
    assert (forward[1].source_zones, forward[1].destination_zones) == (("eth1",), ("eth0",))
    assert not any(r.ruleset.startswith("nat") for r in base.rules)


def test_iptables_errors_name_file_and_line_and_keep_good_rules():
    base = parse_config(DATA / "iptables" / "broken.rules", "iptables")
    assert [r.services[0].destination_ports for r in base.rules] == [(22, 22), (443, 443)]
    assert [e.source.line for e in base.errors] == [5, 6]
    assert all(e.source.file.endswith("broken.rules") for e in base.errors)
    assert "--frobnicate" in base.errors[1].message.en


def test_nftables_json():
    base = parse_config(DATA / "nftables" / "ruleset.json", "nftables")
    assert base.errors == []
    rules = by_position(base, "inet/filter/input")
    assert rules[3].sources == parse_address("10.20.0.0/16") + parse_address("172.16.5.10-172.16.5.20")
    assert rules[3].hit_count == 1520
    assert {s.destination_ports for s in rules[4].services} == {(80, 80), (443, 443), (8000, 8080)}
    assert rules[4].logging is True
    assert rules[5].services == (Service((6, 6), (0, 65535), (23, 23)),)
    assert rules[6].unresolved == ("undefined set / 未定義集合: @missing_set",)
    assert by_position(base, "inet/filter/forward")[1].action is Action.OTHER
    assert base.default_actions["inet/filter/input"] is Action.DENY


def test_cisco_asa_objects_groups_and_bindings():
    base = parse_config(DATA / "cisco_asa" / "fw-edge-01.cfg", "asa")
    assert base.device == "fw-edge-01"
    rules = by_position(base, "outside_in")
    assert sorted(rules) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12]  # ASA line numbers count remarks
    web = rules[2]
    assert web.source_zones == ("outside",)
    assert sorted(web.destinations) == [(ip("10.10.1.20"),) * 2, (ip("10.10.1.21"),) * 2]  # `name` resolved
    assert {s.destination_ports for s in web.services} == {(80, 80), (443, 443)}
    assert web.description == "CHG-2023-0815 internet order web" and web.logging is True
    assert rules[4].sources == ((ip("198.51.100.10"), ip("198.51.100.20")),)
    assert rules[4].services[0].destination_ports == (8443, 8443)
    assert {s.destination_ports for s in rules[7].services} == {(22, 22), (3389, 3389), (8443, 8443)}
    assert "circular" in rules[8].unresolved[0] and "LOOP-A -> LOOP-B -> LOOP-A" in rules[8].unresolved[0]
    assert "fqdn" in rules[9].unresolved[0]
    assert rules[10].logging is True  # denies are logged by default (106023)
    assert rules[11].enabled is False
    assert [(e.source.line, "bogusport" in e.message.en) for e in base.errors] == [(64, True)]
    assert by_position(base, "dmz_in")[2].services[0].destination_ports == (1521, 1521)


def test_cisco_asa_show_access_list_hits():
    hits = parse_hits(DATA / "cisco_asa" / "fw-edge-01-show-access-list-2024-09-01.txt", "asa")
    assert hits.errors == []
    records = {(r.ruleset, r.rule): r for r in hits.records}
    assert records[("outside_in", "2")].hit_count == 983311  # the parent line, not the expanded members
    assert records[("outside_in", "6")].hit_count == 0
    assert records[("outside_in", "2")].taken_at == datetime(2024, 9, 1, 9, 12, 44, tzinfo=TAIPEI)
    assert {r.device for r in hits.records} == {"fw-edge-01"}


def test_fortios_policies():
    base = parse_config(DATA / "fortios" / "fgt-core.conf", "fortios")
    assert base.device == "fgt-core" and base.errors == []
    rules = by_position(base, "policy")
    assert rules[1].any_source and rules[1].source_zones == ("wan1",)
    assert {s.destination_ports for s in rules[1].services} == {(80, 80), (443, 443)}  # HTTP predefined
    assert rules[1].logging is True
    assert rules[3].logging is False and rules[3].description == "wan-rdp"
    assert rules[4].unresolved == ("undefined address / 未定義物件: H-DOES-NOT-EXIST",)
    assert rules[5].enabled is False
    assert rules[6].action is Action.DENY  # no `set action`: FortiOS denies
    assert rules[2].destinations == ((ip("10.10.1.20"),) * 2, (ip("10.10.1.77"),) * 2)


def test_panos_rules_and_hit_counts():
    base = parse_config(DATA / "panos" / "pa-fw01-running-config.xml", "panos")
    assert base.device == "pa-fw01" and base.errors == []
    rules = {r.name: r for r in base.rules}
    assert rules["allow-order-web"].source_zones == ("untrust",)
    assert rules["allow-order-web"].source_ref.line > 1
    assert {s.destination_ports for s in rules["allow-order-web"].services} == {(443, 443), (8443, 8443)}
    assert rules["web-browsing-only"].applications == ("web-browsing",)
    assert not rules["web-browsing-only"].can_cover
    assert "dynamic group" in rules["block-quarantine"].unresolved[0]
    assert rules["old-cdn"].enabled is False
    hits = parse_hits(DATA / "panos" / "pa-fw01-hit-count.xml", "panos")
    assert hits.errors == []
    records = {r.rule: r for r in hits.records}
    assert records["allow-order-web"].hit_count == 9812331
    assert records["allow-partner-api"].last_hit is None
    assert records["dmz-to-db"].counting_since.timestamp() == 1722470400


def test_generic_csv_quarantines_bad_rows():
    base = parse_config(DATA / "csv" / "rules.csv", "csv")
    assert [r.name for r in base.rules] == ["web-in", "partner", "dup-web", "deny-all"]
    assert [(e.source.line, e.source.field) for e in base.errors] == [(5, "action"), (6, "sources")]
    assert base.rules[0].last_hit == datetime(2024, 8, 30, 10, tzinfo=TAIPEI)
