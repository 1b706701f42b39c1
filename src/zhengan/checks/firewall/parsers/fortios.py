"""Fortinet FortiOS configuration backup (`show full-configuration` or the backup file).

Reads `config firewall address`/`address6`, `addrgrp`, `service custom`, `service group` and
`policy`, per VDOM. Interfaces and zones are the policy zones. Policies match in the order they appear.
A policy without `set action` denies (FortiOS default); traffic logging counts only with
`set logtraffic all` (the default `utm` logs security events, not the traffic itself). Every VDOM ends
with the implicit deny policy 0. Predefined services missing from the file use the factory definitions.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

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
    port_range,
    protocol_range,
)
from zhengan.checks.firewall.objects import ObjectTable
from zhengan.checks.result import SourceRef

# Factory-default predefined services (FortiOS 7.x) most often referenced without being exported.
PREDEFINED_SERVICES: dict[str, list[Service]] = {
    "ALL": [Service()],
    "ALL_TCP": [Service((6, 6), ANY_PORT, (1, 65535))],
    "ALL_UDP": [Service((17, 17), ANY_PORT, (1, 65535))],
    "ALL_ICMP": [Service((1, 1))],
    "PING": [Service((1, 1))],
    "HTTP": [Service((6, 6), ANY_PORT, (80, 80))],
    "HTTPS": [Service((6, 6), ANY_PORT, (443, 443))],
    "SSH": [Service((6, 6), ANY_PORT, (22, 22))],
    "TELNET": [Service((6, 6), ANY_PORT, (23, 23))],
    "FTP": [Service((6, 6), ANY_PORT, (21, 21))],
    "SMTP": [Service((6, 6), ANY_PORT, (25, 25))],
    "SMTPS": [Service((6, 6), ANY_PORT, (465, 465))],
    "DNS": [Service((6, 6), ANY_PORT, (53, 53)), Service((17, 17), ANY_PORT, (53, 53))],
    "NTP": [Service((6, 6), ANY_PORT, (123, 123)), Service((17, 17), ANY_PORT, (123, 123))],
    "RDP": [Service((6, 6), ANY_PORT, (3389, 3389))],
    "SNMP": [Service((6, 6), ANY_PORT, (161, 162)), Service((17, 17), ANY_PORT, (161, 162))],
    "SAMBA": [Service((6, 6), ANY_PORT, (139, 139))],
    "SMB": [Service((6, 6), ANY_PORT, (445, 445))],
    "LDAP": [Service((6, 6), ANY_PORT, (389, 389))],
    "MYSQL": [Service((6, 6), ANY_PORT, (3306, 3306))],
    "MS-SQL": [Service((6, 6), ANY_PORT, (1433, 1434))],
    "VNC": [Service((6, 6), ANY_PORT, (5900, 5900))],
    "TFTP": [Service((17, 17), ANY_PORT, (69, 69))],
    "SYSLOG": [Service((17, 17), ANY_PORT, (514, 514))],
}
PREDEFINED_ADDRESSES: dict[str, list[Range]] = {"all": list(parse_address("0.0.0.0/0")), "none": []}


@dataclass
class Node:
    """A `config` or `edit` block: settings (`set` values as token lists) and child blocks."""

    name: str
    line: int
    settings: dict[str, list[str]] = field(default_factory=dict)
    setting_lines: dict[str, int] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)


def read_tree(path: Path, base: RuleBase) -> Node:
    root = Node("", 0)
    stack = [root]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            words = shlex.split(text, posix=True)
        except ValueError as exc:
            base.error(number, f"引號不成對：{exc}", f"unbalanced quotes: {exc}", raw=line)
            continue
        keyword = words[0]
        if keyword in ("config", "edit"):
            node = Node(" ".join(words[1:]) if keyword == "config" else words[1], number)
            stack[-1].children.append(node)
            stack.append(node)
        elif keyword in ("next", "end"):
            if len(stack) == 1:
                base.error(number, f"多餘的 {keyword}", f"unexpected {keyword}", raw=line)
                continue
            stack.pop()
        elif keyword == "set" and len(words) >= 2:
            stack[-1].settings[words[1]] = words[2:]
            stack[-1].setting_lines[words[1]] = number
        elif keyword in ("unset", "append", "select", "unselect"):
            continue
        else:
            base.error(number, "無法辨識的設定列", "unrecognised configuration line", raw=line)
    if len(stack) != 1:
        base.error(None, "設定檔在區塊中途結束（缺少 end）", "the file ends inside a block (missing end)")
    return root


def _find(node: Node, name: str) -> list[Node]:
    return [child for child in node.children if child.name == name]


def parse(path: Path) -> RuleBase:
    base = RuleBase(vendor="fortios", path=str(path))
    root = read_tree(path, base)
    for system in _find(root, "system global"):
        hostname = system.settings.get("hostname")
        if hostname:
            base.device = hostname[0]
    vdoms: list[tuple[str, Node]] = []
    for block in _find(root, "vdom"):
        vdoms.extend((edit.name, edit) for edit in block.children if _find(edit, "firewall policy"))
    if not vdoms:
        vdoms = [("", root)]
    for vdom, node in vdoms:
        _parse_vdom(base, path, vdom, node)
    return base


def _parse_vdom(base: RuleBase, path: Path, vdom: str, node: Node) -> None:
    addresses: ObjectTable[Range] = ObjectTable("address", lambda n: PREDEFINED_ADDRESSES.get(n))
    services: ObjectTable[Service] = ObjectTable("service", lambda n: PREDEFINED_SERVICES.get(n))
    for section in ("firewall address", "firewall address6", "firewall multicast-address"):
        for block in _find(node, section):
            for edit in block.children:
                definition = addresses.define(edit.name, edit.line)
                try:
                    _address_object(edit, definition.values, definition.problems)
                except ModelError as exc:
                    base.error(
                        edit.line, f"位址物件 {edit.name} 無法解析：{exc}", f"address {edit.name}: {exc}"
                    )
                    definition.problems.append(str(exc))
    for section in ("firewall addrgrp", "firewall addrgrp6"):
        for block in _find(node, section):
            for edit in block.children:
                addresses.define(edit.name, edit.line).members.extend(edit.settings.get("member", []))
    for block in _find(node, "firewall service custom"):
        for edit in block.children:
            definition = services.define(edit.name, edit.line)
            try:
                definition.values.extend(_service_object(edit))
            except ModelError as exc:
                base.error(edit.line, f"服務物件 {edit.name} 無法解析：{exc}", f"service {edit.name}: {exc}")
                definition.problems.append(str(exc))
    for block in _find(node, "firewall service group"):
        for edit in block.children:
            services.define(edit.name, edit.line).members.extend(edit.settings.get("member", []))

    ruleset = f"{vdom}/policy" if vdom else "policy"
    base.default_actions[ruleset] = Action.DENY
    base.default_logged[ruleset] = False
    position = 0
    for block in _find(node, "firewall policy"):
        for edit in block.children:
            position += 1
            base.rules.append(_policy(edit, ruleset, position, addresses, services, path, base.device))


def _address_object(edit: Node, values: list[Range], problems: list[str]) -> None:
    kind = (edit.settings.get("type") or ["ipmask"])[0]
    if kind in ("ipmask", "subnet") and "subnet" in edit.settings:
        subnet = edit.settings["subnet"]
        values.extend(parse_address(" ".join(subnet[:2]) if len(subnet) > 1 else subnet[0]))
    elif "ip6" in edit.settings:
        values.extend(parse_address(edit.settings["ip6"][0]))
    elif kind == "iprange":
        values.extend(parse_address(f"{edit.settings['start-ip'][0]}-{edit.settings['end-ip'][0]}"))
    elif kind in ("ipmask",):
        values.extend(parse_address("0.0.0.0/0"))  # FortiOS default subnet is 0.0.0.0 0.0.0.0
    else:
        problems.append(f"address type {kind} cannot be resolved offline / 此類位址無法離線解析")


def _service_object(edit: Node) -> list[Service]:
    protocol = (edit.settings.get("protocol") or ["TCP/UDP/SCTP"])[0].upper()
    if protocol == "IP":
        number = int((edit.settings.get("protocol-number") or ["0"])[0])
        return [Service(ANY_PROTOCOL if number == 0 else (number, number))]
    if protocol in ("ICMP", "ICMP6"):
        return [Service(protocol_range("icmp" if protocol == "ICMP" else "icmp6"))]
    out: list[Service] = []
    for key, proto in (("tcp-portrange", 6), ("udp-portrange", 17), ("sctp-portrange", 132)):
        for item in edit.settings.get(key, []):
            destination, _, source = item.partition(":")
            out.append(
                Service((proto, proto), port_range(source) if source else ANY_PORT, port_range(destination))
            )
    if not out:
        raise ModelError("no port range / 沒有通訊埠範圍")
    return out


def _policy(
    edit: Node,
    ruleset: str,
    position: int,
    addresses: ObjectTable[Range],
    services: ObjectTable[Service],
    path: Path,
    device: str,
) -> Rule:
    s = edit.settings
    action_raw = (s.get("action") or ["deny"])[0]
    rule = Rule(
        ruleset=ruleset,
        position=position,
        name=edit.name,
        action={"accept": Action.ALLOW, "deny": Action.DENY}.get(action_raw, Action.OTHER),
        action_raw=action_raw,
        enabled=(s.get("status") or ["enable"])[0] != "disable",
        source_zones=tuple(z for z in s.get("srcintf", []) if z != "any"),
        destination_zones=tuple(z for z in s.get("dstintf", []) if z != "any"),
        description=" ".join(s.get("comments", [])),
        source_ref=SourceRef(file=str(path), line=edit.line),
        device=device,
    )
    if s.get("name"):
        rule.description = f"{s['name'][0]}: {rule.description}" if rule.description else s["name"][0]
    unresolved: list[str] = []

    def resolve_addresses(keys: tuple[str, ...]) -> tuple[tuple[Range, ...], tuple[str, ...]]:
        names = tuple(n for k in keys for n in s.get(k, []))
        values: list[Range] = []
        for name in names:
            found, problems = addresses.resolve(name)
            values.extend(found)
            unresolved.extend(problems)
        return tuple(values), names

    rule.sources, rule.source_names = resolve_addresses(("srcaddr", "srcaddr6"))
    rule.destinations, rule.destination_names = resolve_addresses(("dstaddr", "dstaddr6"))
    if not rule.source_names or not rule.destination_names:
        unresolved.append("policy without srcaddr/dstaddr / 政策缺少來源或目的位址")
    if (s.get("srcaddr-negate") or ["disable"])[0] == "enable":
        rule.sources, rule.source_negated = negate_addresses(rule.sources), True
    if (s.get("dstaddr-negate") or ["disable"])[0] == "enable":
        rule.destinations, rule.destination_negated = negate_addresses(rule.destinations), True
    if (s.get("internet-service") or ["disable"])[0] == "enable":
        rule.other_conditions += ("internet-service " + " ".join(s.get("internet-service-name", [])),)
    rule.service_names = tuple(s.get("service", []))
    resolved: list[Service] = []
    for name in rule.service_names:
        found, problems = services.resolve(name)
        resolved.extend(found)
        unresolved.extend(problems)
    rule.services = tuple(resolved)
    if not rule.service_names and not rule.other_conditions:
        unresolved.append("policy without service / 政策缺少服務")
    if (s.get("service-negate") or ["disable"])[0] == "enable":
        unresolved.append("service-negate is not analysed / 不分析反向服務")
    schedule = (s.get("schedule") or ["always"])[0]
    rule.schedule = None if schedule == "always" else schedule
    rule.users = tuple(s.get("users", [])) + tuple(s.get("groups", []))
    rule.logging = (s.get("logtraffic") or ["utm" if rule.action is Action.ALLOW else "disable"])[0] == "all"
    rule.unresolved = tuple(dict.fromkeys(unresolved))
    return rule
