"""The normalised rule model every parser returns and every analysis reads.

Addresses of both families live in one integer space: IPv4 is mapped into ::ffff:0:0/96, so `any`
covers both families and one range type serves all. Ports and protocols are inclusive integer ranges.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

Range = tuple[int, int]

ADDRESS_BITS = 128
ADDRESS_MAX = (1 << ADDRESS_BITS) - 1
V4_BASE = 0xFFFF << 32  # ::ffff:0.0.0.0
V4_MAX = V4_BASE + (1 << 32) - 1
ANY_ADDRESS: Range = (0, ADDRESS_MAX)
ANY_V4: Range = (V4_BASE, V4_MAX)
ANY_PORT: Range = (0, 65535)
ANY_PROTOCOL: Range = (0, 255)

PROTOCOL_NUMBERS = {
    "ip": None, "any": None, "all": None,
    "icmp": 1, "igmp": 2, "ipip": 4, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51,
    "icmp6": 58, "ipv6-icmp": 58, "icmpv6": 58, "ospf": 89, "pim": 103, "sctp": 132,
}  # fmt: skip

# Well-known port names used by ASA, iptables (/etc/services) and nftables.
PORT_NAMES = {
    "ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "dns": 53, "tftp": 69,
    "www": 80, "http": 80, "kerberos": 88, "pop3": 110, "sunrpc": 111, "ntp": 123, "netbios-ns": 137,
    "netbios-dgm": 138, "netbios-ssn": 139, "imap4": 143, "imap": 143, "snmp": 161, "snmptrap": 162,
    "ldap": 389, "https": 443, "microsoft-ds": 445, "isakmp": 500, "syslog": 514, "lpd": 515,
    "rsh": 514, "ldaps": 636, "imaps": 993, "pop3s": 995, "sqlnet": 1521, "h323": 1720,
    "pptp": 1723, "nfs": 2049, "mysql": 3306, "rdp": 3389, "ms-wbt-server": 3389, "sip": 5060,
    "vnc": 5900, "citrix-ica": 1494, "bootps": 67, "bootpc": 68, "echo": 7, "discard": 9,
    "daytime": 13, "chargen": 19, "finger": 79, "irc": 194, "bgp": 179, "login": 513, "exec": 512,
    "cmd": 514, "klogin": 543, "kshell": 544, "rtsp": 554, "aol": 5190, "pcanywhere-data": 5631,
    "pcanywhere-status": 5632, "ms-sql-s": 1433, "postgresql": 5432, "redis": 6379, "radius": 1812,
    "radius-acct": 1813, "xdmcp": 177, "who": 513, "talk": 517, "uucp": 540, "gopher": 70, "nntp": 119,
    "ident": 113, "lotusnotes": 1352, "secureid-udp": 5510, "mobile-ip": 434, "tacacs": 49,
}  # fmt: skip


class ModelError(ValueError):
    """A value in a configuration that the model cannot represent; the parser adds file and line."""


class Action(StrEnum):
    ALLOW = "allow"
    DENY = "deny"  # deny, drop, reject
    OTHER = "other"  # jump, log, return, goto: not a final decision, never covers another rule


ACTION_LABELS = {
    Action.ALLOW: Text(zh="允許", en="allow"),
    Action.DENY: Text(zh="拒絕", en="deny"),
    Action.OTHER: Text(zh="其他（非終止）", en="other (non-terminal)"),
}


@dataclass(frozen=True, slots=True)
class Service:
    """One protocol with source and destination port ranges (ports are ANY_PORT for portless protocols)."""

    protocol: Range = ANY_PROTOCOL
    source_ports: Range = ANY_PORT
    destination_ports: Range = ANY_PORT

    @property
    def is_any(self) -> bool:
        return (
            self.protocol == ANY_PROTOCOL
            and self.destination_ports == ANY_PORT
            and self.source_ports == ANY_PORT
        )

    def __str__(self) -> str:
        if self.is_any:
            return "any"
        if self.protocol == ANY_PROTOCOL:
            proto = "ip"
        elif self.protocol[0] == self.protocol[1]:
            number = self.protocol[0]
            proto = next((k for k, v in PROTOCOL_NUMBERS.items() if v == number), str(number))
        else:
            proto = f"{self.protocol[0]}-{self.protocol[1]}"
        text = proto
        if self.destination_ports != ANY_PORT:
            lo, hi = self.destination_ports
            text += f"/{lo}" if lo == hi else f"/{lo}-{hi}"
        if self.source_ports != ANY_PORT:
            lo, hi = self.source_ports
            text += f" sport {lo}" if lo == hi else f" sport {lo}-{hi}"
        return text


ANY_SERVICE = Service()


def tcp(lo: int, hi: int | None = None) -> Service:
    return Service((6, 6), ANY_PORT, (lo, lo if hi is None else hi))


def udp(lo: int, hi: int | None = None) -> Service:
    return Service((17, 17), ANY_PORT, (lo, lo if hi is None else hi))


@dataclass(slots=True)
class Rule:
    """One access rule in first-match order within its rule set (ACL, chain, rulebase)."""

    ruleset: str
    position: int  # 1-based order within the rule set
    name: str  # vendor name or id; key for hit counts
    action: Action
    action_raw: str = ""
    enabled: bool = True
    source_zones: tuple[str, ...] = ()  # empty: any zone / interface
    destination_zones: tuple[str, ...] = ()
    sources: tuple[Range, ...] = (ANY_ADDRESS,)
    destinations: tuple[Range, ...] = (ANY_ADDRESS,)
    source_names: tuple[str, ...] = ("any",)
    destination_names: tuple[str, ...] = ("any",)
    source_negated: bool = False
    destination_negated: bool = False
    services: tuple[Service, ...] = (ANY_SERVICE,)
    service_names: tuple[str, ...] = ("any",)
    applications: tuple[str, ...] = ()  # empty: any application
    users: tuple[str, ...] = ()
    url_categories: tuple[str, ...] = ()
    schedule: str | None = None  # None: always
    other_conditions: tuple[str, ...] = ()  # conditions the model does not analyse (conntrack state, ipsets…)
    logging: bool | None = None  # None: the configuration does not say
    description: str = ""
    hit_count: int | None = None
    last_hit: datetime | None = None
    unresolved: tuple[str, ...] = ()  # objects that could not be resolved (undefined, circular, fqdn…)
    source_ref: SourceRef | None = None
    device: str = ""

    @property
    def label(self) -> str:
        name = f" ({self.name})" if self.name and self.name != str(self.position) else ""
        return f"{self.ruleset} #{self.position}{name}"

    @property
    def unanalysed(self) -> tuple[str, ...]:
        """Restrictions in dimensions the model does not analyse: such a rule never covers another."""
        found = [f"application {a}" for a in self.applications]
        found += [f"user {u}" for u in self.users]
        found += [f"url-category {c}" for c in self.url_categories]
        if self.schedule:
            found.append(f"schedule {self.schedule}")
        return tuple(found) + self.other_conditions

    @property
    def analysable(self) -> bool:
        """Its match space is known: enabled, every object resolved."""
        return self.enabled and not self.unresolved

    @property
    def can_cover(self) -> bool:
        """May take part in covering a later rule: known space, final action, no unanalysed restriction."""
        return self.analysable and self.action is not Action.OTHER and not self.unanalysed

    @property
    def any_source(self) -> bool:
        return not self.source_negated and covers_any_v4(self.sources)

    @property
    def any_destination(self) -> bool:
        return not self.destination_negated and covers_any_v4(self.destinations)

    @property
    def any_service(self) -> bool:
        return any(s.protocol == ANY_PROTOCOL and s.destination_ports == ANY_PORT for s in self.services)


def covers_any_v4(ranges: tuple[Range, ...]) -> bool:
    """True when the ranges cover all IPv4 addresses (an `any4` counts as any for exposure)."""
    merged = merge_ranges(ranges)
    return any(lo <= V4_BASE and hi >= V4_MAX for lo, hi in merged)


@dataclass
class RuleBase:
    """What one parser read from one file: rules in order, per-rule-set defaults, and the errors."""

    vendor: str
    path: str
    device: str = ""
    rules: list[Rule] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    default_actions: dict[str, Action] = field(default_factory=dict)  # rule set -> implicit final action
    default_logged: dict[str, bool] = field(default_factory=dict)
    taken_at: datetime | None = None  # when counters in the file were read (iptables-save -c)

    def error(
        self,
        line: int | None,
        message_zh: str,
        message_en: str,
        raw: str | None = None,
        field_: str | None = None,
    ) -> None:
        self.errors.append(
            InputError(
                source=SourceRef(file=self.path, line=line, field=field_),
                message=Text(zh=message_zh, en=message_en),
                raw=raw,
            )
        )

    def rulesets(self) -> dict[str, list[Rule]]:
        grouped: dict[str, list[Rule]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.ruleset, []).append(rule)
        for rules in grouped.values():
            rules.sort(key=lambda r: r.position)
        return grouped


# ---- addresses -------------------------------------------------------------------------------------


def network_range(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> Range:
    lo, hi = int(network.network_address), int(network.broadcast_address)
    if network.version == 4:
        return (V4_BASE + lo, V4_BASE + hi)
    return (lo, hi)


def address_int(text: str) -> tuple[int, int]:
    """(integer in the unified space, version) of one address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError as exc:
        raise ModelError(f"not an IP address / 非 IP 位址: {text!r}") from exc
    if address.version == 4:
        return V4_BASE + int(address), 4
    return int(address), 6


