"""Palo Alto PAN-OS XML configuration (running-config.xml) and `show rule-hit-count` XML.

Reads shared and per-vsys address, address-group, service and service-group objects and the security
rulebase (pre-rulebase and post-rulebase from Panorama-pushed configs too). Zones are `from`/`to`.
`application-default` as a service depends on the application and is kept as an unanalysed condition.
Dynamic address groups and FQDN objects cannot be resolved offline. Rulebases end with the predefined
intrazone (allow) and interzone (deny) rules; neither logs by default.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from zhengan.checks.firewall.hits import HitFile, HitRecord
from zhengan.checks.firewall.model import (
    ANY_PORT,
    Action,
    ModelError,
    Range,
    Rule,
    RuleBase,
    Service,
    negate_addresses,
    parse_address,
    port_range,
)
from zhengan.checks.firewall.objects import ObjectTable
from zhengan.checks.result import SourceRef

PREDEFINED_SERVICES = {
    "service-http": [Service((6, 6), ANY_PORT, (80, 80)), Service((6, 6), ANY_PORT, (8080, 8080))],
    "service-https": [Service((6, 6), ANY_PORT, (443, 443))],
    "any": [Service()],
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, *path: str) -> Element | None:
        node: Element | None = self
        for tag in path:
            node = next((c for c in node.children if c.tag == tag), None) if node else None
        return node

    def entries(self, *path: str) -> list[Element]:
        node = self.find(*path)
        return [c for c in node.children if c.tag == "entry"] if node else []

    def members(self, *path: str) -> list[str]:
        node = self.find(*path)
        return [c.text.strip() for c in node.children if c.tag == "member"] if node else []

    def value(self, *path: str) -> str | None:
        node = self.find(*path)
        return node.text.strip() if node is not None else None


def read_xml(path: Path) -> Element:
    """A small tree with line numbers; DTDs and entities are refused (no entity expansion attacks)."""
    parser = xml.parsers.expat.ParserCreate()
    root = Element("", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        stack[-1].text += data

    def refuse(*_: object) -> None:
        raise ModelError("DTD or entity declarations are not accepted / 不接受 DTD 或實體宣告")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(path.read_bytes(), True)
    return root


def parse(path: Path) -> RuleBase:
    base = RuleBase(vendor="panos", path=str(path))
    try:
        root = read_xml(path)
    except (xml.parsers.expat.ExpatError, ModelError) as exc:
        base.error(getattr(exc, "lineno", None), f"XML 無法解析：{exc}", f"unreadable XML: {exc}")
        return base
    config = root.find("config")
    if config is None:
        base.error(1, "不是 PAN-OS 設定檔（缺少 <config>）", "not a PAN-OS configuration (no <config>)")
        return base
    shared = config.find("shared")
    for device in config.entries("devices"):
        base.device = device.value("deviceconfig", "system", "hostname") or device.attrs.get("name", "")
        for vsys in device.entries("vsys"):
            _parse_vsys(base, path, shared, vsys)
    return base


def _objects(scopes: list[Element | None], base: RuleBase) -> tuple[ObjectTable[Range], ObjectTable[Service]]:
    addresses: ObjectTable[Range] = ObjectTable(
        "address", lambda n: list(parse_address(n)) if n == "any" or _literal(n) else None
    )
    services: ObjectTable[Service] = ObjectTable("service", lambda n: PREDEFINED_SERVICES.get(n))
    for scope in scopes:
        if scope is None:
            continue
        for entry in scope.entries("address"):
            definition = addresses.define(entry.attrs["name"], entry.line)
            for kind in ("ip-netmask", "ip-range", "ip-wildcard", "fqdn"):
                value = entry.value(kind)
                if value is None:
                    continue
                try:
                    if kind in ("ip-netmask", "ip-range"):
                        definition.values.extend(parse_address(value))
                    else:
                        definition.problems.append(
                            f"{kind} {value} cannot be resolved offline / 無法離線解析"
                        )
                except ModelError as exc:
                    base.error(
                        entry.line,
                        f"位址物件 {entry.attrs['name']}：{exc}",
                        f"address {entry.attrs['name']}: {exc}",
                    )
                    definition.problems.append(str(exc))
        for entry in scope.entries("address-group"):
            definition = addresses.define(entry.attrs["name"], entry.line)
            definition.members.extend(entry.members("static"))
            if entry.find("dynamic") is not None:
                definition.problems.append(
                    f"dynamic group {entry.value('dynamic', 'filter')} cannot be resolved offline / 動態群組無法離線解析"
                )
        for entry in scope.entries("service"):
            definition = services.define(entry.attrs["name"], entry.line)
            for proto, number in (("tcp", 6), ("udp", 17), ("sctp", 132)):
                node = entry.find("protocol", proto)
                if node is None:
                    continue
                try:
                    sources = [port_range(p) for p in (node.value("source-port") or "").split(",") if p] or [
                        ANY_PORT
                    ]
                    for item in (node.value("port") or "").split(","):
                        definition.values.extend(
                            Service((number, number), s, port_range(item)) for s in sources
                        )
                except ModelError as exc:
                    base.error(
                        node.line,
                        f"服務物件 {entry.attrs['name']}：{exc}",
                        f"service {entry.attrs['name']}: {exc}",
                    )
                    definition.problems.append(str(exc))
        for entry in scope.entries("service-group"):
            services.define(entry.attrs["name"], entry.line).members.extend(entry.members("members"))
    return addresses, services


def _literal(name: str) -> bool:
    try:
        parse_address(name)
    except ModelError:
        return False
    return True


def _parse_vsys(base: RuleBase, path: Path, shared: Element | None, vsys: Element) -> None:
    addresses, services = _objects([shared, vsys], base)
    ruleset = f"{vsys.attrs.get('name', 'vsys1')}/security"
    position = 0
    rulebases = [("pre-rulebase",), ("rulebase",), ("post-rulebase",)]
    for rulebase in rulebases:
        for entry in vsys.entries(*rulebase, "security", "rules"):
            position += 1
            base.rules.append(_rule(entry, ruleset, position, addresses, services, path, base.device))
    base.default_actions[ruleset] = Action.DENY  # interzone-default; intrazone traffic is allowed
    base.default_logged[ruleset] = False


def _rule(
    entry: Element,
    ruleset: str,
    position: int,
    addresses: ObjectTable[Range],
    services: ObjectTable[Service],
    path: Path,
    device: str,
) -> Rule:
    action_raw = entry.value("action") or "allow"
    rule = Rule(
        ruleset=ruleset,
        position=position,
        name=entry.attrs.get("name", str(position)),
        action=Action.ALLOW if action_raw == "allow" else Action.DENY,  # deny, drop, reset-*
        action_raw=action_raw,
        enabled=(entry.value("disabled") or "no") != "yes",
        source_zones=tuple(z for z in entry.members("from") if z != "any"),
        destination_zones=tuple(z for z in entry.members("to") if z != "any"),
        description=entry.value("description") or "",
        source_ref=SourceRef(file=str(path), line=entry.line),
        device=device,
    )
    unresolved: list[str] = []

    def resolve(names: list[str]) -> tuple[Range, ...]:
        values: list[Range] = []
        for name in names:
            found, problems = addresses.resolve(name)
            values.extend(found)
            unresolved.extend(problems)
        return tuple(values)

    rule.source_names = tuple(entry.members("source"))
    rule.destination_names = tuple(entry.members("destination"))
    rule.sources, rule.destinations = resolve(list(rule.source_names)), resolve(list(rule.destination_names))
    if (entry.value("negate-source") or "no") == "yes":
        rule.sources, rule.source_negated = negate_addresses(rule.sources), True
    if (entry.value("negate-destination") or "no") == "yes":
        rule.destinations, rule.destination_negated = negate_addresses(rule.destinations), True
    rule.service_names = tuple(entry.members("service"))
    resolved: list[Service] = []
    for name in rule.service_names:
        if name == "application-default":
            resolved.append(Service())
            rule.other_conditions += ("service application-default",)
            continue
        found, problems = services.resolve(name)
        resolved.extend(found)
        unresolved.extend(problems)
    rule.services = tuple(resolved)
    for field_name, members in (
        ("applications", "application"),
        ("users", "source-user"),
        ("url_categories", "category"),
    ):
        values = tuple(m for m in entry.members(members) if m != "any")
        setattr(rule, field_name, values)
    rule.schedule = entry.value("schedule")
    rule.logging = (entry.value("log-end") or "yes") == "yes" or (entry.value("log-start") or "no") == "yes"
    if not (rule.source_names and rule.destination_names and rule.service_names):
        unresolved.append("rule without source, destination or service / 規則缺少來源、目的或服務")
    rule.unresolved = tuple(dict.fromkeys(unresolved))
    return rule


def parse_hits(path: Path) -> HitFile:
    """`show rule-hit-count vsys vsys-name <v> rule-base security rules all` (XML API response)."""
    result = HitFile(path=str(path))
    try:
        root = read_xml(path)
    except (xml.parsers.expat.ExpatError, ModelError) as exc:
        result.error(getattr(exc, "lineno", None), f"XML 無法解析：{exc}", f"unreadable XML: {exc}")
        return result
    hit = root.find("response", "result", "rule-hit-count")
    if hit is None:
        result.error(1, "不是 rule-hit-count 回應", "not a rule-hit-count response")
        return result
    device = Path(path).stem
    for vsys in hit.entries("vsys"):
        for rulebase in vsys.entries("rule-base"):
            ruleset = f"{vsys.attrs.get('name')}/{rulebase.attrs.get('name')}"
            for entry in rulebase.entries("rules"):
                try:
                    since = max(
                        _epoch(entry.value("last-reset-timestamp")) or _MIN,
                        _epoch(entry.value("rule-creation-timestamp")) or _MIN,
                    )
                    result.records.append(
                        HitRecord(
                            device=device,
                            ruleset=ruleset,
                            rule=entry.attrs["name"],
                            hit_count=int(entry.value("hit-count") or "0"),
                            taken_at=None,
                            last_hit=_epoch(entry.value("last-hit-timestamp")),
                            counting_since=None if since == _MIN else since,
                            source=SourceRef(file=str(path), line=entry.line),
                        )
                    )
                except (ValueError, KeyError) as exc:
                    result.error(entry.line, f"無法讀取命中次數：{exc}", f"unreadable hit count: {exc}")
    return result


_MIN = datetime.min.replace(tzinfo=UTC)


def _epoch(value: str | None) -> datetime | None:
    if not value or value.strip() == "0":
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)
