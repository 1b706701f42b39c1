"""The TLS check against real servers on 127.0.0.1, good and weak."""

from __future__ import annotations

import ssl
from datetime import timedelta

import pytest

from tests.checks.tls.tls_loopback import NOW, SERVERNAME, server_context
from zhengan.checks.result import Severity, Status
from zhengan.checks.tls import Target, TlsPolicy, check_endpoints
from zhengan.checks.tls.probe import probe


def by_rule(result, rule):
    return [o for o in result.observations if o.rule == rule]


def one(result, rule):
    found = by_rule(result, rule)
    assert len(found) == 1, [o.subject for o in found]
    return found[0]


def target(port: int, name: str = SERVERNAME) -> Target:
    return Target.parse(f"{name}@127.0.0.1:{port}")


def test_good_server_passes_everything(pki, serve):
    port = serve(server_context(pki.leaf("good")))
    result = check_endpoints([target(port)], ca_file=pki.ca_file)
    statuses = {o.rule: o.status for o in result.observations if o.rule != "tls.protocol"}
    assert statuses == {
        "tls.cipher.summary": Status.PASS,
        "tls.cert.expiry": Status.PASS,
        "tls.cert.key_size": Status.PASS,
        "tls.cert.signature": Status.PASS,
        "tls.cert.hostname": Status.PASS,
        "tls.cert.rotation": Status.PASS,
        "tls.cert.trust": Status.PASS,
    }
    protocols = {o.subject.split()[-1]: o.status for o in by_rule(result, "tls.protocol")}
    assert protocols["TLSv1.0"] == protocols["TLSv1.1"] == Status.PASS  # refused, as required
    assert protocols["TLSv1.2"] == protocols["TLSv1.3"] == Status.PASS
    assert protocols["SSLv2"] == Status.INFO  # cannot be tested with OpenSSL 3, said so
    assert result.passed
    assert {"SR-8.3", "SR-8.4", "CC17010-3.1", "CC17010-3.4", "AP-4.5"} <= result.control_ids()


def test_weak_server_fails_protocols_and_ciphers(pki, serve):
    ciphers = "NULL-SHA256:AES128-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256"
    port = serve(server_context(pki.leaf("weak"), ciphers=ciphers, legacy=True))
    facts = probe(target(port))
    accepted = {p.protocol: p.accepted for p in facts.protocols}
    assert accepted["TLSv1.0"] is True and accepted["TLSv1.1"] is True and accepted["TLSv1.2"] is True
    names = {c.name for c in facts.ciphers if c.protocol == "TLSv1.2"}
    assert {"NULL-SHA256", "AES128-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES128-GCM-SHA256"} <= names

    result = check_endpoints([target(port)])
    legacy = [o for o in by_rule(result, "tls.protocol") if o.subject.endswith(("TLSv1.0", "TLSv1.1"))]
    assert [o.status for o in legacy] == [Status.FAIL, Status.FAIL]
    ciphers_seen = {o.found: o for o in by_rule(result, "tls.cipher")}
    assert ciphers_seen["NULL-SHA256"].status == Status.FAIL
    assert ciphers_seen["NULL-SHA256"].severity == Severity.CRITICAL
    assert ciphers_seen["AES128-SHA256"].status == Status.FAIL  # static RSA
    assert "static_rsa" in ciphers_seen["AES128-SHA256"].details["classes"]
    assert ciphers_seen["ECDHE-RSA-AES128-SHA"].status == Status.WARN  # CBC only warns
    assert "ECDHE-RSA-AES128-GCM-SHA256" not in ciphers_seen
    assert not by_rule(result, "tls.cipher.summary")
    assert not result.passed


def test_expired_certificate_fails_and_is_overdue_for_rotation(pki, serve):
    cert = pki.leaf("expired", not_before=NOW - timedelta(days=400), not_after=NOW - timedelta(days=5))
    result = check_endpoints([target(serve(server_context(cert)))])
    assert one(result, "tls.cert.expiry").status == Status.FAIL
    rotation = one(result, "tls.cert.rotation")
    assert rotation.status == Status.FAIL and rotation.control_ids == ["SR-8.4"]