ANY_V6: tuple[Range, ...] = ((0, V4_BASE - 1), (V4_MAX + 1, ADDRESS_MAX))


def parse_address(text: str) -> tuple[Range, ...]:
    """`any`, an address, CIDR, `a-b` range, or `address mask` / `address/mask` (dotted mask)."""
    value = text.strip()
    lowered = value.lower()
    if lowered in {"any", "all", "*"}:
        return (ANY_ADDRESS,)
    if lowered in {"any4", "0.0.0.0/0", "0.0.0.0 0.0.0.0"}:
        return (ANY_V4,)
    if lowered in {"any6", "::/0"}:
        return ANY_V6
    if "-" in value and "/" not in value:
        first, _, last = value.partition("-")
        lo, v1 = address_int(first)
        hi, v2 = address_int(last)
        if v1 != v2 or lo > hi:
            raise ModelError(f"bad address range / 位址範圍錯誤: {value!r}")
        return ((lo, hi),)
    if " " in value:
        address, _, mask = value.partition(" ")
        value = f"{address}/{mask.strip()}"
    try:
        return (network_range(ipaddress.ip_network(value, strict=False)),)
    except ValueError as exc:
        raise ModelError(f"not an address, network or range / 非位址、網段或範圍: {text!r}") from exc


def format_range(value: Range) -> str:
    lo, hi = value
    if value == ANY_ADDRESS:
        return "any"
    if lo >= V4_BASE and hi <= V4_MAX:
        first, last = ipaddress.IPv4Address(lo - V4_BASE), ipaddress.IPv4Address(hi - V4_BASE)
    else:
        first, last = ipaddress.IPv6Address(lo), ipaddress.IPv6Address(hi)
    if first == last:
        return str(first)
    networks = list(ipaddress.summarize_address_range(first, last))
    if len(networks) == 1:
        return str(networks[0])
    return f"{first}-{last}"


