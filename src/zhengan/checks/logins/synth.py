"""A realistic synthetic day of login records with injected attacks and a ground-truth file.

The clean part: customers (10 events each, on web / app / API / voice, from Taiwanese broadband ranges;
two in a hundred live abroad and always log in from the same foreign range; one in twenty mistypes a
password once before succeeding) and staff, admins, vendors and service accounts on core systems from
internal addresses, in office hours. It is generated inside DuckDB from a hash of (seed, account, event),
so 10M events take seconds and the same seed always gives the same day.

The injected part: at least one attack of every detection type, each listed in `ground_truth.json` with
the detection that must find it, the subject it must be reported under (when fixed) and the records
behind it (0-based data rows: CSV line = row + 2, Parquet record = row + 1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from zhengan.timeutil import TAIPEI

DEFAULT_DAY = date(2026, 11, 20)  # a Friday: a trading day
TAIWAN_BLOCKS = ["114.32.0.0", "36.224.0.0", "111.240.0.0", "61.216.0.0", "118.160.0.0"]  # HiNet etc.
TAIWAN_BLOCK_SIZE = 1 << 19  # the /13 inside each; all Taiwanese in the offline database
ABROAD_BLOCK = "153.120.0.0"  # Japan (/16)
BLACKLIST_CSV_NET = "45.134.26.0/24"
BLACKLIST_STIX_NET = "185.220.101.0/24"
CSV_COLUMNS = [
    "@timestamp",
    "event.outcome",
    "event.action",
    "user.name",
    "user.type",
    "source.ip",
    "host.name",
    "service.name",
    "event.reason",
]


@dataclass
class Attack:
    detection: str
    subject: str | None  # the alert's subject when it is fixed (account or IP)
    description: str
    events: list[dict] = field(default_factory=list)


def _ip(value: int) -> str:
    return ".".join(str((value >> shift) & 255) for shift in (24, 16, 8, 0))


def _ip_int(dotted: str) -> int:
    a, b, c, d = (int(x) for x in dotted.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def _event(
    moment: datetime,
    outcome: str,
    user: str,
    user_type: str,
    ip: str | None,
    host: str,
    service: str,
    reason: str | None = None,
    action: str = "logon",
) -> dict:
    return {
        "ts": moment,
        "outcome": outcome,
        "action": action,
        "user": user,
        "user_type": user_type,
        "ip": ip,
        "host": host,
        "service": service,
        "reason": reason,
    }


def attacks(day: date, events: int) -> list[Attack]:
    """The injected attacks, scaled so that the mass-failure burst stands out of a day of `events`."""

    def at(hh: int, mm: int, ss: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TAIPEI) + timedelta(seconds=ss)

    result: list[Attack] = []
    # 1. three or more wrong passwords (SR-6.6), and a lockout
    for n, (user, hour) in enumerate((("X90000001", 9), ("X90000002", 11), ("X90000003", 20))):
        ip = _ip(_ip_int("114.32.0.0") + 400_000 + n)
        a = Attack("logins.failed_passwords", user, f"{user}: four wrong passwords")
        a.events = [
            _event(
                at(hour, 5, 10 * i), "failure", user, "customer", ip, "order-gw-01", "web", "wrong password"
            )
            for i in range(4)
        ]
        result.append(a)
    a = Attack("logins.failed_passwords", "X90000004", "X90000004: account locked out")
    a.events = [
        _event(
            at(10, 0),
            "failure",
            "X90000004",
            "customer",
            None,
            "ad-dc-01",
            "app",
            "account locked out",
            action="lockout",
        )
    ]
    result.append(a)
    # 2. many accounts failing within minutes (a spray from Taiwanese addresses, one try per account)
    burst = max(120, events // 800)
    a = Attack("logins.mass_failures", None, f"{burst} accounts failing between 03:10 and 03:14")
    for i in range(burst):
        ip = _ip(_ip_int("36.224.0.0") + 450_000 + i)
        a.events.append(
            _event(
                at(3, 10, 0) + timedelta(seconds=i * 240 // burst),
                "failure",
                f"S{80000000 + i}",
                "customer",
                ip,
                "order-gw-02",
                "web",
                "wrong password",
            )
        )
    result.append(a)
    # 3. one source IP trying many accounts
    ip = _ip(_ip_int("111.240.0.0") + 460_000)
    a = Attack("logins.ip_many_accounts", ip, "one IP trying 15 accounts in 20 minutes")
    a.events = [
        _event(
            at(13, 0) + timedelta(seconds=80 * i),
            "failure",
            f"P{70000000 + i}",
            "customer",
            ip,
            "order-gw-01",
            "api",
            "wrong password",
        )
        for i in range(15)
    ]
    result.append(a)
    # 4. one account from two countries within hours
    for n, (user, foreign) in enumerate((("M60000001", "14.160.0.9"), ("M60000002", "153.120.7.7"))):
        a = Attack("logins.multi_country", user, f"{user}: Taiwan then {foreign}")
        home = _ip(_ip_int("61.216.0.0") + 470_000 + n)
        a.events = [
            _event(at(9, 30), "success", user, "customer", home, "order-gw-01", "app"),
            _event(at(11, 45), "success", user, "customer", foreign, "order-gw-01", "web"),
        ]
        result.append(a)
    # 5a. blacklisted sources (one from the CSV list, one from the STIX bundle)
    for ip, user in (("45.134.26.17", "B50000001"), ("185.220.101.33", "B50000002")):
        a = Attack("logins.blacklisted_source", ip, f"{ip} (listed) trying {user}")
        a.events = [
            _event(at(14, 20), "failure", user, "customer", ip, "order-gw-02", "web", "wrong password")
        ]
        result.append(a)
    # 5b. abroad on a domestic-only channel
    a = Attack("logins.abroad_domestic_channel", "V40000001", "voice-order login from Vietnam")
    a.events = [
        _event(at(10, 10), "success", "V40000001", "customer", "14.161.20.30", "voice-gw-01", "voice")
    ]
    result.append(a)
    # 6. non-customer accounts: off-hours use and failures on core systems
    a = Attack("logins.non_customer_daily", "adm99", "admin logging in at 02:30")
    a.events = [_event(at(2, 30), "success", "adm99", "admin", "10.20.9.9", "core-db-01", "staff")]
    result.append(a)
    a = Attack("logins.non_customer_daily", "v-acme99", "vendor account failing twice on a core system")
    a.events = [
        _event(
            at(15, 0, 5 * i),
            "failure",
            "v-acme99",
            "vendor",
            "10.20.9.10",
            "core-db-01",
            "staff",
            "wrong password",
        )
        for i in range(2)
    ]
    result.append(a)
    # 7. failures then success (possible compromise)
    ip = _ip(_ip_int("118.160.0.0") + 480_000)
    a = Attack("logins.failures_then_success", "K30000001", "five failures then a success")
    a.events = [
        _event(
            at(16, 0, 20 * i), "failure", "K30000001", "customer", ip, "order-gw-01", "web", "wrong password"
        )
        for i in range(5)
    ]
    a.events.append(_event(at(16, 2, 30), "success", "K30000001", "customer", ip, "order-gw-01", "web"))
    result.append(a)
    # 8. certificate and profile events
    for user, action in (
        ("R20000001", "certificate-apply"),
        ("R20000002", "certificate-renew"),
        ("R20000003", "profile-change"),
    ):
        a = Attack("logins.certificate_profile_change", user, f"{user}: {action}")
        a.events = [
            _event(
                at(12, 0),
                "success",
                user,
                "customer",
                _ip(_ip_int("114.32.0.0") + 490_000),
                "ca-01",
                "web",
                action=action,
            )
        ]
        result.append(a)
    return result


CLEAN_SQL = """
WITH params AS (SELECT {seed} AS seed),
customers AS (
  SELECT c,
    CAST(hash(c, seed, 1) >> 1 AS BIGINT) AS h1, CAST(hash(c, seed, 2) >> 1 AS BIGINT) AS h2, CAST(hash(c, seed, 3) >> 1 AS BIGINT) AS h3, CAST(hash(c, seed, 4) >> 1 AS BIGINT) AS h4,
    CAST(hash(c, seed, 5) >> 1 AS BIGINT) AS h5, CAST(hash(c, seed, 6) >> 1 AS BIGINT) AS h6, CAST(hash(c, seed, 7) >> 1 AS BIGINT) AS h7
  FROM range({customers}) r(c), params
),
customer_profile AS (
  SELECT c,
    27000 + h1 % 36000 AS start_s,          -- 07:30 to 17:30 local
    60 + h2 % 1800 AS gap_s,
    CASE WHEN h4 % 100 < 2 THEN true ELSE false END AS abroad,
    CASE WHEN h3 % 100 < 40 THEN 'web' WHEN h3 % 100 < 85 THEN 'app' WHEN h3 % 100 < 97 THEN 'api' ELSE 'voice' END AS channel0,
    h5 % 5 AS block, h6 % {block_size} AS ip_offset, h7 % 20 = 0 AS typo
  FROM customers
),
customer_events AS (
  SELECT
    {day_start} + start_s + j * gap_s + (CAST(hash(c, j, 11) >> 1 AS BIGINT) % 1000) / 1000.0 AS t,
    CASE WHEN j = 0 AND typo THEN 'failure' ELSE 'success' END AS outcome,
    'logon' AS action,
    'C' || lpad(CAST(c AS VARCHAR), 8, '0') AS user_name,
    'customer' AS user_type,
    CASE WHEN abroad THEN {abroad_base} + ip_offset % 65536
         ELSE (list_value({taiwan_bases})[block + 1]) + ip_offset END AS ip_int,
    'order-gw-0' || CAST(1 + c % 2 AS VARCHAR) AS host,
    CASE WHEN abroad AND channel0 = 'voice' THEN 'app' ELSE channel0 END AS channel,
    CASE WHEN j = 0 AND typo THEN 'wrong password' ELSE NULL END AS reason,
    c * 100 + j AS seq
  FROM customer_profile, range({per_customer}) r(j)
),
staff AS (
  SELECT s,
    CASE WHEN s < {staff_n} - 30 THEN 'staff' WHEN s < {staff_n} - 20 THEN 'admin'
         WHEN s < {staff_n} - 10 THEN 'vendor' ELSE 'service' END AS kind
  FROM range({staff_n}) r(s)
),
staff_events AS (
  SELECT
    {day_start} + 30600 + (CAST(hash(s, j, {seed}, 21) >> 1 AS BIGINT) % 30600) + (CAST(hash(s, j, 22) >> 1 AS BIGINT) % 1000) / 1000.0 AS t,
    'success' AS outcome, 'logon' AS action,
    CASE kind WHEN 'staff' THEN 'staff' || lpad(CAST(s AS VARCHAR), 4, '0')
              WHEN 'admin' THEN 'adm' || lpad(CAST(s AS VARCHAR), 4, '0')
              WHEN 'vendor' THEN 'v-acme' || lpad(CAST(s AS VARCHAR), 4, '0')
              ELSE 'svc-batch' || lpad(CAST(s AS VARCHAR), 4, '0') END AS user_name,
    kind AS user_type,
    167772160 + 20 * 65536 + s AS ip_int,    -- 10.20.x.y, internal
    list_value('core-db-01', 'order-gw-01', 'bo-app-01')[1 + CAST(hash(s, j, 23) >> 1 AS BIGINT) % 3] AS host,
    'staff' AS channel, NULL AS reason,
    1000000000000 + s * 100000 + j AS seq
  FROM staff, range({per_staff}) r(j)
)
SELECT * FROM customer_events UNION ALL SELECT * FROM staff_events
"""


def generate(
    out: Path, events: int, seed: int = 7, day: date = DEFAULT_DAY, formats: tuple[str, ...] = ("csv",)
) -> dict:
    """Write a synthetic day to `out` (logins.csv / logins.parquet, ground_truth.json, blacklists, config)."""
    out.mkdir(parents=True, exist_ok=True)
    injected = attacks(day, events)
    injected_count = sum(len(a.events) for a in injected)
    clean = max(events - injected_count, 0)
    staff_events = max(clean // 50, 0)
    staff_n = 150 if staff_events else 0
    per_staff = staff_events // staff_n if staff_n else 0
    per_customer = 10
    customers = (clean - staff_n * per_staff) // per_customer
    day_start = int(datetime(day.year, day.month, day.day, tzinfo=TAIPEI).timestamp())
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Asia/Taipei'")
    sql = CLEAN_SQL.format(
        seed=int(seed),
        customers=customers,
        per_customer=per_customer,
        staff_n=max(staff_n, 1),
        per_staff=per_staff,
        block_size=TAIWAN_BLOCK_SIZE,
        day_start=day_start,
        abroad_base=_ip_int(ABROAD_BLOCK),
        taiwan_bases=", ".join(str(_ip_int(b)) for b in TAIWAN_BLOCKS),
    )
    connection.execute(f"CREATE TABLE clean AS {sql}")
    rows = {
        "t": [],
        "outcome": [],
        "action": [],
        "user_name": [],
        "user_type": [],
        "ip": [],
        "host": [],
        "channel": [],
        "reason": [],
        "attack": [],
    }
    for index, attack in enumerate(injected):
        for item in attack.events:
            rows["t"].append(item["ts"].timestamp())
            rows["outcome"].append(item["outcome"])
            rows["action"].append(item["action"])
            rows["user_name"].append(item["user"])
            rows["user_type"].append(item["user_type"])
            rows["ip"].append(item["ip"])
            rows["host"].append(item["host"])
            rows["channel"].append(item["service"])
            rows["reason"].append(item["reason"])
            rows["attack"].append(index)
    connection.register("injected", pa.table(rows))
    connection.execute(
        """CREATE TABLE day AS
           SELECT to_timestamp(t) AS "@timestamp", outcome AS "event.outcome", action AS "event.action",
                  user_name AS "user.name", user_type AS "user.type",
                  CASE WHEN ip_int IS NULL THEN NULL ELSE concat_ws('.', ip_int >> 24, (ip_int >> 16) & 255,
                       (ip_int >> 8) & 255, ip_int & 255) END AS "source.ip",
                  host AS "host.name", channel AS "service.name", reason AS "event.reason",
                  CAST(NULL AS INTEGER) AS attack, seq
           FROM clean
           UNION ALL
           SELECT to_timestamp(t), outcome, action, user_name, user_type, ip, host, channel, reason, attack,
                  -1 - row_number() OVER () AS seq
           FROM injected
           ORDER BY 1, seq"""
    )
    connection.execute("CREATE TABLE numbered AS SELECT *, row_number() OVER () - 1 AS row FROM day")
    columns = ", ".join(f'"{c}"' for c in CSV_COLUMNS)
    written = []
    if "csv" in formats:
        path = out / "logins.csv"
        connection.execute(
            f"COPY (SELECT {columns} FROM numbered ORDER BY row) TO '{path}' (HEADER, DELIMITER ',', "
            "TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S.%g%z')"
        )
        written.append(path.name)
    if "parquet" in formats:
        path = out / "logins.parquet"
        connection.execute(f"COPY (SELECT {columns} FROM numbered ORDER BY row) TO '{path}' (FORMAT parquet)")
        written.append(path.name)
    attack_rows: dict[int, list[int]] = {}
    for attack_index, row in connection.execute(
        "SELECT attack, row FROM numbered WHERE attack IS NOT NULL ORDER BY row"
    ).fetchall():
        attack_rows.setdefault(attack_index, []).append(row)
    total = connection.execute("SELECT count(*) FROM numbered").fetchone()[0]
    connection.close()
    truth = {
        "day": day.isoformat(),
        "seed": seed,
        "events": total,
        "files": written,
        "row_to_line": {"csv": "row + 2", "parquet": "row + 1"},
        "attacks": [
            {
                "detection": a.detection,
                "subject": a.subject,
                "description": a.description,
                "rows": attack_rows[i],
            }
            for i, a in enumerate(injected)
        ],
    }
    (out / "ground_truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8")
    _write_blacklists(out)
    config = {
        "home_country": "TW",
        "core_hosts": ["core-db-01", "order-gw-01", "order-gw-02", "bo-app-01", "ad-dc-01"],
        "domestic_only_channels": ["voice"],
        "blacklists": ["fisac-blacklist.csv", "fisac-bundle.json"],
    }
    (out / "zhengan-logins.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return truth


def _write_blacklists(out: Path) -> None:
    (out / "fisac-blacklist.csv").write_text(
        "indicator,source,description\n"
        f"{BLACKLIST_CSV_NET},F-ISAC,credential-stuffing infrastructure\n"
        "203.0.113.66,firm,own incident 2026-10\n",
        encoding="utf-8",
    )
    bundle = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
                "created": "2026-11-19T00:00:00.000Z",
                "modified": "2026-11-19T00:00:00.000Z",
                "name": "F-ISAC",
                "identity_class": "organization",
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
                "created": "2026-11-19T00:00:00.000Z",
                "modified": "2026-11-19T00:00:00.000Z",
                "name": "Tor exit nodes used against brokers",
                "indicator_types": ["malicious-activity"],
                "pattern": f"[ipv4-addr:value ISSUBSET '{BLACKLIST_STIX_NET}']",
                "pattern_type": "stix",
                "valid_from": "2026-11-19T00:00:00Z",
            },
        ],
    }
    (out / "fisac-bundle.json").write_text(json.dumps(bundle, indent=2), encoding="utf-8")
