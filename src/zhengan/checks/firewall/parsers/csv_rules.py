"""A generic CSV rule export for any other firewall (see docs/firewall.md for the columns).

Lists inside a cell are separated by `;`. Addresses: `any`, address, CIDR or `a-b`. Services: `any`,
`tcp/443`, `udp/500-501`, `icmp`, `tcp/1024-65535>443` (source ports>destination ports) or a protocol
number. Booleans: yes/no, true/false, 1/0, enable/disable. Times: ISO 8601 (without zone: Taipei).
"""

from __future__ import annotations

import csv
from pathlib import Path

from zhengan.checks.firewall.hits import parse_time
from zhengan.checks.firewall.model import (
    ANY_PORT,
    Action,
    ModelError,
    Rule,
    RuleBase,
    Service,
    parse_address,
    port_range,
    protocol_range,
)
from zhengan.checks.result import SourceRef

REQUIRED = ("ruleset", "position", "action", "sources", "destinations", "services")
OPTIONAL = (
    "name",
    "enabled",
    "source_zones",
    "destination_zones",
    "applications",
    "users",
    "schedule",
    "logging",
    "description",
    "hit_count",
    "last_hit",
)
ACTIONS = {
    "allow": Action.ALLOW,
    "accept": Action.ALLOW,
    "permit": Action.ALLOW,
    "deny": Action.DENY,
    "drop": Action.DENY,
    "reject": Action.DENY,
}
TRUE, FALSE = {"yes", "true", "1", "enable", "enabled", "y"}, {"no", "false", "0", "disable", "disabled", "n"}


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def _bool(cell: str | None, column: str) -> bool | None:
    value = (cell or "").strip().lower()
    if not value:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ModelError(f"{column}: not yes/no / 不是是否值: {cell!r}")


def parse_service(text: str) -> Service:
    value = text.strip().lower()
    if value in ("any", "all", "ip"):
        return Service()
    protocol, _, ports = value.partition("/")
    proto = protocol_range(protocol)
    if not ports:
        return Service(proto)
    source, _, destination = ports.rpartition(">")
    return Service(proto, port_range(source) if source else ANY_PORT, port_range(destination))


def parse(path: Path) -> RuleBase:
    base = RuleBase(vendor="csv", path=str(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            base.error(1, f"缺少欄位：{', '.join(missing)}", f"missing columns: {', '.join(missing)}")
            return base
        for row in reader:
            line = reader.line_num
            column = ""
            try:
                column = "action"
                action_raw = row["action"].strip().lower()
                if action_raw not in ACTIONS:
                    raise ModelError(f"unknown action / 未知動作: {row['action']!r}")
                column = "position"
                position = int(row["position"])
                column = "sources"
                sources = tuple(r for p in _split(row["sources"]) for r in parse_address(p))
                column = "destinations"
                destinations = tuple(r for p in _split(row["destinations"]) for r in parse_address(p))
                column = "services"
                services = tuple(parse_service(p) for p in _split(row["services"]))
                if not (sources and destinations and services):
                    raise ModelError("empty sources, destinations or services / 來源、目的或服務為空")
                column = "enabled"
                enabled = _bool(row.get("enabled"), "enabled")
                column = "logging"
                logging = _bool(row.get("logging"), "logging")
                column = "hit_count"
                hits = (row.get("hit_count") or "").strip()
                column = "last_hit"
                last_hit = parse_time(row.get("last_hit") or "")
                rule = Rule(
                    ruleset=row["ruleset"].strip(),
                    position=position,
                    name=(row.get("name") or "").strip() or str(position),
                    action=ACTIONS[action_raw],
                    action_raw=action_raw,
                    enabled=True if enabled is None else enabled,
                    source_zones=tuple(z for z in _split(row.get("source_zones")) if z.lower() != "any"),
                    destination_zones=tuple(
                        z for z in _split(row.get("destination_zones")) if z.lower() != "any"
                    ),
                    sources=sources,
                    destinations=destinations,
                    source_names=tuple(_split(row["sources"])),
                    destination_names=tuple(_split(row["destinations"])),
                    services=services,
                    service_names=tuple(_split(row["services"])),
                    applications=tuple(a for a in _split(row.get("applications")) if a.lower() != "any"),
                    users=tuple(u for u in _split(row.get("users")) if u.lower() != "any"),
                    schedule=(row.get("schedule") or "").strip() or None,
                    logging=logging,
                    description=(row.get("description") or "").strip(),
                    hit_count=int(hits) if hits else None,
                    last_hit=last_hit,
                    source_ref=SourceRef(file=str(path), line=line),
                )
            except (ModelError, ValueError) as exc:
                base.error(
                    line,
                    f"欄位 {column} 無法解析：{exc}",
                    f"column {column}: {exc}",
                    raw=",".join(str(v) for v in row.values()),
                    field_=column,
                )
                continue
            base.rules.append(rule)
    return base