def merge_ranges(ranges: tuple[Range, ...] | list[Range]) -> tuple[Range, ...]:
    """Sorted, disjoint, non-adjacent ranges covering the same values."""
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def complement_ranges(ranges: tuple[Range, ...], universe: Range) -> tuple[Range, ...]:
    result: list[Range] = []
    cursor = universe[0]
    for lo, hi in merge_ranges(ranges):
        lo, hi = max(lo, universe[0]), min(hi, universe[1])
        if lo > hi:
            continue
        if lo > cursor:
            result.append((cursor, lo - 1))
        cursor = hi + 1
    if cursor <= universe[1]:
        result.append((cursor, universe[1]))
    return tuple(result)


def negate_addresses(ranges: tuple[Range, ...]) -> tuple[Range, ...]:
    """`!` / negate-source: the complement within the family the ranges belong to."""
    all_v4 = all(lo >= V4_BASE and hi <= V4_MAX for lo, hi in ranges)
    return complement_ranges(ranges, ANY_V4 if all_v4 else ANY_ADDRESS)


def range_within(inner: Range, outer: Range) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


# ---- ports and protocols ------------------------------------------------------------------------------


def protocol_range(text: str) -> Range:
    value = text.strip().lower()
    if value.isdigit():
        number = int(value)
        if not 0 <= number <= 255:
            raise ModelError(f"protocol out of range / 協定號碼超出範圍: {text!r}")
        return (number, number)
    if value not in PROTOCOL_NUMBERS:
        raise ModelError(f"unknown protocol / 未知協定: {text!r}")
    number = PROTOCOL_NUMBERS[value]
    return ANY_PROTOCOL if number is None else (number, number)


def port_number(text: str) -> int:
    value = text.strip().lower()
    if value.isdigit():
        number = int(value)
    elif value in PORT_NAMES:
        number = PORT_NAMES[value]
    else:
        raise ModelError(f"unknown port / 未知通訊埠: {text!r}")
    if not 0 <= number <= 65535:
        raise ModelError(f"port out of range / 通訊埠超出範圍: {text!r}")
    return number


def port_range(text: str, separator: str = "-") -> Range:
    """`80`, `8000-8080` (or `8000:8080` with separator=':'), or a port name."""
    value = text.strip()
    if separator in value:
        first, _, last = value.partition(separator)
        lo = port_number(first) if first else 0
        hi = port_number(last) if last else 65535
        if lo > hi:
            raise ModelError(f"bad port range / 通訊埠範圍錯誤: {text!r}")
        return (lo, hi)
    number = port_number(value)
    return (number, number)


def port_operator(operator: str, values: list[str]) -> tuple[Range, ...]:
    """Cisco-style port operators: eq, neq, lt, gt, range."""
    if operator == "eq":
        number = port_number(values[0])
        return ((number, number),)
    if operator == "neq":
        number = port_number(values[0])
        return tuple(r for r in ((0, number - 1), (number + 1, 65535)) if r[0] <= r[1])
    if operator == "lt":
        return ((0, port_number(values[0]) - 1),)
    if operator == "gt":
        return ((port_number(values[0]) + 1, 65535),)
    if operator == "range":
        return ((port_number(values[0]), port_number(values[1])),)
    raise ModelError(f"unknown port operator / 未知通訊埠運算子: {operator!r}")


def has_ports(protocol: Range) -> bool:
    return protocol[0] == protocol[1] and protocol[0] in (6, 17, 132)
