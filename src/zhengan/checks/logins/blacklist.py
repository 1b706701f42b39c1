"""Listed source addresses (CC17010-12.3): F-ISAC and the firm's own blacklists.

Two forms are read:
- CSV with a header containing `indicator` (or `ip` / `cidr`), optional `source` and `description`:
  one IP address or CIDR range per row;
- STIX 2.1 bundles (JSON): `indicator` objects whose pattern compares `ipv4-addr:value` or
  `ipv6-addr:value` (single address or CIDR), and bare `ipv4-addr` / `ipv6-addr` observables.

Each entry becomes a range of `ip_key`s (`enrich.ip_key`) so that both engines match it with BETWEEN.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from zhengan.checks.logins.enrich import ip_key
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

STIX_ADDRESS = re.compile(r"(ipv4-addr|ipv6-addr):value\s*(?:=|ISSUBSET)\s*'([^']+)'")


@dataclass(frozen=True)
class ListedRange:
    network: str
    source: str  # list name: "F-ISAC", the file name, or the CSV's source column
    description: str
    where: str  # file:line or file#object-id

    def key_range(self) -> tuple[str, str]:
        net = ipaddress.ip_network(self.network, strict=False)
        return ip_key(str(net.network_address)), ip_key(str(net.broadcast_address))


def read_blacklist(path: Path) -> tuple[list[ListedRange], list[InputError]]:
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("{"):
        return _read_stix(path, text)
    return _read_csv(path, text)


def _bad(path: Path, line: int | None, value: str, why: str) -> InputError:
    return InputError(
        source=SourceRef(file=str(path), line=line),
        message=Text(
            zh=f"黑名單項目無法解讀：{value}（{why}）", en=f"blacklist entry cannot be read: {value} ({why})"
        ),
        raw=value,
    )


def _read_csv(path: Path, text: str) -> tuple[list[ListedRange], list[InputError]]:
    entries: list[ListedRange] = []
    errors: list[InputError] = []
    reader = csv.DictReader(text.splitlines())
    fields = {name.lower().strip(): name for name in reader.fieldnames or []}
    column = next((fields[n] for n in ("indicator", "ip", "cidr", "address") if n in fields), None)
    if column is None:
        errors.append(_bad(path, 1, ",".join(reader.fieldnames or []), "no indicator/ip/cidr column"))
        return entries, errors
    for number, row in enumerate(reader, start=2):
        value = (row.get(column) or "").strip()
        if not value or value.startswith("#"):
            continue
        try:
            network = str(ipaddress.ip_network(value, strict=False))
        except ValueError as exc:
            errors.append(_bad(path, number, value, str(exc)))
            continue
        source = (row.get(fields.get("source", ""), "") or "").strip() or path.stem
        description = (row.get(fields.get("description", ""), "") or "").strip()
        entries.append(ListedRange(network, source, description, f"{path}:{number}"))
    return entries, errors


def _read_stix(path: Path, text: str) -> tuple[list[ListedRange], list[InputError]]:
    entries: list[ListedRange] = []
    errors: list[InputError] = []
    try:
        bundle = json.loads(text)
    except json.JSONDecodeError as exc:
        return entries, [_bad(path, exc.lineno, "bundle", f"not valid JSON: {exc.msg}")]
    if bundle.get("type") != "bundle":
        return entries, [_bad(path, None, str(bundle.get("type")), "not a STIX 2.1 bundle")]
    identities = {
        o["id"]: o.get("name", "") for o in bundle.get("objects", []) if o.get("type") == "identity"
    }
    for position, item in enumerate(bundle.get("objects", []), start=1):
        kind = item.get("type")
        source = identities.get(item.get("created_by_ref", ""), "") or path.stem
        if kind == "indicator":
            if item.get("revoked"):
                continue
            matches = STIX_ADDRESS.findall(item.get("pattern", ""))
            if not matches and item.get("pattern_type", "stix") == "stix":
                continue  # indicators of other kinds (domains, hashes) are not for this check
            for _, value in matches:
                try:
                    network = str(ipaddress.ip_network(value, strict=False))
                except ValueError as exc:
                    errors.append(_bad(path, position, value, str(exc)))
                    continue
                entries.append(ListedRange(network, source, item.get("name", ""), f"{path}#{item.get('id')}"))
        elif kind in ("ipv4-addr", "ipv6-addr"):
            value = item.get("value", "")
            try:
                network = str(ipaddress.ip_network(value, strict=False))
            except ValueError as exc:
                errors.append(_bad(path, position, value, str(exc)))
                continue
            entries.append(ListedRange(network, source, "", f"{path}#{item.get('id')}"))
    return entries, errors


def blacklist_table(entries: list[ListedRange]) -> pa.Table:
    starts, ends = zip(*(e.key_range() for e in entries), strict=True) if entries else ((), ())
    return pa.table(
        {
            "range_start": pa.array(list(starts), pa.string()),
            "range_end": pa.array(list(ends), pa.string()),
            "network": pa.array([e.network for e in entries], pa.string()),
            "list_source": pa.array([e.source for e in entries], pa.string()),
            "description": pa.array([e.description for e in entries], pa.string()),
        }
    )
