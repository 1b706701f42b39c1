"""From rule bases to observations, each citing its control ids. Knows no vendor format.

CC17010-2.5 approval, 2.6 yearly/half-yearly review (high-risk settings, six months without traffic,
decommissioned systems), 2.7 least privilege and positive list, 2.8 external rules, 1.7 only necessary
services, 2.3 logs kept (so rules must log), AP-4.6.2 risky or unnecessary open ports; FC-7.1.b.e is
the futures firms' approval clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from zhengan.checks.firewall.anomalies import AnomalyKind, RulesetAnomalies, analyse_ruleset
from zhengan.checks.firewall.decommissioned import DecommissionedSystem
from zhengan.checks.firewall.hits import Usage, UsageVerdict, months_before
from zhengan.checks.firewall.model import (
    ACTION_LABELS,
    Action,
    Range,
    Rule,
    RuleBase,
    parse_address,
    range_within,
)
from zhengan.checks.firewall.risky_services import RiskyService
from zhengan.checks.result import Observation, Severity, SourceRef, Status
from zhengan.text import Text
from zhengan.timeutil import TAIPEI, format_taipei

APPROVAL = ["CC17010-2.5", "FC-7.1.b.e"]
REVIEW = ["CC17010-2.6"]
LEAST_PRIVILEGE = ["CC17010-2.7"]
PORTS = ["CC17010-1.7", "AP-4.6.2"]
LOGS = ["CC17010-2.3"]
EXTERNAL = ["CC17010-2.8"]

DEFAULT_UNTRUSTED_ZONES = r"(?i)(outside|untrust|internet|wan|external|public|isp|inet)"
DEFAULT_DMZ_ZONES = r"(?i)dmz"
DEFAULT_APPROVAL = r"(?i)(\b(chg|cr|rfc|req|ritm|ticket|change|ccb|itsm)[-_ #:]?\d+|簽核|核准|單號|申請單)"
PRIVATE = [r for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
                         "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1") for r in parse_address(net)]  # fmt: skip


@dataclass
class ReviewSettings:
    as_of: datetime
    untrusted_zones: str = DEFAULT_UNTRUSTED_ZONES
    dmz_zones: str = DEFAULT_DMZ_ZONES
    approval_pattern: str = DEFAULT_APPROVAL
    unused_months: int = 6
    max_partners: int = 10  # partner rules listed per generalisation/correlation observation


@dataclass
class RuleFacts:
    """Per-rule classification the review record shows."""

    rule: Rule
    untrusted_source: bool
    external: bool
    dmz: bool
    usage: UsageVerdict | None = None
    observations: list[Observation] = field(default_factory=list)


def includes_public(ranges: tuple[Range, ...]) -> bool:
    from zhengan.checks.firewall.model import complement_ranges, merge_ranges

    remaining = merge_ranges(ranges)
    for private in PRIVATE:
        remaining = tuple(
            piece
            for r in remaining
            for piece in (
                (r,) if not (r[0] <= private[1] and private[0] <= r[1]) else complement_ranges((private,), r)
            )
        )
    return bool(remaining)


def classify(rule: Rule, settings: ReviewSettings) -> RuleFacts:
    untrusted = re.compile(settings.untrusted_zones)
    dmz = re.compile(settings.dmz_zones)
    if rule.source_zones:
        untrusted_source = any(untrusted.search(z) for z in rule.source_zones)
    else:
        untrusted_source = includes_public(rule.sources)
    untrusted_destination = any(untrusted.search(z) for z in rule.destination_zones) or (
        not rule.destination_zones and includes_public(rule.destinations)
    )
    in_dmz = any(dmz.search(z) for z in (*rule.source_zones, *rule.destination_zones))
    return RuleFacts(rule, untrusted_source, untrusted_source or untrusted_destination, in_dmz)


def _observation(rule: Rule, name: str, status: Status, controls: list[str], title: Text, message: Text,
                 severity: Severity | None = None, **details: object) -> Observation:  # fmt: skip
    return Observation(
        rule=f"firewall.{name}",
        status=status,
        control_ids=controls,
        title=title,
        subject=f"{rule.device + ' ' if rule.device else ''}{rule.label}",
        message=message,
        severity=severity,
        source=rule.source_ref,
        details={"ruleset": rule.ruleset, "position": rule.position, "rule": rule.name, **details},
    )


def rule_summary(rule: Rule) -> str:
    zones = f"[{','.join(rule.source_zones) or 'any'}→{','.join(rule.destination_zones) or 'any'}] "
    return (
        f"{zones}{ACTION_LABELS[rule.action].en} {'!' if rule.source_negated else ''}{','.join(rule.source_names)} → "
        f"{'!' if rule.destination_negated else ''}{','.join(rule.destination_names)} {','.join(rule.service_names)}"
    )


def permissive(facts: RuleFacts) -> Observation | None:
    rule = facts.rule
    if rule.action is not Action.ALLOW or not rule.analysable:
        return None
    wide = [
        name
        for name, flag in (
            ("source", rule.any_source),
            ("destination", rule.any_destination),
            ("service", rule.any_service),
        )
        if flag
    ]
    if not wide:
        return None
    zh = {"source": "任意來源", "destination": "任意目的", "service": "任意服務"}
    exposure = (100 if facts.untrusted_source else 0) + 10 * len(wide)
    if facts.untrusted_source and ("service" in wide or "destination" in wide):
        severity = Severity.CRITICAL
    elif facts.untrusted_source or len(wide) >= 2:
        severity = Severity.HIGH
    elif "service" in wide:
        severity = Severity.MEDIUM
    else:
        severity = Severity.LOW
    where = (
        Text(zh="來自不信任區域（網際網路）", en="from an untrusted (internet-facing) zone")
        if facts.untrusted_source
        else Text(zh="內部", en="internal")
    )
    controls = LEAST_PRIVILEGE + (PORTS if "service" in wide else ["AP-4.6.2"])
    return _observation(
        rule, "permissive", Status.FAIL, controls,
        Text(zh="過度寬鬆的允許規則", en="Overly permissive allow rule"),
        Text(zh=f"允許規則使用{'、'.join(zh[w] for w in wide)}（{where.zh}），違反最小授權原則：{rule_summary(rule)}",
             en=f"allow rule with any {', any '.join(wide)} ({where.en}), against least privilege: {rule_summary(rule)}"),
        severity, exposure=exposure, any=wide, untrusted_source=facts.untrusted_source,
    )  # fmt: skip


def risky(facts: RuleFacts, services: list[RiskyService]) -> list[Observation]:
    rule = facts.rule
    if rule.action is not Action.ALLOW or not rule.enabled or not facts.untrusted_source or rule.any_service:
        return []  # an any-service rule is already reported as permissive, with every risky service in it
    found = []
    for risky_service in services:
        target = risky_service.service
        box = (*target.protocol, *target.destination_ports)
        if any(
            s.protocol[0] <= box[1]
            and box[0] <= s.protocol[1]
            and s.destination_ports[0] <= box[3]
            and box[2] <= s.destination_ports[1]
            for s in rule.services
        ):
            found.append(risky_service)
    if not found:
        return []
    worst = min((s.severity for s in found), key=list(Severity).index)
    return [
        _observation(
            rule, "risky_service", Status.FAIL, PORTS + LEAST_PRIVILEGE,
            Text(zh="自不信任區域開放高風險或非必要服務", en="High-risk or unnecessary service open from an untrusted zone"),
            Text(zh=f"自不信任區域允許：{'、'.join(s.name.zh for s in found)}；{rule_summary(rule)}",
                 en=f"allowed from an untrusted zone: {', '.join(s.name.en for s in found)}; {rule_summary(rule)}"),
            worst, services=[s.id for s in found],
        )
    ]  # fmt: skip


def hygiene(facts: RuleFacts, settings: ReviewSettings) -> list[Observation]:
    rule = facts.rule
    out = []
    if not rule.enabled:
        out.append(_observation(rule, "disabled", Status.WARN, REVIEW,
            Text(zh="停用的規則仍留在規則庫", en="Disabled rule left in place"),
            Text(zh="規則已停用但未刪除，請於檢視時確認是否移除", en="the rule is disabled but still in the rule base; decide whether to remove it"),
            Severity.LOW))  # fmt: skip
    if not rule.description.strip():
        out.append(_observation(rule, "no_description", Status.FAIL, APPROVAL,
            Text(zh="規則沒有說明或核准依據", en="Rule without a description or approval reference"),
            Text(zh="規則沒有說明，無法對應權責主管核准之紀錄", en="the rule has no description, so it cannot be traced to its approval"),
            Severity.LOW))  # fmt: skip
    elif not re.search(settings.approval_pattern, rule.description):
        out.append(_observation(rule, "no_approval_reference", Status.WARN, APPROVAL,
            Text(zh="規則說明沒有核准單號", en="Rule description without an approval reference"),
            Text(zh=f"說明「{rule.description}」中找不到變更或核准單號", en=f"no change or approval reference in the description {rule.description!r}"),
            Severity.LOW))  # fmt: skip
    if rule.enabled and rule.logging is False and rule.action is not Action.OTHER:
        out.append(_observation(rule, "no_logging", Status.WARN, LOGS,
            Text(zh="規則未記錄流量", en="Rule without logging"),
            Text(zh="此規則的流量不產生紀錄，無法保存防火牆進出紀錄", en="traffic matching this rule is not logged, so the firewall records cannot be kept"),
            Severity.MEDIUM if rule.action is Action.ALLOW else Severity.LOW))  # fmt: skip
    if rule.enabled and rule.unresolved:
        out.append(_observation(rule, "unresolved", Status.ERROR, REVIEW,
            Text(zh="規則引用無法解析的物件", en="Rule references objects that cannot be resolved"),
            Text(zh=f"無法判斷此規則比對的範圍，不納入涵蓋分析：{'; '.join(rule.unresolved)}",
                 en=f"the rule's match space is unknown and it is left out of the coverage analysis: {'; '.join(rule.unresolved)}"),
            Severity.MEDIUM, unresolved=list(rule.unresolved)))  # fmt: skip
    return out


def usage_observation(facts: RuleFacts, settings: ReviewSettings) -> Observation | None:
    verdict = facts.usage
    rule = facts.rule
    if (
        verdict is None
        or verdict.usage is not Usage.UNUSED
        or not rule.enabled
        or rule.action is not Action.ALLOW
    ):
        return None
    last = format_taipei(verdict.last_used) if verdict.last_used else "—"
    return _observation(
        rule, "unused", Status.FAIL, REVIEW,
        Text(zh=f"{settings.unused_months} 個月以上無流量的規則", en=f"Rule without traffic for {settings.unused_months} months or more"),
        Text(zh=f"{verdict.note.zh}；最後命中：{last}。請評估其必要性", en=f"{verdict.note.en}; last hit: {last}. Assess whether it is still needed"),
        Severity.MEDIUM, members={k: v.value for k, v in verdict.members.items()}, dmz=facts.dmz,
    )  # fmt: skip


def decommissioned(
    facts: RuleFacts, systems: list[DecommissionedSystem], as_of: datetime
) -> list[Observation]:
    rule = facts.rule
    if not rule.enabled or not systems:
        return []
    hits = []
    for system in systems:
        for ranges, negated in (
            (rule.sources, rule.source_negated),
            (rule.destinations, rule.destination_negated),
        ):
            if negated:
                continue
            if any(range_within(r, d) for r in ranges for d in system.ranges):
                hits.append(system)
                break
    out = []
    today = as_of.astimezone(TAIPEI).date()
    for system in hits:
        due: date | None = None
        if system.decommissioned_on:
            due = months_before(
                datetime(
                    system.decommissioned_on.year,
                    system.decommissioned_on.month,
                    system.decommissioned_on.day,
                ),
                -6,
            ).date()
        overdue = due is None or due < today
        name = system.system or system.address
        out.append(_observation(
            rule, "decommissioned", Status.FAIL if overdue else Status.WARN, REVIEW,
            Text(zh="規則引用已下線系統", en="Rule references a decommissioned system"),
            Text(zh=f"規則仍指向已下線系統 {name}（{system.address}），應於下線後六個月內調整或停用" + (f"，期限 {due}" if due else ""),
                 en=f"the rule still refers to decommissioned system {name} ({system.address}); it must be changed or disabled within six months" + (f", due {due}" if due else "")),
            Severity.HIGH if overdue else Severity.MEDIUM, system=name, address=system.address, due=str(due) if due else None,
        ))  # fmt: skip
    return out


def anomaly_observations(found: RulesetAnomalies, settings: ReviewSettings) -> list[Observation]:
    out = []
    for anomaly in found.anomalies:
        rule, others = anomaly.rule, anomaly.others
        labels = ", ".join(o.label for o in others[: settings.max_partners])
        if anomaly.kind is AnomalyKind.SHADOWED:
            out.append(_observation(rule, "shadowed", Status.FAIL, REVIEW + LEAST_PRIVILEGE,
                Text(zh="被遮蔽的規則（永遠不會被比對）", en="Shadowed rule (never matched)"),
                Text(zh=f"前面的規則{'合起來' if len(others) > 1 else ''}完全涵蓋此規則且動作不同：{labels}",
                     en=f"earlier rule{'s together' if len(others) > 1 else ''} cover this rule entirely with another action: {labels}"),
                Severity.MEDIUM, covered_by=[o.label for o in others]))  # fmt: skip
        elif anomaly.kind is AnomalyKind.REDUNDANT:
            if anomaly.later:
                msg = Text(zh=f"後面的規則 {labels} 以相同動作涵蓋此規則，中間沒有衝突規則，可移除",
                           en=f"the later rule {labels} covers this rule with the same action and nothing in between conflicts; it can be removed")  # fmt: skip
            else:
                msg = Text(zh=f"前面的規則{'合起來' if len(others) > 1 else ''}以相同動作完全涵蓋此規則，可移除：{labels}",
                           en=f"earlier rule{'s together' if len(others) > 1 else ''} cover this rule entirely with the same action; it can be removed: {labels}")  # fmt: skip
            out.append(_observation(rule, "redundant", Status.WARN, REVIEW,
                Text(zh="多餘的規則", en="Redundant rule"), msg, Severity.LOW,
                covered_by=[o.label for o in others], later=anomaly.later))  # fmt: skip
    grouped: dict[tuple[str, int], dict[AnomalyKind, list[Rule]]] = {}
    rules: dict[tuple[str, int], Rule] = {}
    for anomaly in found.anomalies:
        if anomaly.kind in (AnomalyKind.GENERALISATION, AnomalyKind.CORRELATION):
            key = (anomaly.rule.ruleset, anomaly.rule.position)
            rules[key] = anomaly.rule
            grouped.setdefault(key, {}).setdefault(anomaly.kind, []).extend(anomaly.others)
    for key, kinds in grouped.items():
        rule = rules[key]
        for kind, partners in kinds.items():
            labels = ", ".join(p.label for p in partners[: settings.max_partners])
            more = (
                f" (+{len(partners) - settings.max_partners})"
                if len(partners) > settings.max_partners
                else ""
            )
            if kind is AnomalyKind.GENERALISATION:
                out.append(_observation(rule, "generalisation", Status.INFO, REVIEW,
                    Text(zh="一般化規則", en="Generalisation"),
                    Text(zh=f"此規則涵蓋前面動作不同的規則（例外在前、一般在後），請確認為刻意設計：{labels}{more}",
                         en=f"this rule contains earlier rules with another action (exception before the general rule); confirm it is intended: {labels}{more}"),
                    Severity.INFO, partners=[p.label for p in partners]))  # fmt: skip
            else:
                out.append(_observation(rule, "correlation", Status.WARN, REVIEW,
                    Text(zh="相關（部分重疊且動作不同）的規則", en="Correlated rules (partial overlap, different actions)"),
                    Text(zh=f"此規則與前面動作不同的規則部分重疊，結果取決於順序：{labels}{more}",
                         en=f"this rule partly overlaps earlier rules with another action, so the outcome depends on order: {labels}{more}"),
                    Severity.LOW, partners=[p.label for p in partners]))  # fmt: skip
    return out


def _zones_cover(last: tuple[str, ...], used: list[tuple[str, ...]]) -> bool:
    """The last rule's zones include every zone the rule set uses (an ACL bound to one interface)."""
    if not last:
        return True
    return all(zones and set(zones) <= set(last) for zones in used)


