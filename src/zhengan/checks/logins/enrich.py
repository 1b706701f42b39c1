"""Format-free preparation of the events before the detections: vectorised with Arrow, no copy of the
readers' columns.

`prepare` joins the inputs' tables into one `events` table with the columns the detection queries use:
`rid` (the event's row number: an integer key inside the engines; the `file:line` ids are built only for
the events behind a result), `epoch` (UTC seconds), `country` (the log's own, else the offline `iptocc`
database; never a network call),
`ip_no` (the source address's row in `addresses`), `trusted` (in the firm's trusted networks), `is_core`
(a core system) and `user_type` resolved by the firm's rules.

Account names (`user_name`) are grouped without regard to case unless the firm sets
`account_names_case_sensitive: true` (`fold_accounts`): every spelling of one account is replaced by the
spelling seen first, and a run note lists the spellings grouped. Only the distinct names are folded; when
no two of them differ only in case (the usual day) the column is kept as it is.

Everything about an address is worked out once per distinct address text (`address_lookup`): its
canonical spelling (`ipaddress`: the compressed form, an IPv4-mapped IPv6 address as IPv4), then, once
per canonical address, the `addresses` table: `ip_key` (a fixed-width hex form, so that CIDR ranges match
with BETWEEN on every engine), `country` and `trusted`. Events carry the canonical spelling in
`source_ip` and are grouped by it (`ip_no`); a value that is not an address keeps its text in `source_ip`
but has no `ip_no`, so it takes no part in the address-based detections (a run note counts them).

Core systems (`is_core`): a listed `core_hosts` or `core_services` name matches case-insensitively, and a
name without a dot matches a host name whose first label it is (and the other way round)
(`core_values`); listed names that match no event are named in a run note.

The firm's local time (day, hour, weekday) is not prepared for every event: the one detection that needs
it (`non_customer_daily`) works it out from `epoch` and `utc_offset_seconds` for the few events it reads,
and joins the `calendar` table (`local_day`, `day_kind`: `holiday` or `workday`, from `holidays.py`).
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
from iptocc import country_code

from zhengan.checks.logins.config import LoginConfig
from zhengan.checks.logins.holidays import HolidayCalendar
from zhengan.checks.logins.readers.base import EventIds, ReadResult
from zhengan.checks.logins.readers.mapping import DICTIONARY, TEXT, _chunkwise, _member
from zhengan.checks.logins.schema import FALLBACK_TYPE
from zhengan.text import Text

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
    notes: list[Text] = field(default_factory=list)  # what the preparation grouped or left out

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

    # H6: the account names are folded to one case in a thread of their own while the addresses are
    # worked out here (both mostly Arrow kernels, which release the GIL).
    folding = None
    if not config.account_names_case_sensitive:
        folding = ThreadPoolExecutor(1, thread_name_prefix="zhengan-fold")
        folded = folding.submit(fold_accounts, table["user_name"])
        folding.shutdown(wait=False)

    micros = table["timestamp"].cast(pa.int64())
    epoch = pc.divide(micros, 1_000_000)  # truncates toward zero: a floor for every date after 1970

    notes: list[Text] = []
    # One hashing pass gives the distinct address texts (in order of first appearance) and each event's
    # row among them; each text is made canonical once, and the events grouped by the canonical address.
    distinct, raw_no = _encode(table["source_ip"])
    addresses, lookup = address_lookup(distinct, config)
    ip_no = _remap(raw_no, lookup["ip_no"])
    source_ip = _spelled(table["source_ip"], distinct, raw_no, lookup["display"])
    unparsable = pc.and_(pc.is_valid(distinct), pc.is_null(lookup["ip_no"]))
    if pc.any(unparsable).as_py():
        events_unparsable = sum(pc.sum(pc.take(unparsable, c)).as_py() or 0 for c in _chunks(raw_no))
        notes.append(unparsable_note(pc.filter(distinct, unparsable).to_pylist(), events_unparsable))
    country = _countries(addresses["country"], ip_no)
    if table["source_country"].null_count != count:
        country = pc.coalesce(table["source_country"].cast(TEXT), country.cast(TEXT))
    trusted = pc.fill_null(pc.take(addresses["trusted"], ip_no), False)

    if config.core_hosts or config.core_services:
        hosts, services, unseen = core_values(
            pc.unique(table["host_name"]).to_pylist() if config.core_hosts else [],
            pc.unique(table["service_name"]).to_pylist() if config.core_services else [],
            config,
        )
        notes.extend(unseen)
        is_core = pc.or_(
            _member(table["host_name"], tuple(hosts)), _member(table["service_name"], tuple(services))
        )
    else:
        is_core = pa.repeat(pa.scalar(True), count)

    user_name = table["user_name"]
    if folding is not None:
        user_name, groups = folded.result()
        if groups:
            notes.append(accounts_note(groups))

    events = pa.table(
        {
            "rid": row_numbers(count, pa.int64()),
            "event_outcome": table["event_outcome"],
            "event_action": table["event_action"],
            "user_name": user_name,
            "user_type": _user_types(table, config),  # by the name as spelled in the event
            "source_ip": source_ip,
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
        notes=notes,
    )


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


def event_period(prepared: PreparedEvents) -> tuple[int, int] | None:
    """The first and last event's instant (UTC epoch seconds); None when there are no events."""
    if prepared.count == 0:
        return None
    bounds = pc.min_max(prepared.events["epoch"]).as_py()
    return bounds["min"], bounds["max"]


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
    other = pc.invert(dotted)
    if pc.any(other).as_py():
        # only the other spellings go through Python (in the mask's order)
        texts = pc.filter(addresses, other).to_pylist()
        keys = pc.replace_with_mask(
            keys, other, pa.array([None if t is None else ip_key(t) for t in texts], TEXT)
        )
        versions = pc.replace_with_mask(
            versions, other, pa.array([None if t is None else _version(t) for t in texts], pa.int8())
        )
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


