"""Listed source addresses (CC17010-12.3): F-ISAC and the firm's own blacklists.

Two forms are read:
- CSV with a header containing `indicator` (or `ip` / `cidr`), optional `source` and `description`:
  one IP address or CIDR range per row;
- STIX 2.1 bundles (JSON): `indicator` objects whose pattern compares `ipv4-addr:value` or
  `ipv6-addr:value` (single address or CIDR), and bare `ipv4-addr` / `ipv6-addr` observables.

Each entry becomes a range of `ip_key`s (`enrich.ip_key`) so that both engines match it with BETWEEN.
A STIX indicator's validity (`valid_from` ≤ t < `valid_until`, STIX 2.1 §4.7) is kept with its entries
and judged against each event's own time by the detection, not against the time of the run: yesterday's
logs analysed this morning, or a day analysed again months later, meet the indicators in force when the
events happened.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa

from zhengan.checks.logins.config import ConfigError
from zhengan.checks.logins.enrich import ip_key
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text

STIX_ADDRESS = re.compile(r"(ipv4-addr|ipv6-addr):value\s*(?:=|ISSUBSET)\s*'([^']+)'")
# `ipv4-addr:value IN ('192.0.2.10', '192.0.2.11')`: each listed address or range.
STIX_ADDRESS_SET = re.compile(r"(ipv4-addr|ipv6-addr):value\s+IN\s*\(([^)]*)\)")
STIX_STRING = re.compile(r"'([^']+)'")


class BlacklistError(ConfigError):
    """A blacklist the firm's configuration names cannot be read at all (missing, not UTF-8)."""


class Blacklist(NamedTuple):
    entries: list[ListedRange]
    errors: list[InputError]  # entries that cannot be read: quarantined with file and line / object
    bounded: list[str]  # STIX indicators with a validity (valid_from / valid_until): applied within it


@dataclass(frozen=True)
class ListedRange:
    network: str
    source: str  # list name: "F-ISAC", the file name, or the CSV's source column
    description: str
    where: str  # file:line or file#object-id
    valid_from: int | None = None  # UTC epoch seconds; None: no bound (CSV entries, STIX without one)
    valid_until: int | None = None  # exclusive

    def key_range(self) -> tuple[str, str]:
        net = ipaddress.ip_network(self.network, strict=False)
        return ip_key(str(net.network_address)), ip_key(str(net.broadcast_address))


def read_blacklist(path: Path) -> Blacklist:
    """The entries of one list; a STIX indicator's entries carry its validity, so that an F-ISAC indicator
    marks an address as hostile only for events within it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise BlacklistError(f"{path}: 找不到黑名單檔 / blacklist file not found") from exc
    except UnicodeDecodeError as exc:
        raise BlacklistError(
            f"{path}: 黑名單檔不是 UTF-8（位元組 {exc.start}）/ blacklist is not UTF-8 (byte {exc.start})"
        ) from exc
    except OSError as exc:
        raise BlacklistError(f"{path}: 黑名單檔無法讀取 / blacklist cannot be read: {exc}") from exc
    if text.lstrip().startswith("{"):
        return _read_stix(path, text)
    entries, errors = _read_csv(path, text)
    return Blacklist(entries, errors, [])


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


def _read_stix(path: Path, text: str) -> Blacklist:
    entries: list[ListedRange] = []
    errors: list[InputError] = []
    bounded: list[str] = []
    try:
        bundle = json.loads(text)
    except json.JSONDecodeError as exc:
        return Blacklist(entries, [_bad(path, exc.lineno, "bundle", f"not valid JSON: {exc.msg}")], [])
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        kind = bundle.get("type") if isinstance(bundle, dict) else type(bundle).__name__
        return Blacklist(entries, [_bad(path, None, str(kind), "not a STIX 2.1 bundle")], [])
    identities = {
        o["id"]: o.get("name", "") for o in bundle.get("objects", []) if o.get("type") == "identity"
    }
    for position, item in enumerate(bundle.get("objects", []), start=1):
        kind = item.get("type")
        source = identities.get(item.get("created_by_ref", ""), "") or path.stem
        if kind == "indicator":
            if item.get("revoked"):
                continue
            pattern = item.get("pattern", "")
            values = [value for _, value in STIX_ADDRESS.findall(pattern)]
            for _, listed in STIX_ADDRESS_SET.findall(pattern):
                values.extend(STIX_STRING.findall(listed))
            if not values:
                if re.search(r"ipv[46]-addr:value", pattern):  # about addresses, in a form not read here
                    errors.append(_bad(path, position, pattern, "unsupported address pattern"))
                continue  # indicators of other kinds (domains, hashes) are not for this check
            valid_from, valid_until = _validity(item)
            if valid_from is not None or valid_until is not None:
                bounded.append(str(item.get("id")))
            for value in values:
                try:
                    network = str(ipaddress.ip_network(value, strict=False))
                except ValueError as exc:
                    errors.append(_bad(path, position, value, str(exc)))
                    continue
                entries.append(
                    ListedRange(
                        network,
                        source,
                        item.get("name", ""),
                        f"{path}#{item.get('id')}",
                        valid_from,
                        valid_until,
                    )
                )
        elif kind in ("ipv4-addr", "ipv6-addr"):
            value = item.get("value", "")
            try:
                network = str(ipaddress.ip_network(value, strict=False))
            except ValueError as exc:
                errors.append(_bad(path, position, value, str(exc)))
                continue
            entries.append(ListedRange(network, source, "", f"{path}#{item.get('id')}"))
    return Blacklist(entries, errors, bounded)


def _validity(indicator: dict) -> tuple[int | None, int | None]:
    """`valid_from` and `valid_until` as UTC epoch seconds (STIX 2.1 §4.7); a stamp without a zone is
    UTC; a stamp that cannot be read is no bound (the indicator applies)."""
    bounds: list[int | None] = []
    for name in ("valid_from", "valid_until"):
        value, bound = indicator.get(name), None
        if value:
            try:
                stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            except ValueError:
                stamp = None
            if stamp is not None:
                bound = math.floor((stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp())
        bounds.append(bound)
    return bounds[0], bounds[1]


def blacklist_table(entries: list[ListedRange]) -> pa.Table:
    starts, ends = zip(*(e.key_range() for e in entries), strict=True) if entries else ((), ())
    return pa.table(
        {
            "range_start": pa.array(list(starts), pa.string()),
            "range_end": pa.array(list(ends), pa.string()),
            "network": pa.array([e.network for e in entries], pa.string()),
            "list_source": pa.array([e.source for e in entries], pa.string()),
            "description": pa.array([e.description for e in entries], pa.string()),
            "valid_from": pa.array([e.valid_from for e in entries], pa.int64()),
            "valid_until": pa.array([e.valid_until for e in entries], pa.int64()),
        }
    )