def final_deny(base: RuleBase, ruleset: str, rules: list[Rule]) -> Observation:
    """The positive-list principle (CC17010-2.7): whatever is not allowed is denied."""
    enabled = [r for r in rules if r.enabled]
    last = enabled[-1] if enabled else None
    explicit = bool(
        last and last.action is Action.DENY and last.can_cover and last.any_source and last.any_destination and last.any_service
        and _zones_cover(last.source_zones, [r.source_zones for r in enabled])
        and _zones_cover(last.destination_zones, [r.destination_zones for r in enabled])
    )  # fmt: skip
    implicit = base.default_actions.get(ruleset)
    subject = f"{base.device + ' ' if base.device else ''}{ruleset}"
    source = SourceRef(file=base.path)
    if explicit:
        return Observation(rule="firewall.final_deny", status=Status.PASS, control_ids=LEAST_PRIVILEGE, subject=subject, source=last.source_ref if last else source,
                           title=Text(zh="規則庫以全部拒絕結尾", en="Rule set ends with a deny-all"),
                           message=Text(zh=f"最後一條規則 {last.label if last else ''} 拒絕其餘流量", en=f"the last rule {last.label if last else ''} denies all other traffic"))  # fmt: skip
    if implicit is Action.DENY:
        return Observation(rule="firewall.final_deny", status=Status.WARN, control_ids=LEAST_PRIVILEGE + LOGS, subject=subject, source=source, severity=Severity.LOW,
                           title=Text(zh="只有隱含的全部拒絕", en="Only an implicit deny-all"),
                           message=Text(zh="規則庫依設備預設拒絕其餘流量，但沒有明確的拒絕規則，被拒絕的流量可能未記錄",
                                        en="the device denies the rest by default, but there is no explicit deny rule, so denied traffic may not be logged"))  # fmt: skip
    return Observation(rule="firewall.final_deny", status=Status.FAIL, control_ids=LEAST_PRIVILEGE, subject=subject, source=source, severity=Severity.HIGH,
                       title=Text(zh="規則庫沒有最後的全部拒絕", en="No final deny-all"),
                       message=Text(zh=f"未允許的流量不會被拒絕（預設動作：{implicit.value if implicit else '未知'}），不符正面表列原則",
                                    en=f"traffic not allowed is not denied (default action: {implicit.value if implicit else 'unknown'}), against the positive-list principle"))  # fmt: skip


