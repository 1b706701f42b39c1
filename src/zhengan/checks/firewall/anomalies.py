"""Anomalies between rules of one ordered rule set (Al-Shaer and Hamed), computed exactly.

- shadowed: never matched, because earlier rules (one or several together) cover it, at least one of
  them with another action;
- redundant: covered by earlier rules that all have its action, or (Al-Shaer's second kind) contained in
  a later rule with the same action and no rule in between that overlaps it with another action;
- generalisation: a later rule contains an earlier rule with another action;
- correlation: two rules overlap without containment and have different actions.

Coverage is by the union of earlier rules, not only by one: the rule's boxes are reduced by each earlier
overlapping rule in first-match order until nothing is left. Only rules whose whole match space is known
take part: enabled, every object resolved, a final action, and no restriction in a dimension the model
does not analyse (applications, users, URL categories, schedules, connection state…).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from zhengan.checks.firewall.model import Action, Rule
from zhengan.checks.firewall.space import (
    Box,
    RuleIndex,
    ZoneNumbers,
    any_intersection,
    hull,
    intersects,
    is_subset,
    rule_boxes,
    subtract_all,
)


class AnomalyKind(StrEnum):
    SHADOWED = "shadowed"
    REDUNDANT = "redundant"
    GENERALISATION = "generalisation"
    CORRELATION = "correlation"


@dataclass
class Anomaly:
    kind: AnomalyKind
    rule: Rule  # the rule the anomaly is reported on
    others: list[Rule]  # the covering rules (in order), the later superset, or the partner
    later: bool = False  # redundant to a later rule (Al-Shaer's second kind of redundancy)


@dataclass
class RulesetAnomalies:
    ruleset: str
    anomalies: list[Anomaly] = field(default_factory=list)
    analysed: int = 0
    skipped: list[Rule] = field(default_factory=list)  # disabled or unresolved: not analysed
    candidate_pairs: int = 0  # pairs the index proposed (for the benchmark)

    def of_kind(self, kind: AnomalyKind) -> list[Anomaly]:
        return [a for a in self.anomalies if a.kind is kind]


def analyse_ruleset(name: str, rules: list[Rule]) -> RulesetAnomalies:
    """All anomalies of one rule set, `rules` in first-match order."""
    result = RulesetAnomalies(ruleset=name)
    zones = ZoneNumbers()
    ordered = sorted(rules, key=lambda r: r.position)
    live: list[Rule] = []
    boxes: list[list[Box]] = []
    for rule in ordered:
        if rule.analysable:
            live.append(rule)
            boxes.append(rule_boxes(rule, zones))
        else:
            result.skipped.append(rule)
    result.analysed = len(live)
    hulls = [hull(b) if b else None for b in boxes]
    index = RuleIndex()
    partners: list[list[int]] = [[] for _ in live]
    covered = [False] * len(live)

    for j, rule in enumerate(live):
        mine = boxes[j]
        if not mine:  # an empty space (e.g. negation of everything) matches nothing
            continue
        candidates = sorted(index.query(mine))
        result.candidate_pairs += len(candidates)
        my_hull = hulls[j]
        overlapping = [
            i for i in candidates if intersects(hulls[i], my_hull) and any_intersection(boxes[i], mine)
        ]
        for i in overlapping:
            partners[i].append(j)
            partners[j].append(i)

        remaining, contributors = mine, []
        for i in overlapping:
            if not live[i].can_cover:
                continue
            remaining, changed = subtract_all(remaining, boxes[i])
            if changed:
                contributors.append(live[i])
            if not remaining:
                break
        if not remaining and contributors:
            covered[j] = True
            same = all(c.action is rule.action for c in contributors)
            kind = AnomalyKind.REDUNDANT if same else AnomalyKind.SHADOWED
            result.anomalies.append(Anomaly(kind, rule, contributors))
        elif _pairwise_comparable(rule):
            for i in overlapping:
                earlier = live[i]
                if earlier.action is rule.action or not _pairwise_comparable(earlier):
                    continue
                if is_subset(boxes[i], mine):
                    result.anomalies.append(Anomaly(AnomalyKind.GENERALISATION, rule, [earlier]))
                else:
                    result.anomalies.append(Anomaly(AnomalyKind.CORRELATION, rule, [earlier]))
        index.insert(j, mine)

    _later_redundancy(live, boxes, partners, covered, ordered, result)
    return result


def _pairwise_comparable(rule: Rule) -> bool:
    return rule.action is not Action.OTHER and not rule.unanalysed


def _later_redundancy(
    live: list[Rule],
    boxes: list[list[Box]],
    partners: list[list[int]],
    covered: list[bool],
    ordered: list[Rule],
    result: RulesetAnomalies,
) -> None:
    """Rx redundant if a later Ry with the same action contains it and nothing in between conflicts."""
    unresolved_positions = [r.position for r in ordered if r.enabled and r.unresolved]
    for i, rule in enumerate(live):
        if covered[i] or rule.action is Action.OTHER or not boxes[i]:
            continue
        for k in sorted(p for p in partners[i] if p > i):
            later = live[k]
            if later.action is not rule.action:
                break
            if later.can_cover and is_subset(boxes[i], boxes[k]):
                between = any(rule.position < p < later.position for p in unresolved_positions)
                if not between:
                    result.anomalies.append(Anomaly(AnomalyKind.REDUNDANT, rule, [later], later=True))
                break


def pairwise_baseline(rules: list[Rule]) -> int:
    """The plain comparison every review tool starts from: every pair, one rule against one rule.

    Used by the benchmark as the baseline; it finds only single-rule shadowing and redundancy.
    """
    zones = ZoneNumbers()
    live = [r for r in sorted(rules, key=lambda r: r.position) if r.analysable]
    boxes = [rule_boxes(r, zones) for r in live]
    found = 0
    for j in range(len(live)):
        for i in range(j):
            if any_intersection(boxes[i], boxes[j]) and is_subset(boxes[j], boxes[i]):
                found += 1
    return found
