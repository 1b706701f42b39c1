"""Anomaly analysis against hand-built rule sets, and against brute force on tiny address spaces."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from zhengan.checks.firewall.anomalies import analyse_ruleset
from zhengan.checks.firewall.model import ANY_PORT, V4_BASE, Action, Rule, Service, parse_address, tcp

ALLOW, DENY = Action.ALLOW, Action.DENY


def rule(position, action, src="any", dst="any", service=None, **extra):
    return Rule(
        ruleset="t", position=position, name=str(position), action=action,
        sources=parse_address(src), destinations=parse_address(dst),
        services=(service or Service(),), **extra,
    )  # fmt: skip


def kinds(rules):
    found = analyse_ruleset("t", rules)
    return sorted(
        (a.kind.value, a.rule.position, tuple(o.position for o in a.others), a.later) for a in found.anomalies
    )


def test_shadowed_only_by_the_union_of_two_earlier_rules():
    rules = [
        rule(1, ALLOW, "10.0.0.0/25", "10.9.9.9", tcp(443)),
        rule(2, ALLOW, "10.0.0.128/25", "10.9.9.9", tcp(443)),
        rule(3, DENY, "10.0.0.0/24", "10.9.9.9", tcp(443)),  # neither 1 nor 2 alone covers it
    ]
    assert kinds(rules) == [("shadowed", 3, (1, 2), False)]


def test_union_of_differently_shaped_rules_over_several_dimensions():
    rules = [
        rule(1, DENY, "10.0.0.0/24", "10.9.9.0/24", tcp(1, 1023)),
        rule(2, DENY, "10.0.0.0/24", "10.9.9.0/24", tcp(1024, 65535)),
        rule(3, DENY, "10.0.0.0/24", "10.9.9.0/24", tcp(0)),
        rule(4, DENY, "10.0.0.5", "10.9.9.7", tcp(0, 65535)),  # covered by 1+2+3 with the same action
    ]
    assert kinds(rules) == [("redundant", 4, (1, 2, 3), False)]


def test_not_covered_when_one_port_is_left():
    rules = [
        rule(1, DENY, "10.0.0.0/24", "10.9.9.0/24", tcp(1, 1023)),
        rule(2, DENY, "10.0.0.0/24", "10.9.9.0/24", tcp(1025, 65535)),
        rule(3, ALLOW, "10.0.0.5", "10.9.9.7", tcp(0, 65535)),
    ]
    assert kinds(rules) == [("correlation", 3, (1,), False), ("correlation", 3, (2,), False)]


def test_hand_built_rule_set_with_every_class():
    rules = [
        rule(1, DENY, "10.1.0.0/24", "any", tcp(22)),
        rule(2, ALLOW, "10.1.0.0/16", "any", tcp(22)),  # generalisation of 1
        rule(3, ALLOW, "10.1.0.5", "any", tcp(22)),  # shadowed by 1
        rule(4, ALLOW, "10.1.2.0/24", "any", tcp(22)),  # redundant: 2 covers it with the same action
        rule(5, DENY, "10.2.0.0/16", "10.9.0.0/24"),
        rule(6, ALLOW, "10.2.0.0/24", "10.9.0.0/16"),  # correlated with 5
        rule(7, ALLOW, "10.3.0.1", "10.9.0.1", tcp(80)),  # redundant to the later rule 8
        rule(8, ALLOW, "10.3.0.0/24", "10.9.0.0/24", tcp(80)),
    ]
    assert kinds(rules) == [
        ("correlation", 6, (5,), False),
        ("generalisation", 2, (1,), False),
        ("redundant", 4, (2,), False),
        ("redundant", 7, (8,), True),
        ("shadowed", 3, (1,), False),
    ]


def test_later_redundancy_blocked_by_a_conflicting_rule_in_between():
    rules = [
        rule(1, ALLOW, "10.3.0.1", "10.9.0.1", tcp(80)),
        rule(2, DENY, "10.3.0.0/24", "10.9.0.1", tcp(80)),
        rule(3, ALLOW, "10.3.0.0/24", "10.9.0.0/24", tcp(80)),
    ]
    assert ("redundant", 1, (3,), True) not in kinds(rules)


def test_rules_restricted_by_unanalysed_dimensions_never_cover():
    rules = [
        rule(1, ALLOW, "any", "10.9.0.1", tcp(443), applications=("web-browsing",)),
        rule(2, ALLOW, "any", "10.9.0.1", tcp(443), users=("corp\\traders",)),
        rule(3, ALLOW, "any", "10.9.0.1", tcp(443), schedule="business-hours"),
        rule(4, DENY, "any", "10.9.0.1", tcp(443)),
    ]
    assert [k for k in kinds(rules) if k[0] in ("shadowed", "redundant")] == []
    # but such a rule can itself be covered by an earlier plain rule
    assert kinds(
        [
            rule(1, DENY, "any", "10.9.0.1", tcp(443)),
            rule(2, ALLOW, "any", "10.9.0.1", tcp(443), applications=("ssl",)),
        ]
    ) == [("shadowed", 2, (1,), False)]


def test_unresolved_and_disabled_rules_are_neither_everything_nor_nothing():
    rules = [
        rule(1, DENY, "any", "any", unresolved=("undefined address / 未定義物件: X",)),
        rule(2, DENY, "10.0.0.0/8", "any", enabled=False),
        rule(3, ALLOW, "10.0.0.1", "10.9.0.1", tcp(443)),
    ]
    found = analyse_ruleset("t", rules)
    assert found.anomalies == []
    assert [r.position for r in found.skipped] == [1, 2]


def test_zones_separate_otherwise_equal_rules():
    rules = [
        rule(1, DENY, "any", "10.9.0.1", tcp(443), source_zones=("outside",)),
        rule(2, ALLOW, "any", "10.9.0.1", tcp(443), source_zones=("inside",)),
        rule(3, ALLOW, "any", "10.9.0.1", tcp(443)),
    ]
    assert kinds(rules) == [("generalisation", 3, (1,), False), ("redundant", 2, (3,), True)]


# ---- brute force on a tiny universe -------------------------------------------------------------

ADDRESSES = range(8)  # 10.0.0.0 - 10.0.0.7
PROTOCOLS = (6, 17)
PORTS = range(6)


def packets():
    return itertools.product(ADDRESSES, ADDRESSES, PROTOCOLS, PORTS)


def matches(r, packet):
    src, dst, proto, port = packet
    return (
        any(lo <= V4_BASE + 0x0A000000 + src <= hi for lo, hi in r.sources)
        and any(lo <= V4_BASE + 0x0A000000 + dst <= hi for lo, hi in r.destinations)
        and any(
            s.protocol[0] <= proto <= s.protocol[1]
            and s.destination_ports[0] <= port <= s.destination_ports[1]
            for s in r.services
        )
    )


def interval(lo_values):
    return st.tuples(st.sampled_from(list(lo_values)), st.sampled_from(list(lo_values))).map(
        lambda t: (min(t), max(t))
    )


@st.composite
def tiny_rule(draw, position):
    s, d, p = draw(interval(ADDRESSES)), draw(interval(ADDRESSES)), draw(interval(PORTS))
    protocols = draw(st.sampled_from([(6,), (17,), (6, 17)]))
    return Rule(
        ruleset="t", position=position, name=str(position), action=draw(st.sampled_from([ALLOW, DENY])),
        sources=(parse_address(f"10.0.0.{s[0]}-10.0.0.{s[1]}")),
        destinations=(parse_address(f"10.0.0.{d[0]}-10.0.0.{d[1]}")),
        services=tuple(Service((q, q), ANY_PORT, p) for q in protocols),
    )  # fmt: skip


@st.composite
def tiny_rulesets(draw):
    size = draw(st.integers(min_value=2, max_value=7))
    return [draw(tiny_rule(position)) for position in range(1, size + 1)]


def brute_force(rules):
    expected = set()
    spaces = [{p for p in packets() if matches(r, p)} for r in rules]
    for j, r in enumerate(rules):
        first = {}
        for packet in spaces[j]:
            for i in range(j):
                if packet in spaces[i]:
                    first[packet] = i
                    break
        if spaces[j] and len(first) == len(spaces[j]):
            contributors = {first[p] for p in spaces[j]}
            same = all(rules[i].action is r.action for i in contributors)
            expected.add(
                (
                    "redundant" if same else "shadowed",
                    r.position,
                    tuple(sorted(rules[i].position for i in contributors)),
                    False,
                )
            )
            continue
        for i in range(j):
            if rules[i].action is r.action or not spaces[i] & spaces[j]:
                continue
            kind = "generalisation" if spaces[i] <= spaces[j] else "correlation"
            expected.add((kind, r.position, (rules[i].position,), False))
    return expected


@settings(max_examples=300, deadline=None)
@given(tiny_rulesets())
def test_exact_analysis_matches_brute_force(rules):
    found = {k for k in kinds(rules) if not k[3]}  # later-redundancy is checked separately above
    assert found == brute_force(rules)
