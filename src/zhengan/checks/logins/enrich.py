"""Format-free preparation of the events before the detections: vectorised with Arrow, no copy of the
readers' columns.

`prepare` joins the inputs' tables into one `events` table with the columns the detection queries use:
`rid` (the event's row number: an integer key inside the engines; the `file:line` ids are built only for
the events behind a result), `epoch` (UTC seconds), `country` (the log's own, else the offline `iptocc`
database; never a network call),
`ip_no` (the source address's row in `addresses`), `trusted` (in the firm's trusted networks), `is_core`
(a core system) and `user_type` resolved by the firm's rules.

Everything about an address is worked out once per distinct address, in the `addresses` table:
`ip_key` (a fixed-width hex form, so that CIDR ranges match with BETWEEN on every engine), `country`
and `trusted`.

The firm's local time (day, hour, weekday) is not prepared for every event: the one detection that needs
it (`non_customer_daily`) works it out from `epoch` and `utc_offset_seconds` for the few events it reads,
and joins the `calendar` table (`local_day`, `day_kind`: `holiday` or `workday`, from `holidays.py`).
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
from iptocc import country_code

from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.holidays import HolidayCalendar
from zhengan.checks.logins.readers.base import EventIds, ReadResult
from zhengan.checks.logins.readers.mapping import DICTIONARY, TEXT, _chunkwise, _member
from zhengan.checks.logins.schema import FALLBACK_TYPE

# The reader columns the preparation needs.
READ_COLUMNS = (
    "timestamp",
    "event_outcome",
    "event_action",
    "user_name",
    "user_type",
    "source_ip",
    "source_country",
    "host_name",
    "service_name",
)
IPV4_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4 = rf"^{IPV4_OCTET}(\.{IPV4_OCTET}){{3}}$"  # dotted quad without leading zeros, as ip_key's fast path
IPV4_MAPPED_PREFIX = "00000000000000000000ffff"
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
HEX_OCTETS = pa.array([f"{n:02x}" for n in range(256)], TEXT)


def ip_key(address: str) -> str | None:
    """32 hex digits of the IPv6 form (IPv4 as ::ffff:a.b.c.d): string order equals address order."""
    parts = address.split(".")
    if len(parts) == 4 and all(
        p.isdigit() and len(p) <= 3 and int(p) < 256 and (p == "0" or p[0] != "0") for p in parts
    ):
        # the common case, without the cost of the ipaddress module
        return IPV4_MAPPED_PREFIX + "".join(f"{int(p):02x}" for p in parts)
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 4:
        ip = ipaddress.IPv6Address(f"::ffff:{ip}")
    return f"{int(ip):032x}"


def _version(address: str) -> int | None:
    try:
        return ipaddress.ip_address(address.strip().split("%", 1)[0]).version
    except ValueError:
        return None


@dataclass
class PreparedEvents:
    events: pa.Table  # one row per event, the columns in rules.QUERY_COLUMNS; `rid` is the row number
    addresses: pa.Table  # one row per distinct source address: ip_no, source_ip, ip_key, country, trusted
    inputs: list[tuple[int, EventIds]]  # (first rid, how its rows are named) per input, in rid order
    calendar: pa.Table  # one row per listed local day: local_day (days since 1970-01-01), day_kind
    utc_offset_seconds: int = 8 * 3600  # the firm's local time (for the local years of the events)

    @property
    def count(self) -> int:
        return self.events.num_rows

    def event_ids(self, rids: Iterable[int]) -> dict[int, str]:
        """`file:line` of the given events (only those: ids are never built for the whole table)."""
        if len(self.inputs) == 1:
            wanted = list(set(rids))
            return dict(zip(wanted, self.inputs[0][1].names_of(wanted), strict=True))
        starts = [first for first, _ in self.inputs]
        by_input: dict[int, list[int]] = {}
        for rid in set(rids):
            by_input.setdefault(bisect.bisect_right(starts, rid) - 1, []).append(rid)
        names: dict[int, str] = {}
        for index, wanted in by_input.items():
            first, ids = self.inputs[index]
            names.update(zip(wanted, ids.names_of([rid - first for rid in wanted]), strict=True))
        return names


def prepare(
    results: list[ReadResult], config: LoginConfig, calendar: HolidayCalendar | None = None
) -> PreparedEvents:
    inputs, tables, first = [], [], 0
    fallbacks = any(FALLBACK_TYPE in result.table.column_names for result in results)
    for result in results:
        inputs.append((first, result.event_ids()))
        columns = {name: result.table[name] for name in READ_COLUMNS}  # all nullable
        if fallbacks:
            columns[FALLBACK_TYPE] = (
                result.table[FALLBACK_TYPE]
                if FALLBACK_TYPE in result.table.column_names
                else pa.nulls(result.table.num_rows, TEXT)
            )
        tables.append(pa.table(columns))
        first += result.table.num_rows
    table = _concat(tables)
    count = table.num_rows

    micros = table["timestamp"].cast(pa.int64())
    epoch = pc.divide(micros, 1_000_000)  # truncates toward zero: a floor for every date after 1970

    # One hashing pass gives the distinct addresses (in order of first appearance) and each event's row
    # among them.
    distinct, ip_no = _encode(table["source_ip"])
    addresses = _addresses(distinct, config)
    country = _countries(addresses["country"], ip_no)
    if table["source_country"].null_count != count:
        country = pc.coalesce(table["source_country"].cast(TEXT), country.cast(TEXT))
    trusted = pc.fill_null(pc.take(addresses["trusted"], ip_no), False)

    if config.core_hosts or config.core_services:
        is_core = pc.or_(
            core_hosts_member(table["host_name"], config.core_hosts),
            _member(table["service_name"], tuple(config.core_services)),
        )
    else:
        is_core = pa.repeat(pa.scalar(True), count)

    events = pa.table(
        {
            "rid": row_numbers(count, pa.int64()),
            "event_outcome": table["event_outcome"],
            "event_action": table["event_action"],
            "user_name": table["user_name"],
            "user_type": _user_types(table, config),
            "source_ip": table["source_ip"],
            "ip_no": ip_no,
            "service_name": table["service_name"],
            "epoch": epoch,
            "country": country,
            "trusted": trusted,
            "is_core": is_core,
        }
    )
    return PreparedEvents(
        events=events,
        addresses=addresses,
        inputs=inputs,
        calendar=calendar_table(calendar),
        utc_offset_seconds=config.utc_offset_hours * 3600,
    )


def core_hosts_member(column: pa.ChunkedArray, hosts: list[str]) -> pa.ChunkedArray:
    """Per row: is the host one of the firm's core hosts (SR-3.6)? Case-insensitive, and a listed short
    name (`bo-app-01`) also matches the fully qualified names it begins (`BO-APP-01.corp.example.com.tw`),
    as Windows logs name their computers. Worked out on each chunk's dictionary when it has one."""
    names = pa.array(sorted(set(hosts)), TEXT)
    short = pa.array(sorted({h for h in hosts if "." not in h}), TEXT)

    def matches(values: pa.Array) -> pa.Array:
        lowered = pc.utf8_lower(values.cast(TEXT))
        first = pc.list_element(pc.split_pattern(lowered, ".", max_splits=1), 0)
        return pc.fill_null(
            pc.or_(pc.is_in(lowered, value_set=names), pc.is_in(first, value_set=short)), False
        )

    chunks = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            chunks.append(pc.fill_null(pc.take(matches(chunk.dictionary), chunk.indices), False))
        else:
            chunks.append(matches(chunk))
    return pa.chunked_array(chunks, pa.bool_())


