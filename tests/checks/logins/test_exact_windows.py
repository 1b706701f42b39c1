"""The windowed detections are exact: every set of events that fits within `window_seconds` (bounds
included) and reaches the threshold is found, nothing that does not fit is, and an alert's evidence is
that of its qualifying windows (review of issue #7, H1, H5 and L7)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.config import LoginConfig

DATA = Path(__file__).resolve().parents[2] / "data" / "logins" / "exact-windows"
HEADER = "@timestamp,event.outcome,event.action,user.name,user.type,source.ip,source.geo.country_iso_code\n"
DAY = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp())


def _alerts(analysis, detection: str) -> list[dict]:
    return [a for a in analysis.alerts if a["detection"] == detection]


def _lines(alert: dict) -> list[int]:
    return sorted(int(i.rsplit(":", 1)[1]) for i in alert["event_ids"])


def _config(tmp_path: Path, text: str) -> LoginConfig:
    path = tmp_path / "firm.yaml"
    path.write_text(text, encoding="utf-8")
    return LoginConfig.load(path)


def _write(tmp_path: Path, rows: list[tuple], name: str = "logins.csv") -> Path:
    """rows: (epoch, outcome, user, ip, country or '')."""
    path = tmp_path / name
    body = "".join(
        f"{datetime.fromtimestamp(t, UTC).isoformat()},{outcome},logon,{user},customer,{ip},{country}\n"
        for t, outcome, user, ip, country in rows
    )
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_three_failures_over_22_hours_within_a_day_window():
    """SR-6.6: 01:00, 14:00 and 23:00 Taipei; the old half-day hops missed it."""
    analysis = analyse([DATA / "hop.csv"])
    found = {a["subject"]: a for a in _alerts(analysis, "logins.failed_passwords")}
    assert set(found) == {"A100000001", "B100000001"}
    a = found["A100000001"]
    assert a["observed"] == 3 and _lines(a) == [2, 3, 4]
    assert (a["first_seen_taipei"][:16], a["last_seen_taipei"][:16]) == (
        "2026-11-20 01:00",
        "2026-11-20 23:00",
    )


def test_two_countries_four_and_a_half_hours_apart_within_six_hours():
    analysis = analyse([DATA / "mc.csv"])
    found = {a["subject"]: a for a in _alerts(analysis, "logins.multi_country")}
    assert set(found) == {"M1", "M2"}
    assert found["M1"]["detail"] == ["JP", "TW"] and found["M1"]["observed"] == 2
    assert found["M1"]["last_seen"] == "2026-11-20T06:30:00+00:00"


def test_spray_that_is_the_whole_day_of_failures_is_reported():
    """H5: 50 accounts failing in 2 minutes and nothing else failing: the attack is not its own baseline."""
    analysis = analyse([DATA / "spray.csv"])
    (alert,) = _alerts(analysis, "logins.mass_failures")
    assert alert["observed"] == 50 and alert["event_count"] == 50 and len(alert["user_names"]) == 50
    assert alert["subject"] == f"window {alert['first_seen_taipei']}"
    assert alert["control_ids"] == ["CC17010-3.2"]


def _spray_day(tmp_path: Path, background: int, spray: int) -> Path:
    """`background` distinct accounts failing in each of 12 ten-minute windows, and `spray` more at 05:00Z."""
    rows = [
        (DAY + w * 600 + i, "failure", f"B{w:02d}{i:03d}", f"114.36.{w}.{i}", "")
        for w in range(12)
        for i in range(background)
    ]
    rows += [(DAY + 5 * 3600 + i, "failure", f"S{i:03d}", f"36.224.0.{i}", "") for i in range(spray)]
    return _write(tmp_path, rows)


def test_mass_failures_baseline_leaves_the_candidate_out_and_always_accounts_overrides(tmp_path):
    path = _spray_day(tmp_path, background=10, spray=50)
    (alert,) = _alerts(analyse([path]), "logins.mass_failures")  # 50 >= 20 and >= 5 x 10
    assert alert["observed"] == 50 and {u for u in alert["user_names"] if u.startswith("S")} == {
        f"S{i:03d}" for i in range(50)
    }
    # the same spray over a day that normally has 30 failing accounts per window: below 5 x 30
    busy = _spray_day(tmp_path, background=30, spray=50)
    assert _alerts(analyse([busy]), "logins.mass_failures") == []
    config = _config(tmp_path, "detections:\n  logins.mass_failures: {always_accounts: 50}\n")
    (alert,) = _alerts(analyse([busy], config), "logins.mass_failures")
    assert alert["observed"] == 50


def test_bounds_equal_timestamps_and_merging():
    config = LoginConfig.load(DATA / "edges.yaml")
    analysis = analyse([DATA / "edges.csv"], config)
    failed = _alerts(analysis, "logins.failed_passwords")
    by_subject: dict[str, list[dict]] = {}
    for a in failed:
        by_subject.setdefault(a["subject"], []).append(a)
    # E1: three failures spanning exactly 86,400 s; E2: 86,401 s, no alert
    assert set(by_subject) == {"E1", "E3", "E4"}
    assert _lines(by_subject["E1"][0]) == [2, 3, 4]
    # E3: three failures at the same second
    assert by_subject["E3"][0]["observed"] == 3 and _lines(by_subject["E3"][0]) == [8, 9, 10]
    # E4: two separate runs, two alerts with their own evidence and ids; the lone failure of the 21st is
    # within a day of the second run only
    first, second = sorted(by_subject["E4"], key=lambda a: a["first_seen"])
    assert _lines(first) == [11, 12, 13] and first["observed"] == 3
    assert _lines(second) == [14, 15, 16, 17] and second["observed"] == 4
    ids = [a["alert_id"] for a in analysis.alerts]
    assert len(ids) == len(set(ids))

    many = {a["subject"]: a for a in _alerts(analysis, "logins.ip_many_accounts")}
    # .11: 3 accounts in exactly 60 s; .12: 61 s; .14: one account twice and one more at one second;
    # .15: three accounts at one second
    assert set(many) == {"114.36.20.11", "114.36.20.13", "114.36.20.15"}
    assert _lines(many["114.36.20.11"]) == [18, 19, 20]
    # .13: W1, W2, W1 again 61 s later, W3: only the window ending at W3 holds three accounts, and W1's
    # first logon is outside it
    assert _lines(many["114.36.20.13"]) == [25, 26, 27]
    assert many["114.36.20.13"]["first_seen"] == "2026-11-20T11:00:30+00:00"
    assert many["114.36.20.15"]["observed"] == 3

    countries = {a["subject"] for a in _alerts(analysis, "logins.multi_country")}
    assert countries == {"C1"}  # TW then JP exactly 6 h apart; C2 6 h 1 s


def test_lockouts_count_whatever_their_outcome(tmp_path):
    """L7: a lockout reported as `unknown` or `success` is still a lockout for CC17010-11.1."""
    analysis = analyse([DATA / "lock.csv"])
    notified = {r["subject"] for r in analysis.notification_records}
    assert {"L1", "L2", "L3"} <= notified
    failed = {a["subject"] for a in _alerts(analysis, "logins.failed_passwords")}
    assert failed == {"L1", "L2", "L3"}
    off = _config(tmp_path, "detections:\n  logins.failed_passwords: {enabled: false}\n")
    analysis = analyse([DATA / "lock.csv"], off)
    assert {n["customer"] for n in analysis.notifications} == {"L1", "L2", "L3"}


def _oracle(events: list[tuple[int, int, str, str]], window: int, threshold: int) -> dict:
    """Brute force over (row, epoch, key, member): per key, the windows [t - window, t] ending at each event
    time t with at least `threshold` distinct members, merged when they overlap; each merged run's rows and
    the highest count in it."""
    found = {}
    for k in {e[2] for e in events}:
        mine = [e for e in events if e[2] == k]
        spans: list[list[int]] = []
        for t in sorted({e[1] for e in mine}):
            n = len({e[3] for e in mine if t - window <= e[1] <= t})
            if n >= threshold:
                if spans and t - window <= spans[-1][1]:
                    spans[-1][1], spans[-1][2] = t, max(spans[-1][2], n)
                else:
                    spans.append([t - window, t, n])
        for start, end, n in spans:
            found[(k, frozenset(e[0] for e in mine if start <= e[1] <= end))] = n
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_days_match_brute_force(tmp_path, seed):
    """Failures per account, accounts per address and countries per account against a brute force."""
    rng = random.Random(seed)
    ips = {"114.36.20.1": "TW", "114.36.20.2": "TW", "133.242.0.1": "JP", "8.8.8.8": "US"}
    events = [
        (
            DAY + rng.randrange(0, 3000),
            rng.choice(["failure", "failure", "success"]),
            f"R{rng.randrange(6)}",
            *rng.choice(list(ips.items())),
        )
        for _ in range(120)
    ]
    path = _write(tmp_path, events)
    config = _config(
        tmp_path,
        "detections:\n"
        "  logins.failed_passwords: {threshold: 4, window_seconds: 200}\n"
        "  logins.ip_many_accounts: {threshold: 4, window_seconds: 150}\n"
        "  logins.multi_country: {threshold: 3, window_seconds: 100}\n",
    )
    analysis = analyse([path], config)

    def got(detection):
        return {
            (a["subject"], frozenset(n - 2 for n in _lines(a))): a["observed"]
            for a in _alerts(analysis, detection)
        }

    rows = list(enumerate(events))  # row i is line i + 2 of the file
    failures = [(i, e[0], e[2], str(i)) for i, e in rows if e[1] == "failure"]  # every failure counts
    assert got("logins.failed_passwords") == _oracle(failures, 200, 4)
    by_address = [(i, e[0], e[3], e[2]) for i, e in rows]
    assert got("logins.ip_many_accounts") == _oracle(by_address, 150, 4)
    by_account = [(i, e[0], e[2], e[4]) for i, e in rows]
    assert got("logins.multi_country") == _oracle(by_account, 100, 3)
    assert got("logins.ip_many_accounts") and got("logins.multi_country") and got("logins.failed_passwords")


@pytest.mark.spark
def test_both_engines_give_the_same_exact_windows(spark):
    config = LoginConfig.load(DATA / "edges.yaml")
    paths = [DATA / "edges.csv", DATA / "hop.csv", DATA / "mc.csv", DATA / "spray.csv", DATA / "lock.csv"]
    on_duckdb = analyse(paths, config)
    on_spark = analyse(paths, config, engine="spark", spark_session=spark)
    assert on_spark.counts == on_duckdb.counts
    assert on_spark.alerts == on_duckdb.alerts
    assert on_spark.notifications == on_duckdb.notifications