def _chunks(column: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    return list(column.chunks) if isinstance(column, pa.ChunkedArray) else [column]


def _array(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _remap(codes: pa.ChunkedArray | pa.Array, mapping: pa.Array) -> pa.ChunkedArray:
    """`mapping[code]` for every row (null codes stay null), chunk by chunk."""
    mapping = _array(mapping)
    return pa.chunked_array([pc.take(mapping, chunk) for chunk in _chunks(codes)], mapping.type)


def _spelled(
    column: pa.ChunkedArray, distinct: pa.Array, codes: pa.ChunkedArray | pa.Array, display: pa.Array
) -> pa.ChunkedArray:
    """Each event's address as displayed (the canonical spelling, else the text as logged). The column as
    read when every spelling is already canonical (the usual day); else taken as plain text per row: not
    a dictionary column, whose dictionary of every distinct address DuckDB would import again for each
    chunk it scans (2.5x slower detections over every event at 10M events)."""
    display = _array(display).cast(TEXT)
    if pc.all(pc.fill_null(pc.equal(display, _array(distinct).cast(TEXT)), True)).as_py():
        return column.cast(TEXT) if not pa.types.is_dictionary(column.type) else _remap(codes, display)
    return _remap(codes, display)


def canonical_ip(address: str) -> str | None:
    """The address as `ipaddress` spells it (compressed; an IPv4-mapped IPv6 address as IPv4; a zone
    dropped, as `ip_key` drops it), or None when it is not an address."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return ip.compressed


def canonical_ips(addresses: pa.Array) -> pa.Array:
    """`canonical_ip` of each text: a dotted quad without leading zeros is already canonical (vectorised);
    other spellings (IPv6, odd forms) go through `ipaddress` one by one."""
    addresses = addresses.cast(TEXT)
    dotted = pc.fill_null(pc.match_substring_regex(addresses, IPV4), False)
    other = pc.and_(pc.invert(dotted), pc.is_valid(addresses))
    canonical = pc.if_else(dotted, addresses, pa.scalar(None, TEXT))
    if pc.any(other).as_py():
        # only the other spellings go through Python (their canonical forms in the mask's order)
        texts = pc.filter(addresses, other).to_pylist()
        canonical = pc.replace_with_mask(canonical, other, pa.array([canonical_ip(t) for t in texts], TEXT))
    return canonical


def address_lookup(distinct: pa.Array, config: LoginConfig) -> tuple[pa.Table, pa.Table]:
    """The `addresses` table (one row per canonical address) and, per distinct address text, its
    `ip_no` (null: not an address), `display` (the canonical spelling, else the text as logged),
    `country` and `trusted`. Shared by the driver's preparation and Spark's (`spark_prepare`)."""
    distinct = distinct.cast(TEXT)
    canonical = canonical_ips(distinct)
    encoded = pc.dictionary_encode(canonical)
    addresses = _addresses(encoded.dictionary, config)
    ip_no = encoded.indices.cast(pa.int32())
    lookup = pa.table(
        {
            "source_ip": distinct,
            "ip_no": ip_no,
            "display": pc.coalesce(canonical, distinct),
            "country": pc.take(addresses["country"], ip_no),
            "trusted": pc.fill_null(pc.take(addresses["trusted"], ip_no), False),
        }
    )
    return addresses, lookup


def unparsable_note(values: list[str], events: int) -> Text:
    """M7/L4: source addresses that are not addresses are kept, but out of the address-based detections."""
    examples = ", ".join(f"'{v}'" for v in sorted(values)[:5]) + (" …" if len(values) > 5 else "")
    return Text(
        zh=f"{events:,} 筆事件的來源位址不是有效的 IP 位址（{len(values):,} 種，例如 {examples}）："
        "這些事件仍納入分析，但不參與以來源位址判定的偵測（黑名單、國家、同一 IP 多帳號）",
        en=f"{events:,} event{'s carry' if events != 1 else ' carries'} a source address that is not an IP address "
        f"({len(values):,} distinct, e.g. {examples}): the events are analysed, but take no part in the "
        "address-based detections (blacklists, countries, one IP with many accounts)",
    )


def _is_ip(text: str) -> bool:
    return canonical_ip(text) is not None


def _host_matches(listed: str, host: str) -> bool:
    """`listed` and `host` already lower-cased: equal, or one without a dot equal to the other's first
    label (a short name against a fully qualified one); addresses only equal."""
    if listed == host:
        return True
    if _is_ip(listed) or _is_ip(host):
        return False
    if "." not in listed and "." in host:
        return host.split(".", 1)[0] == listed
    if "." in listed and "." not in host:
        return listed.split(".", 1)[0] == host
    return False


def core_values(
    hosts: list[str | None], services: list[str | None], config: LoginConfig
) -> tuple[list[str], list[str], list[Text]]:
    """M8: the day's host and service names (as spelled in the events) that count as core systems, and a
    note naming every listed core host or service no event matched. Shared with `spark_prepare`."""
    matched_hosts, matched_services, seen = [], [], set()
    for host in hosts:
        if host is None:
            continue
        hits = [name for name in config.core_hosts if _host_matches(name.strip().lower(), host.lower())]
        if hits:
            matched_hosts.append(host)
            seen.update(hits)
    listed_services = {name.strip().lower(): name for name in config.core_services}
    seen_services = set()
    for service in services:
        if service is not None and service.lower() in listed_services:
            matched_services.append(service)
            seen_services.add(listed_services[service.lower()])
    notes = []
    for key, (zh_kind, en_kind), listed, found, rule_zh, rule_en in (
        ("core_hosts", ("主機", "hosts"), config.core_hosts, seen,
         "；不含「.」的名稱比對完整網域名稱的第一段", "; a name without a dot matches a full domain name's first label"),
        ("core_services", ("服務", "services"), config.core_services, seen_services, "", ""),
    ):  # fmt: skip
        unseen = ", ".join(name for name in listed if name not in found)
        if unseen:
            notes.append(
                Text(
                    zh=f"設定的核心{zh_kind} {unseen} 未出現在本日任何事件中（不分大小寫比對{rule_zh}）：請確認 {key} 的名稱",
                    en=f"the core {en_kind} {unseen} of the configuration match no event of the day (matched "
                    f"ignoring case{rule_en}): check {key}",
                )
            )
    return sorted(matched_hosts), sorted(matched_services), notes


def _names_in_order(column: pa.ChunkedArray) -> pa.Array:
    """The distinct non-null values in order of first appearance: for a dictionary column from its
    indices (cheap), else hashed in two halves on two cores (Arrow's kernels release the GIL)."""
    if pa.types.is_dictionary(column.type):
        column = column.unify_dictionaries()
        if column.num_chunks == 0:
            return pa.array([], TEXT)
        codes = pa.chunked_array([c.indices for c in column.chunks])
        return pc.take(column.chunk(0).dictionary, pc.unique(codes).drop_null()).cast(TEXT)
    half = len(column) // 2
    parts = [column.slice(0, half), column.slice(half)] if half > 65536 else [column]
    found = _chunkwise(lambda part: pc.unique(part).drop_null(), parts)
    return pc.unique(pa.concat_arrays([_array(f).cast(TEXT) for f in found]))


def fold_accounts(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, list[tuple[str, list[str]]]]:
    """H6: each account name replaced by the spelling of it seen first, names differing only in case being
    one account; and the groups of spellings (first, others). Only the distinct names are folded; without
    two of them differing only in case (the usual day) the column is returned as it is, and only the
    spellings that are not the first of their account are looked up in the events."""
    used = _names_in_order(column)
    if len(used) < 2:
        return column, []
    groups = pc.dictionary_encode(pc.utf8_lower(used))
    if len(groups.dictionary) == len(used):
        return column, []
    g = groups.indices
    per_group = (
        pa.table({"g": g, "i": row_numbers(len(used), pa.int32())})
        .group_by("g", use_threads=False)
        .aggregate([("i", "min"), ("i", "count")])
        .sort_by("g")  # groups 0..n-1
    )
    first = pc.take(per_group["i_min"], g)  # per name: the position of its account's first-seen name
    shared = pc.indices_nonzero(pc.greater(pc.take(per_group["i_count"], g), 1)).to_pylist()
    spellings: dict[int, list[str]] = {}
    others, firsts = [], []
    for position in shared:
        name = used[position].as_py()
        spellings.setdefault(g[position].as_py(), []).append(name)
        if first[position].as_py() != position:
            others.append(name)
            firsts.append(used[first[position].as_py()].as_py())
    value_set, replacement = pa.array(others, TEXT), pa.array(firsts, TEXT)

    def refold(values: pa.Array) -> pa.Array:
        found = pc.index_in(values, value_set=value_set)
        return pc.if_else(pc.is_valid(found), pc.take(replacement, found), values)

    chunks = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            chunk = pc.take(refold(chunk.dictionary.cast(TEXT)), chunk.indices)
        else:
            chunk = refold(chunk.cast(TEXT))
        chunks.append(chunk)
    folded = [(names[0], sorted(names[1:])) for names in spellings.values()]
    return pa.chunked_array(chunks, TEXT), sorted(folded)


def accounts_note(groups: list[tuple[str, list[str]]], shown: int = 10) -> Text:
    """H6: the account names grouped ignoring case (each as first spelled, then its other spellings)."""
    listed = "; ".join(f"{first} ({', '.join(others)})" for first, others in sorted(groups)[:shown])
    more = len(groups) - shown
    return Text(
        zh=f"帳號名稱不分大小寫視為同一帳號（account_names_case_sensitive: false），以最先出現的拼寫表示；"
        f"{len(groups):,} 個帳號有多種拼寫：{listed}" + (f"；另有 {more:,} 個" if more > 0 else ""),
        en="account names are grouped ignoring case (account_names_case_sensitive: false), each shown as "
        f"first spelled; {len(groups):,} account{'s' if len(groups) != 1 else ''} spelled in more than one "
        f"way: {listed}" + (f"; and {more:,} more" if more > 0 else ""),
    )
