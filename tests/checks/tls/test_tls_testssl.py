"""Importing testssl.sh JSON results (flat --jsonfile and --jsonfile-pretty)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhengan.checks.result import Status
from zhengan.checks.tls import check_testssl
from zhengan.checks.tls.testssl import TestsslFormatError, read_testssl

DATA = Path(__file__).resolve().parents[2] / "data" / "tls" / "testssl"
WHEN = datetime(2025, 6, 1, tzinfo=UTC)


def statuses(result, rule):
    return {o.subject: o.status for o in result.observations if o.rule == rule}


def test_flat_json_of_a_legacy_host_fails_clause_by_clause():
    result = check_testssl([DATA / "legacy-host.json"], now=WHEN)
    assert result.inputs[0].format == "testssl.sh-json"
    protocols = statuses(result, "tls.protocol")
    where = "trade.broker.example.tw:443"
    assert protocols[f"{where} SSLv3"] == Status.FAIL
    assert protocols[f"{where} TLSv1.0"] == Status.FAIL
    assert protocols[f"{where} TLSv1.1"] == Status.FAIL
    assert protocols[f"{where} TLSv1.2"] == Status.PASS
    ciphers = statuses(result, "tls.cipher")
    assert ciphers[f"{where} DES-CBC3-SHA"] == Status.FAIL
    assert ciphers[f"{where} AES128-GCM-SHA256"] == Status.FAIL  # static RSA
    assert ciphers[f"{where} class cbc"] == Status.WARN
    assert ciphers[f"{where} class 3des"] == Status.FAIL
    assert f"{where} ECDHE-RSA-AES128-GCM-SHA256" not in ciphers
    by_rule = {o.rule: o for o in result.observations}
    assert by_rule["tls.cert.expiry"].status == Status.FAIL  # expired 2025-05-01
    assert by_rule["tls.cert.key_size"].found == "RSA 1024"
    assert by_rule["tls.cert.key_size"].status == Status.FAIL
    assert by_rule["tls.cert.signature"].status == Status.FAIL
    assert by_rule["tls.cert.hostname"].status == Status.PASS
    assert by_rule["tls.cert.rotation"].status == Status.FAIL  # issued 2023-05-02
    assert by_rule["tls.cert.trust"].status == Status.WARN
    assert by_rule["tls.scanner.POODLE_SSL"].status == Status.FAIL
    assert by_rule["tls.scanner.SWEET32"].status == Status.WARN
    assert "tls.scanner.heartbleed" not in by_rule  # OK results are not findings
    assert not result.passed


def test_pretty_json_of_a_good_host_passes_and_reads_the_pem():
    endpoints, errors = read_testssl(DATA / "good-host-pretty.json")
    assert errors == []
    (endpoint,) = endpoints
    assert endpoint.scanner == "testssl.sh 3.2.0"
    assert endpoint.scanned_at == datetime(2025, 5, 1, 2, 0, tzinfo=UTC)
    assert endpoint.certificate.key_type == "EC" and endpoint.certificate.key_bits == 256
    assert endpoint.certificate.dns_names == ["www.broker.example.tw", "broker.example.tw"]
    assert (
        endpoint.certificate.sha256_fingerprint
        == "7a63ef8a08f84eef74a08562b5c140cd0e61cf9e2ee1c7132018a460d8e73c5c"
    )

    result = check_testssl([DATA / "good-host-pretty.json"], now=WHEN)
    failing = {o.rule for o in result.observations if o.status == Status.FAIL}
    assert failing == {"tls.scanner.BREACH"}  # the only gap: HTTP compression
    summary = [o for o in result.observations if o.rule == "tls.cipher.summary"]
    assert summary and summary[0].status == Status.PASS


def test_pretty_json_expiry_is_judged_at_the_check_date():
    late = datetime(2026, 3, 20, tzinfo=UTC)
    result = check_testssl([DATA / "good-host-pretty.json"], now=late)
    expiry = next(o for o in result.observations if o.rule == "tls.cert.expiry")
    assert expiry.status == Status.WARN


def test_not_testssl_is_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "nmap.json"
    bad.write_text('{"nmaprun": {}}', encoding="utf-8")
    with pytest.raises(TestsslFormatError, match=r"nmap\.json"):
        read_testssl(bad)
    broken = tmp_path / "cut.json"
    broken.write_text('[\n {"id": "SSLv2",\n', encoding="utf-8")
    with pytest.raises(TestsslFormatError, match=r"cut.json:\d+"):
        read_testssl(broken)


def test_malformed_entries_are_counted_not_dropped(tmp_path):
    path = tmp_path / "partial.json"
    path.write_text(
        '[{"id": "TLS1", "ip": "h/1.2.3.4", "port": "443", "severity": "LOW", "finding": "offered"},'
        ' {"ip": "h/1.2.3.4", "port": "443"}]',
        encoding="utf-8",
    )
    result = check_testssl([path], now=WHEN)
    assert result.quarantined == 1 and len(result.errors) == 1
    assert result.errors[0].source.field == "[1]"
    assert not result.passed