@dataclass
class Review:
    observations: list[Observation]
    facts: list[RuleFacts]
    anomalies: list[RulesetAnomalies]


def analyse(bases: list[RuleBase], settings: ReviewSettings, risky_services: list[RiskyService],
            usage: dict[tuple[str, str], UsageVerdict], systems: list[DecommissionedSystem],
            progress: object = None) -> Review:  # fmt: skip
    observations: list[Observation] = []
    all_facts: list[RuleFacts] = []
    all_anomalies: list[RulesetAnomalies] = []
    for base in bases:
        for ruleset, rules in base.rulesets().items():
            found = analyse_ruleset(ruleset, rules)
            all_anomalies.append(found)
            by_position: dict[int, list[Observation]] = {}
            for observation in anomaly_observations(found, settings):
                by_position.setdefault(observation.details["position"], []).append(observation)
            permissive_list: list[Observation] = []
            for rule in rules:
                facts = classify(rule, settings)
                facts.usage = usage.get((rule.ruleset, rule.name))
                items = []
                wide = permissive(facts)
                if wide is not None:
                    permissive_list.append(wide)
                    items.append(wide)
                items += risky(facts, risky_services)
                items += hygiene(facts, settings)
                unused = usage_observation(facts, settings)
                if unused is not None:
                    items.append(unused)
                items += decommissioned(facts, systems, settings.as_of)
                items += by_position.get(rule.position, [])
                facts.observations = items
                all_facts.append(facts)
                observations.extend(o for o in items if o is not wide)
                if callable(progress):
                    progress(1)
            # ranked by exposure: internet-facing zones first
            permissive_list.sort(key=lambda o: -o.details["exposure"])
            observations.extend(permissive_list)
            observations.append(final_deny(base, ruleset, rules))
    return Review(observations, all_facts, all_anomalies)