def _encode(column: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, pa.ChunkedArray | pa.Array]:
    """The distinct values (in order of first appearance) and each row's position among them.

    Encoded chunk by chunk in one hashing pass, without first copying the chunks into one array (at 10M
    events that copy alone took 0.4 s): Arrow gives every chunk the final dictionary; should a chunk's
    dictionary ever differ, the column is encoded as one array instead."""
    if isinstance(column, pa.ChunkedArray) and len(column):
        encoded = pc.dictionary_encode(column)
        if encoded.num_chunks and len(encoded) == len(column):
            distinct = encoded.chunk(encoded.num_chunks - 1).dictionary
            if all(chunk.dictionary.equals(distinct) for chunk in encoded.chunks):
                return distinct, pa.chunked_array([chunk.indices for chunk in encoded.chunks], pa.int32())
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    return encoded.dictionary, encoded.indices


def _countries(by_address: pa.ChunkedArray, ip_no: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each event's country, dictionary-encoded (a few hundred codes) without a string per event."""
    by_address = by_address.combine_chunks() if isinstance(by_address, pa.ChunkedArray) else by_address
    codes = pc.unique(by_address).drop_null()
    position = pc.index_in(by_address, value_set=codes)  # per address; null: no country
    chunks = ip_no.chunks if isinstance(ip_no, pa.ChunkedArray) else [ip_no]
    return pa.chunked_array(
        [pa.DictionaryArray.from_arrays(pc.take(position, c), codes) for c in chunks], DICTIONARY
    )


def calendar_table(calendar: HolidayCalendar | None) -> pa.Table:
    """`local_day` (days since 1970-01-01) and `day_kind` (holiday / workday) of every listed day."""
    numbers, kinds = calendar.day_numbers() if calendar else ([], [])
    return pa.table({"local_day": pa.array(numbers, pa.int64()), "day_kind": pa.array(kinds, TEXT)})


def local_years(prepared: PreparedEvents) -> set[int]:
    """The years of the firm's local days the events fall on."""
    if prepared.count == 0:
        return set()
    bounds = pc.min_max(prepared.events["epoch"]).as_py()
    return years_between(bounds["min"], bounds["max"], prepared.utc_offset_seconds)


def years_between(first_epoch: int, last_epoch: int, utc_offset_seconds: int) -> set[int]:
    """The years of the local days from the first to the last instant (division truncating toward zero,
    as the events' own local days); shared by the Spark-prepared path."""
    low, high = (int((epoch + utc_offset_seconds) / 86400) for epoch in (first_epoch, last_epoch))
    return set(
        range(date.fromordinal(EPOCH_ORDINAL + low).year, date.fromordinal(EPOCH_ORDINAL + high).year + 1)
    )


def _concat(tables: list[pa.Table]) -> pa.Table:
    """One table from the inputs'; a column dictionary-encoded in one input is encoded in all."""
    if len(tables) == 1:
        return tables[0]
    if not tables:
        return pa.table({name: pa.array([], TEXT) for name in READ_COLUMNS}).set_column(
            0, "timestamp", pa.array([], pa.timestamp("us", tz="UTC"))
        )
    unified = []
    encoded = {n for t in tables for n in READ_COLUMNS if t.schema.field(n).type == DICTIONARY}
    for table in tables:
        for name in encoded:
            column = table[name]
            if column.type != DICTIONARY:
                column = pc.dictionary_encode(column.cast(TEXT)).cast(DICTIONARY)
                table = table.set_column(table.schema.get_field_index(name), name, column)
        unified.append(table)
    return pa.concat_tables(unified)


def row_numbers(count: int, kind: pa.DataType) -> pa.Array:
    """0, 1, ..., count - 1."""
    if count == 0:
        return pa.array([], kind)
    return pc.subtract(pc.cumulative_sum(pa.repeat(pa.scalar(1, kind), count)), pa.scalar(1, kind))


def _user_types(table: pa.Table, config: LoginConfig) -> pa.ChunkedArray:
    """The log's own account type, else the firm's first matching rule, else the reader's fallback for
    its format (`schema.FALLBACK_TYPE`: staff for sshd and Windows logs), else the firm's default."""
    user_type = table["user_type"]
    if not config.account_types and user_type.null_count == 0 and not _null_values(user_type):
        return user_type
    user_type = user_type.cast(TEXT)
    for rule in config.account_types:
        matches = pc.fill_null(pc.match_substring_regex(table["user_name"], rule.pattern), False)
        user_type = pc.if_else(pc.and_(pc.is_null(user_type), matches), rule.type, user_type)
    if FALLBACK_TYPE in table.column_names:
        user_type = pc.coalesce(user_type, table[FALLBACK_TYPE])
    return pc.fill_null(user_type, config.default_user_type)


def _null_values(column: pa.ChunkedArray) -> bool:
    return pa.types.is_dictionary(column.type) and any(c.dictionary.null_count for c in column.chunks)


def ip_keys(addresses: pa.Array) -> tuple[pa.Array, pa.Array]:
    """`ip_key` and the IP version (4, 6, or null when not an address) of each address, vectorised for
    dotted quads; other spellings (IPv6, zones, odd forms) go through `ip_key` one by one."""
    dotted = pc.fill_null(pc.match_substring_regex(addresses, IPV4), False)
    parts = pc.split_pattern(pc.if_else(dotted, addresses, "0.0.0.0"), ".")
    octets = pc.cast(pc.list_flatten(parts), pa.int32())
    hex_parts = pa.ListArray.from_arrays(parts.offsets, pc.take(HEX_OCTETS, octets))
    keys = pc.binary_join_element_wise(IPV4_MAPPED_PREFIX, pc.binary_join(hex_parts, ""), "")
    keys = pc.if_else(dotted, keys, pa.scalar(None, TEXT))
    versions = pc.if_else(dotted, pa.scalar(4, pa.int8()), pa.scalar(None, pa.int8()))
    others = pc.indices_nonzero(pc.invert(dotted)).to_pylist()
    if others:
        keys, versions = keys.to_pylist(), versions.to_pylist()
        for index in others:
            address = addresses[index].as_py()
            keys[index], versions[index] = ip_key(address), _version(address)
        keys, versions = pa.array(keys, TEXT), pa.array(versions, pa.int8())
    return keys, versions


def _addresses(distinct: pa.Array, config: LoginConfig) -> pa.Table:
    # the two halves of the addresses on two cores (Arrow's kernels release the GIL)
    half = (len(distinct) + 1) // 2
    halves = _chunkwise(
        ip_keys, [distinct.slice(0, half), distinct.slice(half)] if half > 4096 else [distinct]
    )
    keys = pa.concat_arrays([k for k, _ in halves])
    versions = pa.concat_arrays([v for _, v in halves])
    valid = pc.is_valid(keys)
    listed = pc.filter(distinct, valid)
    codes = pa.array(country_code(listed.to_pylist()) if len(listed) else [], TEXT)
    countries = pc.replace_with_mask(pa.nulls(len(distinct), TEXT), valid, codes)
    trusted = pa.repeat(pa.scalar(False), len(distinct))
    for value in config.trusted_networks:
        network = ipaddress.ip_network(value, strict=False)
        low, high = ip_key(str(network.network_address)), ip_key(str(network.broadcast_address))
        inside = pc.and_(
            pc.equal(versions, network.version),
            pc.and_(pc.greater_equal(keys, low), pc.less_equal(keys, high)),
        )
        trusted = pc.or_(trusted, pc.fill_null(inside, False))
    return pa.table(
        {
            "ip_no": row_numbers(len(distinct), pa.int32()),
            "source_ip": distinct,
            "ip_key": keys,
            "country": countries,
            "trusted": trusted,
        }
    )