def test_near_expiry_certificate_warns_within_30_days(pki, serve):
    cert = pki.leaf("soon", not_before=NOW - timedelta(days=80), not_after=NOW + timedelta(days=10))
    result = check_endpoints([target(serve(server_context(cert)))])
    assert one(result, "tls.cert.expiry").status == Status.WARN
    # The same certificate with a firm warning period of 7 days passes.
    relaxed = check_endpoints([target(serve(server_context(cert)))], policy=TlsPolicy(expiry_warning_days=7))
    assert one(relaxed, "tls.cert.expiry").status == Status.PASS


def test_rotation_period_is_the_firms(pki, serve):
    cert = pki.leaf("old", not_before=NOW - timedelta(days=200), not_after=NOW + timedelta(days=200))
    port = serve(server_context(cert))
    assert one(check_endpoints([target(port)]), "tls.cert.rotation").status == Status.PASS
    strict = check_endpoints([target(port)], policy=TlsPolicy(rotation_days=180))
    assert one(strict, "tls.cert.rotation").status == Status.FAIL


def test_1024_bit_key_fails(pki, serve):
    result = check_endpoints([target(serve(server_context(pki.leaf("rsa1024", bits=1024))))])
    key = one(result, "tls.cert.key_size")
    assert key.status == Status.FAIL and key.found == "RSA 1024"


def test_sha1_signature_fails(pki, serve):
    cert = pki.sha1_leaf("sha1")
    result = check_endpoints([target(serve(server_context(cert)))])
    signature = one(result, "tls.cert.signature")
    assert signature.status == Status.FAIL and "sha1" in signature.found.lower()


def test_wrong_hostname_fails(pki, serve):
    port = serve(server_context(pki.leaf("other", dns=("other.example.tw",))))
    result = check_endpoints([target(port)], ca_file=pki.ca_file)
    hostname = one(result, "tls.cert.hostname")
    assert hostname.status == Status.FAIL and hostname.required == SERVERNAME
    assert one(result, "tls.cert.trust").status == Status.PASS  # chain fine; only the name is wrong


def test_untrusted_chain_warns(pki, serve):
    result = check_endpoints([target(serve(server_context(pki.leaf("untrusted"))))])  # system roots only
    assert one(result, "tls.cert.trust").status == Status.WARN


def test_closed_port_is_an_error_not_a_pass(serve, pki):
    port = serve(server_context(pki.leaf("closing")))
    import socket

    spare = socket.create_server(("127.0.0.1", 0))
    closed_port = spare.getsockname()[1]
    spare.close()
    result = check_endpoints([target(closed_port)], timeout=2)
    assert [o.status for o in result.observations] == [Status.ERROR]
    assert not result.passed
    assert port != closed_port


@pytest.mark.parametrize(
    ("text", "host", "port", "servername"),
    [
        ("www.example.tw:8443", "www.example.tw", 8443, "www.example.tw"),
        ("www.example.tw", "www.example.tw", 443, "www.example.tw"),
        ("web@10.0.0.5:443", "10.0.0.5", 443, "web"),
        ("[::1]:8443", "::1", 8443, "::1"),
    ],
)
def test_target_syntax(text, host, port, servername):
    parsed = Target.parse(text)
    assert (parsed.host, parsed.port, parsed.servername) == (host, port, servername)


@pytest.mark.parametrize("text", ["host:99999", "@1.2.3.4:443", "a b:1"])
def test_bad_target_is_refused(text):
    with pytest.raises(ValueError):
        Target.parse(text)


def test_legacy_protocol_probe_uses_seclevel_zero():
    assert ssl.HAS_TLSv1 and ssl.HAS_TLSv1_1
