"""Anomaly analysis at scale (issue #8): exact union shadowing on 1,000 to 50,000 rules.

Generates broker-shaped rule bases (zones, hosts and subnets, a few services per rule, ~1% broad
rules), times `analyse_ruleset` and compares it with the plain pairwise comparison (every rule
against every earlier rule) measured in the same run. For sizes where the full pairwise run would take
minutes, the baseline is timed on a random sample of rows and scaled by the number of pairs; the output
says so. The aim: 20,000 rules fully analysed, union shadowing included, in under 10 seconds.

    .venv/bin/python benchmarks/firewall.py [--sizes 1000,10000,20000,50000] [--seed 8]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from zhengan.checks.firewall.anomalies import AnomalyKind, analyse_ruleset
from zhengan.checks.firewall.model import ANY_ADDRESS, V4_BASE, Action, Rule, Service
from zhengan.checks.firewall.space import ZoneNumbers, any_intersection, is_subset, rule_boxes

ZONES = ["outside", "dmz", "inside", "ops", "partner", "mgmt"]
PORTS = [22, 25, 53, 80, 123, 389, 443, 445, 1433, 1521, 3306, 3389, 5432, 8080, 8443, 9000, 9443]


def address(rng: random.Random) -> tuple[int, int]:
    kind = rng.random()
    base = V4_BASE + (10 << 24) + (rng.randrange(64) << 16) + (rng.randrange(256) << 8)
    if kind < 0.70:
        host = base + rng.randrange(256)
        return (host, host)
    if kind < 0.95:
        return (base, base + 255)
    return (base & ~0xFFFF, (base & ~0xFFFF) + 0xFFFF)


def generate(count: int, seed: int) -> list[Rule]:
    rng = random.Random(seed)
    rules = []
    subnet = 0
    for position in range(1, count + 1):
        broad = rng.random() < 0.01
        sources = (
            (ANY_ADDRESS,)
            if broad and rng.random() < 0.5
            else tuple(address(rng) for _ in range(rng.randint(1, 3)))
        )
        destinations = (
            (ANY_ADDRESS,)
            if broad and sources != (ANY_ADDRESS,)
            else tuple(address(rng) for _ in range(rng.randint(1, 3)))
        )
        services = tuple(
            Service((6, 6) if rng.random() < 0.85 else (17, 17), (0, 65535), (p, p))
            for p in rng.sample(PORTS, rng.randint(1, 3))
        )
        zones = (rng.choice(ZONES),), (rng.choice(ZONES),)
        step = position % 97
        if step in (1, 2, 3) and position > 97:  # two halves of a /24, then the whole /24: union shadowing
            if step == 1:
                subnet = address(rng)[0] & ~0xFF
            half = {1: (subnet, subnet + 127), 2: (subnet + 128, subnet + 255), 3: (subnet, subnet + 255)}[
                step
            ]
            sources, destinations, zones = (ANY_ADDRESS,), (half,), (("outside",), ("dmz",))
            services = (Service((6, 6), (0, 65535), (443, 443)),)
        rules.append(Rule(
            ruleset="bench", position=position, name=str(position),
            action=Action.ALLOW if rng.random() < 0.8 else Action.DENY,
            source_zones=zones[0], destination_zones=zones[1],
            sources=sources, destinations=destinations, services=services,
        ))  # fmt: skip
    return rules


def pairwise(rules: list[Rule], rows: list[int]) -> float:
    """Seconds for the plain comparison of the given rows against every earlier rule."""
    zones = ZoneNumbers()
    boxes = [rule_boxes(r, zones) for r in rules]
    start = time.perf_counter()
    for j in rows:
        for i in range(j):
            if any_intersection(boxes[i], boxes[j]):
                is_subset(boxes[j], boxes[i])
                is_subset(boxes[i], boxes[j])
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,20000,50000")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--sample-rows", type=int, default=300)
    args = parser.parse_args(argv)
    print(
        f"{'rules':>7} {'analysis s':>11} {'pairwise s':>11} {'ratio':>8}  anomalies (shadowed/redundant/generalisation/correlation)"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        rules = generate(size, args.seed)
        start = time.perf_counter()
        found = analyse_ruleset("bench", rules)
        analysis = time.perf_counter() - start
        if size <= 2000:
            baseline, note = pairwise(rules, list(range(size))), "measured"
        else:
            rng = random.Random(args.seed)
            rows = rng.sample(range(size), args.sample_rows)
            baseline = pairwise(rules, rows) * (size * (size - 1) / 2) / sum(rows)
            note = f"estimated from {args.sample_rows} sampled rows"
        counts = "/".join(str(len(found.of_kind(k))) for k in AnomalyKind)
        union = sum(
            1
            for a in found.of_kind(AnomalyKind.SHADOWED) + found.of_kind(AnomalyKind.REDUNDANT)
            if len(a.others) > 1
        )
        print(
            f"{size:>7} {analysis:>11.2f} {baseline:>11.2f} {baseline / analysis:>7.1f}x  {counts} ({union} by a union; baseline {note})"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
