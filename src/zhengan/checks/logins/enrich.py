"""Format-free preparation of the event table before the detections: vectorised with Arrow.

Adds the columns the detections use, so that the detection SQL stays the same on every engine:
`epoch` (UTC seconds), `local_day` / `local_hour` / `local_dow` (firm's local time, 0 = Sunday),
`country` (the log's own, else the offline `iptocc` database; never a network call), `ip_key`
(a fixed-width hex form of the address so that CIDR ranges match with BETWEEN), `trusted` (in the
firm's trusted networks), `is_core` (a core system), and `user_type` resolved by the firm's rules.
"""

from __future__ import annotations

import ipaddress

import pyarrow as pa
import pyarrow.compute as pc
from iptocc import country_code

from zhengan.checks.logins.config import LoginConfig


def ip_key(address: str) -> str | None:
    """32 hex digits of the IPv6 form (IPv4 as ::ffff:a.b.c.d): string order equals address order."""
    parts = address.split(".")
    if len(parts) == 4 and all(
        p.isdigit() and len(p) <= 3 and int(p) < 256 and (p == "0" or p[0] != "0") for p in parts
    ):
        # the common case, without the cost of the ipaddress module
        return "00000000000000000000ffff" + "".join(f"{int(p):02x}" for p in parts)
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 4:
        ip = ipaddress.IPv6Address(f"::ffff:{ip}")
    return f"{int(ip):032x}"


def _lookup(distinct_ips: list[str], trusted: list[ipaddress._BaseNetwork]) -> tuple[list, list, list]:
    keys = [ip_key(ip) for ip in distinct_ips]
    valid = [ip for ip, key in zip(distinct_ips, keys, strict=True) if key is not None]
    codes = dict(zip(valid, country_code(valid), strict=True)) if valid else {}
    countries = [codes.get(ip) for ip in distinct_ips]
    flags = []
    for ip, key in zip(distinct_ips, keys, strict=True):
        if key is None or not trusted:
            flags.append(False)
            continue
        address = ipaddress.ip_address(ip.strip().split("%", 1)[0])
        flags.append(any(address in network for network in trusted))
    return keys, countries, flags


def enrich(table: pa.Table, config: LoginConfig) -> pa.Table:
    seconds = pc.divide(table["timestamp"].cast(pa.int64()), 1_000_000)
    local = pc.add(seconds, config.utc_offset_hours * 3600)
    local_day = _floor_div(local, 86400)
    seconds_of_day = pc.subtract(local, pc.multiply(local_day, 86400))
    local_hour = pc.divide(seconds_of_day, 3600)
    days = pc.add(local_day, 4)  # 1970-01-01 was a Thursday (4 when Sunday is 0)
    local_dow = pc.subtract(days, pc.multiply(_floor_div(days, 7), 7))

    distinct = pc.unique(table["source_ip"]).drop_null()
    trusted = [ipaddress.ip_network(n, strict=False) for n in config.trusted_networks]
    keys, countries, flags = _lookup(distinct.to_pylist(), trusted)
    index = pc.index_in(table["source_ip"], value_set=distinct)
    looked_up_country = pc.take(pa.array(countries, pa.string()), index)
    country = pc.coalesce(table["source_country"], looked_up_country)
    keys_column = pc.take(pa.array(keys, pa.string()), index)
    trusted_column = pc.fill_null(pc.take(pa.array(flags, pa.bool_()), index), False)

    user_type = table["user_type"]
    for rule in config.account_types:
        matches = pc.fill_null(pc.match_substring_regex(table["user_name"], rule.pattern), False)
        user_type = pc.if_else(pc.and_(pc.is_null(user_type), matches), rule.type, user_type)
    user_type = pc.fill_null(user_type, config.default_user_type)

    if config.core_hosts or config.core_services:
        is_core = pc.or_(
            pc.fill_null(pc.is_in(table["host_name"], pa.array(config.core_hosts, pa.string())), False),
            pc.fill_null(pc.is_in(table["service_name"], pa.array(config.core_services, pa.string())), False),
        )
    else:
        is_core = (
            pa.array([True] * table.num_rows, pa.bool_()) if table.num_rows else pa.array([], pa.bool_())
        )

    enriched = table.set_column(table.schema.get_field_index("user_type"), "user_type", user_type)
    for name, column in (
        ("epoch", seconds),
        ("local_day", local_day),
        ("local_hour", local_hour),
        ("local_dow", local_dow),
        ("country", country),
        ("ip_key", keys_column),
        ("trusted", trusted_column),
        ("is_core", is_core),
    ):
        enriched = enriched.append_column(name, column)
    return enriched


def _floor_div(values, divisor: int):
    # Arrow's integer divide truncates toward zero; the epochs here are positive, so that is a floor.
    return pc.divide(values, divisor)
