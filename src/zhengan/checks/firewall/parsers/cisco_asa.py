"""Cisco ASA running-config (`show running-config`) and `show access-list` hit counts.

Each access list is one rule set; `access-group NAME in interface IF` makes IF its source zone (`out`:
destination zone; `global`: any). Line numbers follow the ASA's own numbering, which counts remarks, so
they match `show access-list`. Remarks above an ACE are its description. A deny is logged by default
(syslog 106023); a permit only with `log`. Access lists end with an implicit deny.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from zhengan.checks.firewall.hits import HitFile, HitRecord
from zhengan.checks.firewall.model import (
    ANY_PORT,
    ANY_PROTOCOL,
    Action,
    ModelError,
    Range,
    Rule,
    RuleBase,
    Service,
    has_ports,
    parse_address,
    port_operator,
    protocol_range,
)
from zhengan.checks.firewall.objects import ObjectTable
from zhengan.checks.result import SourceRef

PORT_OPERATORS = {"eq", "neq", "lt", "gt", "range"}


class _Objects:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # `name 10.1.1.10 web01`
        self.networks: ObjectTable[Range] = ObjectTable("network object")
        self.services: ObjectTable[Service] = ObjectTable("service object")
        self.port_groups: ObjectTable[Range] = ObjectTable("port group")
        self.protocol_groups: ObjectTable[Range] = ObjectTable("protocol group")


def parse(path: Path) -> RuleBase:
    base = RuleBase(vendor="asa", path=str(path))
    objects = _Objects()
    lines = path.read_text(encoding="utf-8").splitlines()
    aces: list[tuple[int, str, list[str]]] = []
    bindings: dict[str, tuple[str, str]] = {}
    current: tuple[str, str, str] | None = None  # (kind, name, protocol of a port group)
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith(("!", ":")):
            current = None if line.startswith("!") else current
            continue
        words = line.split()
        try:
            if line.startswith(" "):
                if current is not None:
                    _object_line(objects, current, words, number)
                continue
            current = None
            head = words[0]
            if head == "hostname":
                base.device = words[1]
            elif head == "name" and len(words) >= 3:
                objects.names[words[2]] = words[1]
            elif head == "object" and len(words) >= 3 and words[1] in ("network", "service"):
                current = (f"object-{words[1]}", words[2], "")
                (objects.networks if words[1] == "network" else objects.services).define(words[2], number)
            elif head == "object-group" and len(words) >= 3:
                kind = words[1]
                current = (f"group-{kind}", words[2], words[3] if len(words) > 3 else "")
                table = {
                    "network": objects.networks,
                    "service": objects.services if len(words) == 3 else objects.port_groups,
                    "protocol": objects.protocol_groups,
                }.get(kind)
                if table is not None:
                    table.define(words[2], number)
            elif head == "access-list" and len(words) >= 3:
                aces.append((number, words[1], words[2:]))
            elif head == "access-group" and len(words) >= 3:
                if words[2] == "global":
                    bindings[words[1]] = ("global", "")
                elif len(words) >= 5:
                    bindings[words[1]] = (words[2], words[4])
        except (ModelError, IndexError) as exc:
            base.error(number, f"無法解析此列：{exc}", f"cannot parse line: {exc}", raw=line)

    positions: dict[str, int] = {}
    remarks: dict[str, list[str]] = {}
    for number, acl, words in aces:
        positions[acl] = positions.get(acl, 0) + 1
        if words[0] == "remark":
            remarks.setdefault(acl, []).append(" ".join(words[1:]))
            continue
        if words[0] != "extended":
            if words[0] not in ("standard", "webtype", "ethertype"):
                base.error(
                    number, "無法解析存取清單項目", "unrecognised access-list entry", raw=lines[number - 1]
                )
            remarks.pop(acl, None)
            continue
        try:
            rule = _ace(acl, positions[acl], words[1:], objects)
        except (ModelError, IndexError) as exc:
            base.error(
                number, f"無法解析存取清單項目：{exc}", f"cannot parse ACE: {exc}", raw=lines[number - 1]
            )
            remarks.pop(acl, None)
            continue
        rule.description = " ".join(remarks.pop(acl, []))
        direction, interface = bindings.get(acl, ("", ""))
        if direction == "in":
            rule.source_zones = (interface,)
        elif direction == "out":
            rule.destination_zones = (interface,)
        rule.source_ref = SourceRef(file=str(path), line=number)
        rule.device = base.device
        base.rules.append(rule)
    for acl in positions:
        base.default_actions[acl] = Action.DENY
        base.default_logged[acl] = False
    return base


def _object_line(objects: _Objects, current: tuple[str, str, str], words: list[str], number: int) -> None:
    kind, name, group_protocol = current
    if kind == "object-network":
        definition = objects.networks.define(name)
        if words[0] == "host":
            definition.values.extend(parse_address(words[1]))
        elif words[0] == "subnet":
            definition.values.extend(parse_address(f"{words[1]} {words[2]}" if len(words) > 2 else words[1]))
        elif words[0] == "range":
            definition.values.extend(parse_address(f"{words[1]}-{words[2]}"))
        elif words[0] == "fqdn":
            definition.problems.append(f"fqdn {words[-1]} cannot be resolved offline / FQDN 無法離線解析")
        elif words[0] == "nat":
            pass
    elif kind == "object-service":
        if words[0] == "service":
            objects.services.define(name).values.extend(_service_words(words[1:]))
    elif kind == "group-network":
        definition = objects.networks.define(name)
        if words[0] == "network-object":
            if words[1] == "host":
                definition.values.extend(_address(objects, words[2]))
            elif words[1] == "object":
                definition.members.append(words[2])
            else:
                definition.values.extend(_address(objects, words[1], words[2] if len(words) > 2 else None))
        elif words[0] == "group-object":
            definition.members.append(words[1])
    elif kind == "group-service" and not group_protocol:
        definition = objects.services.define(name)
        if words[0] == "service-object":
            if words[1] == "object":
                definition.members.append(words[2])
            else:
                definition.values.extend(_service_words(words[1:]))
        elif words[0] == "group-object":
            definition.members.append(words[1])
    elif kind == "group-service":
        definition = objects.port_groups.define(name)
        if words[0] == "port-object":
            definition.values.extend(port_operator(words[1], words[2:]))
        elif words[0] == "group-object":
            definition.members.append(words[1])
    elif kind == "group-protocol":
        definition = objects.protocol_groups.define(name)
        if words[0] == "protocol-object":
            definition.values.append(protocol_range(words[1]))
        elif words[0] == "group-object":
            definition.members.append(words[1])
    if words[0] == "description":
        pass


def _address(objects: _Objects, address: str, mask: str | None = None) -> tuple[Range, ...]:
    address = objects.names.get(address, address)
    return parse_address(f"{address} {mask}" if mask else address)


def _service_words(words: list[str]) -> list[Service]:
    """`tcp destination eq 443`, `tcp-udp destination range 500 501`, `icmp echo`, `ip`."""
    protocols = (
        [protocol_range("tcp"), protocol_range("udp")]
        if words[0] == "tcp-udp"
        else [protocol_range(words[0])]
    )
    sports: tuple[Range, ...] = (ANY_PORT,)
    dports: tuple[Range, ...] = (ANY_PORT,)
    k = 1
    while k < len(words):
        if words[k] in ("source", "destination") and k + 1 < len(words) and words[k + 1] in PORT_OPERATORS:
            take = 3 if words[k + 1] == "range" else 2
            ranges = port_operator(words[k + 1], words[k + 2 : k + 1 + take])
            if words[k] == "source":
                sports = ranges
            else:
                dports = ranges
            k += 1 + take
        elif words[k] in PORT_OPERATORS:  # ASA also accepts the operator without `destination`
            take = 2 if words[k] == "range" else 1
            dports = port_operator(words[k], words[k + 1 : k + 1 + take])
            k += 1 + take
        else:
            k += 1  # icmp type names and the like: not analysed, the service stays broader
    return [Service(p, s, d) for p in protocols for s in sports for d in dports]


def _ace(acl: str, position: int, words: list[str], objects: _Objects) -> Rule:
    """`permit|deny PROTOCOL SOURCE [PORTS] DESTINATION [PORTS] [log …] [time-range X] [inactive]`."""
    rule = Rule(ruleset=acl, position=position, name=str(position), action=Action.OTHER)
    rule.action_raw = words[0]
    rule.action = {"permit": Action.ALLOW, "deny": Action.DENY}.get(words[0], Action.OTHER)
    k = 1
    unresolved: list[str] = []
    services: list[Service] | None = None
    protocols: list[Range] = []
    token = words[k]
    if token in ("object", "object-group"):
        name = words[k + 1]
        if name in objects.protocol_groups.definitions:
            values, problems = objects.protocol_groups.resolve(name)
            protocols = list(values)
        else:
            values, problems = objects.services.resolve(name)
            services = list(values)
        unresolved.extend(problems)
        rule.service_names = (name,)
        k += 2
    else:
        protocols = [protocol_range(token)]
        rule.service_names = (token,)
        k += 1

    def address() -> tuple[tuple[Range, ...], str]:
        nonlocal k
        token = words[k]
        if token in ("any", "any4", "any6"):
            k += 1
            return parse_address(token), token
        if token == "host":
            k += 2
            return _address(objects, words[k - 1]), words[k - 1]
        if token in ("object", "object-group"):
            k += 2
            values, problems = objects.networks.resolve(words[k - 1])
            unresolved.extend(problems)
            return values, words[k - 1]
        if token == "interface":
            k += 2
            unresolved.append(f"interface address {words[k - 1]} is not in the configuration / 介面位址未知")
            return (), f"interface {words[k - 1]}"
        if "/" in token:
            k += 1
            return _address(objects, token), token
        k += 2
        return _address(objects, token, words[k - 1]), f"{token} {words[k - 1]}"

    def ports() -> tuple[tuple[Range, ...] | None, str]:
        nonlocal k
        if k < len(words) and words[k] in PORT_OPERATORS:
            take = 2 if words[k] == "range" else 1
            text = " ".join(words[k : k + 1 + take])
            ranges = port_operator(words[k], words[k + 1 : k + 1 + take])
            k += 1 + take
            return ranges, text
        if (
            k + 1 < len(words)
            and words[k] == "object-group"
            and words[k + 1] in objects.port_groups.definitions
        ):
            values, problems = objects.port_groups.resolve(words[k + 1])
            unresolved.extend(problems)
            k += 2
            return values, words[k - 1]
        return None, ""

    while k < len(words) and words[k] in (
        "user",
        "user-group",
        "object-group-user",
        "security-group",
        "object-group-security",
    ):
        rule.users += (f"{words[k]} {words[k + 1]}",)
        k += 2
    rule.sources, source_name = address()
    source_ports, _ = ports()
    while k < len(words) and words[k] in ("security-group", "object-group-security"):
        rule.users += (f"{words[k]} {words[k + 1]}",)
        k += 2
    rule.destinations, destination_name = address()
    destination_ports, port_text = ports()
    rule.source_names, rule.destination_names = (source_name,), (destination_name,)
    logged: bool | None = None
    while k < len(words):
        token = words[k]
        if token == "log":
            logged = not (k + 1 < len(words) and words[k + 1] == "disable")
        elif token == "time-range":
            rule.schedule = words[k + 1]
            k += 1
        elif token == "inactive":
            rule.enabled = False
        elif token in ("echo", "echo-reply", "unreachable", "time-exceeded"):
            rule.other_conditions += (f"icmp-type {token}",)
        k += 1
    rule.logging = logged if logged is not None else rule.action is Action.DENY
    if services is None:
        services = []
        for protocol in protocols or [ANY_PROTOCOL]:
            if (source_ports or destination_ports) and not has_ports(protocol):
                raise ModelError("ports on a protocol without ports / 無通訊埠之協定指定了通訊埠")
            services.extend(
                Service(protocol, s, d)
                for s in (source_ports or (ANY_PORT,))
                for d in (destination_ports or (ANY_PORT,))
            )
        if port_text:
            rule.service_names = (f"{rule.service_names[0]} {port_text}",)
    rule.services = tuple(services)
    rule.unresolved = tuple(dict.fromkeys(unresolved))
    return rule


# ---- show access-list ------------------------------------------------------------------------------

_ACE_HIT = re.compile(r"^access-list (\S+) line (\d+) extended .*\(hitcnt=(\d+)\)")
_CLOCK = re.compile(r"^\*?(\d{1,2}:\d{2}:\d{2})(?:\.\d+)? (\S+) \w{3} (\w{3}) (\d{1,2}) (\d{4})$")
_OFFSETS = {"UTC": "+0000", "GMT": "+0000", "TWN": "+0800", "CST": "+0800", "TST": "+0800"}


def parse_hits(path: Path) -> HitFile:
    """`show clock` then `show access-list`; top-level ACE lines carry the hit count of the whole entry."""
    result = HitFile(path=str(path))
    taken_at: datetime | None = None
    device = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        prompt = re.match(r"^([\w.-]+)(?:/\S+)?[#>]\s*show", text)
        if prompt:
            device = prompt.group(1)
            continue
        clock = _CLOCK.match(text)
        if clock:
            time_, zone, month, day, year = clock.groups()
            offset = _OFFSETS.get(zone.upper())
            if offset is None:
                result.error(number, f"未知時區 {zone}", f"unknown time zone {zone}", raw=line)
                continue
            taken_at = datetime.strptime(f"{year} {month} {day} {time_} {offset}", "%Y %b %d %H:%M:%S %z")
            continue
        if line.startswith(" "):
            continue  # expanded object-group members; the parent line has the entry's total
        match = _ACE_HIT.match(text)
        if match:
            result.records.append(
                HitRecord(device=device, ruleset=match.group(1), rule=match.group(2), hit_count=int(match.group(3)),
                          taken_at=taken_at, source=SourceRef(file=str(path), line=number))
            )  # fmt: skip
    if taken_at is None:
        result.error(
            None,
            "缺少 show clock 輸出，無法得知命中次數的時間",
            "no `show clock` output: the hit counts are undated",
        )
        for record in result.records:
            record.taken_at = None
        result.records = []
    elif not device:
        device = Path(path).stem
        for record in result.records:
            record.device = device
    return result
