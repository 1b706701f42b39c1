"""nftables JSON (`nft -j list ruleset`): one rule set per chain, `family/table/chain`.

Reads payload matches on addresses and ports, `meta l4proto`, `iifname`/`oifname` (zones), anonymous and
named sets, counters (hit counts), `log` statements and verdicts. `ct state` and other matches are kept
as conditions the model does not analyse. Locations are JSON paths (`nftables[12]`): nft writes one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zhengan.checks.firewall.model import (
    ANY_PORT,
    ANY_PROTOCOL,
    Action,
    ModelError,
    Range,
    Rule,
    RuleBase,
    Service,
    negate_addresses,
    parse_address,
    port_number,
    protocol_range,
)
from zhengan.checks.result import SourceRef

VERDICTS = {"accept": Action.ALLOW, "drop": Action.DENY, "reject": Action.DENY}


def parse(path: Path) -> RuleBase:
    base = RuleBase(vendor="nftables", path=str(path))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        items = document["nftables"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        line = getattr(exc, "lineno", None)
        base.error(line, f"不是 nft -j 的 JSON：{exc}", f"not nft -j JSON output: {exc}")
        return base
    sets: dict[tuple[str, str, str], Any] = {}
    for item in items:
        if "set" in item:
            s = item["set"]
            sets[(s.get("family", ""), s.get("table", ""), s.get("name", ""))] = s
    positions: dict[str, int] = {}
    for number, item in enumerate(items):
        where = f"nftables[{number}]"
        if "chain" in item:
            chain = item["chain"]
            policy = chain.get("policy")
            if policy in VERDICTS:
                ruleset = f"{chain['family']}/{chain['table']}/{chain['name']}"
                base.default_actions[ruleset] = VERDICTS[policy]
                base.default_logged[ruleset] = False
        if "rule" not in item:
            continue
        body = item["rule"]
        ruleset = f"{body.get('family')}/{body.get('table')}/{body.get('chain')}"
        positions[ruleset] = positions.get(ruleset, 0) + 1
        try:
            rule = _rule(body, ruleset, positions[ruleset], sets)
        except (ModelError, KeyError, TypeError, ValueError) as exc:
            base.error(
                None,
                f"無法解析規則：{exc}",
                f"cannot parse rule: {exc}",
                raw=json.dumps(body)[:500],
                field_=where,
            )
            continue
        rule.source_ref = SourceRef(file=str(path), field=where)
        base.rules.append(rule)
    return base


def _rule(body: dict[str, Any], ruleset: str, position: int, sets: dict[tuple[str, str, str], Any]) -> Rule:
    handle = body.get("handle")
    rule = Rule(
        ruleset=ruleset,
        position=position,
        name=str(handle if handle is not None else position),
        action=Action.OTHER,
    )
    rule.description = body.get("comment", "")
    rule.logging = False
    protocols: list[Range] = []
    sports: list[Range] = []
    dports: list[Range] = []
    other: list[str] = []
    family, table = body.get("family", ""), body.get("table", "")

    def values(right: Any) -> list[Any]:
        if isinstance(right, str) and right.startswith("@"):
            found = sets.get((family, table, right[1:]))
            if found is None:
                rule.unresolved += (f"undefined set / 未定義集合: {right}",)
                return []
            return list(found.get("elem", []))
        if isinstance(right, dict) and "set" in right:
            return list(right["set"])
        return [right]

    def addresses(right: Any) -> tuple[Range, ...]:
        out: list[Range] = []
        for v in values(right):
            if isinstance(v, dict) and "prefix" in v:
                out.extend(parse_address(f"{v['prefix']['addr']}/{v['prefix']['len']}"))
            elif isinstance(v, dict) and "range" in v:
                out.extend(parse_address(f"{v['range'][0]}-{v['range'][1]}"))
            elif isinstance(v, dict) and "elem" in v:
                out.extend(addresses(v["elem"]["val"]))
            else:
                out.extend(parse_address(str(v)))
        return tuple(out)

    def ports(right: Any) -> list[Range]:
        out: list[Range] = []
        for v in values(right):
            if isinstance(v, dict) and "range" in v:
                out.append((port_number(str(v["range"][0])), port_number(str(v["range"][1]))))
            else:
                n = port_number(str(v))
                out.append((n, n))
        return out

    for expression in body.get("expr", []):
        if "match" in expression:
            match = expression["match"]
            left, right, op = match["left"], match["right"], match.get("op", "==")
            negate = op == "!="
            if op not in ("==", "!=", "in"):
                other.append(json.dumps(match))
                continue
            if "payload" in left:
                protocol, field = left["payload"].get("protocol"), left["payload"].get("field")
                if protocol in ("ip", "ip6") and field in ("saddr", "daddr"):
                    ranges = addresses(right)
                    if negate:
                        ranges = negate_addresses(ranges)
                    names = (("!" if negate else "") + json.dumps(right),)
                    if field == "saddr":
                        rule.sources, rule.source_negated, rule.source_names = ranges, negate, names
                    else:
                        rule.destinations, rule.destination_negated, rule.destination_names = (
                            ranges,
                            negate,
                            names,
                        )
                    continue
                if protocol in ("tcp", "udp", "sctp") and field in ("sport", "dport") and not negate:
                    if not protocols:
                        protocols.append(protocol_range(protocol))
                    (dports if field == "dport" else sports).extend(ports(right))
                    continue
                if protocol in ("ip", "ip6") and field in ("protocol", "nexthdr") and not negate:
                    protocols.extend(protocol_range(str(v)) for v in values(right))
                    continue
            if "meta" in left:
                key = left["meta"].get("key")
                if key == "l4proto" and not negate:
                    protocols.extend(protocol_range(str(v)) for v in values(right))
                    continue
                if key in ("iifname", "oifname", "iif", "oif") and not negate:
                    zones = tuple(str(v) for v in values(right))
                    if key.startswith("i"):
                        rule.source_zones = zones
                    else:
                        rule.destination_zones = zones
                    continue
            other.append(json.dumps(match, sort_keys=True))
        elif "counter" in expression:
            counter = expression["counter"]
            if isinstance(counter, dict) and "packets" in counter:
                rule.hit_count = int(counter["packets"])
        elif "log" in expression:
            rule.logging = True
        elif any(v in expression for v in VERDICTS):
            verdict = next(v for v in VERDICTS if v in expression)
            rule.action, rule.action_raw = VERDICTS[verdict], verdict
        elif "jump" in expression or "goto" in expression:
            kind = "jump" if "jump" in expression else "goto"
            rule.action, rule.action_raw = Action.OTHER, f"{kind} {expression[kind].get('target')}"
        elif "return" in expression or "continue" in expression:
            rule.action_raw = "return" if "return" in expression else "continue"
        elif "limit" in expression or "ct" in expression:
            other.append(json.dumps(expression, sort_keys=True))
    protocol_list = protocols or [ANY_PROTOCOL]
    if dports or sports:
        rule.services = tuple(
            Service(p, s, d)
            for p in protocol_list
            for s in (sports or [ANY_PORT])
            for d in (dports or [ANY_PORT])
        )
    else:
        rule.services = tuple(Service(p) for p in protocol_list)
    rule.service_names = tuple(str(s) for s in rule.services)
    rule.other_conditions = tuple(other)
    return rule
