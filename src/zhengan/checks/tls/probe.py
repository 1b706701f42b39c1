"""Probe a live TLS endpoint with the standard library's `ssl`.

Probing a protocol version is a handshake restricted to that version. Cipher suites of TLS 1.0-1.2 are
enumerated the way sslscan does: offer every suite this OpenSSL knows, note the one the server picks,
take it out of the offer, and repeat until the server refuses. TLS 1.3 suites cannot be restricted from
Python's `ssl`, so for TLS 1.3 the suite negotiated is recorded (every TLS 1.3 suite is AEAD with ephemeral
key exchange). Legacy protocols need `@SECLEVEL=0` on the probing side; what this OpenSSL build cannot
speak at all (SSLv2 always, SSLv3 on most builds) is reported as "not tested", never as "not accepted".
"""

from __future__ import annotations

import re
import socket
import ssl
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from zhengan.checks.tls.certificate import facts_from_der
from zhengan.checks.tls.model import CipherSuite, EndpointFacts, ProtocolSupport
from zhengan.timeutil import utc_now

_VERSIONS: dict[str, str] = {
    "SSLv3": "SSLv3",
    "TLSv1.0": "TLSv1",
    "TLSv1.1": "TLSv1_1",
    "TLSv1.2": "TLSv1_2",
    "TLSv1.3": "TLSv1_3",
}
_ALL_CIPHERS = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
_MAX_SUITES = 200  # a safety stop for the enumeration loop


@dataclass(frozen=True)
class Target:
    """Where to connect and which name the certificate must carry."""

    host: str
    port: int
    servername: str

    @classmethod
    def parse(cls, text: str, default_port: int = 443) -> Target:
        """`HOST:PORT`, `[IPv6]:PORT`, or `SERVERNAME@ADDRESS:PORT` (connect to ADDRESS, expect SERVERNAME)."""
        servername: str | None = None
        rest = text.strip()
        if "@" in rest:
            servername, rest = rest.split("@", 1)
        match = re.fullmatch(
            r"\[(?P<v6>[0-9A-Fa-f:.]+)\](?::(?P<p6>\d+))?|(?P<h>[^:\s]+)(?::(?P<p>\d+))?", rest
        )
        if not match or (servername is not None and not servername):
            raise ValueError(
                f"無法解析連線目標 {text!r}，格式為 HOST:PORT 或 SERVERNAME@ADDRESS:PORT / "
                f"cannot parse target {text!r}; expected HOST:PORT or SERVERNAME@ADDRESS:PORT"
            )
        host = match.group("v6") or match.group("h")
        port_text = match.group("p6") or match.group("p")
        port = int(port_text) if port_text else default_port
        if not 0 < port < 65536:
            raise ValueError(f"連接埠超出範圍 {port} / port out of range {port}")
        return cls(host=host, port=port, servername=servername or host)


class _Unreachable(Exception):
    """TCP connection failed: the endpoint is down or filtered, not a TLS refusal."""


@contextmanager
def _quiet() -> Iterator[None]:
    # TLSVersion.TLSv1 and friends are deprecated in Python 3.11+, yet probing them is the whole point.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _context(protocol: str | None, ciphers: str = _ALL_CIPHERS) -> ssl.SSLContext:
    with _quiet():
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_ciphers(ciphers)
        if protocol is not None:
            version = getattr(ssl.TLSVersion, _VERSIONS[protocol])
            context.minimum_version = version
            context.maximum_version = version
        else:
            context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    return context


def _handshake(
    target: Target, context: ssl.SSLContext, timeout: float
) -> tuple[str, str, bytes | None] | None:
    """(negotiated version, cipher name, leaf certificate DER) or None when the server refuses."""
    try:
        raw = socket.create_connection((target.host, target.port), timeout=timeout)
    except OSError as error:
        raise _Unreachable(str(error)) from error
    with raw:
        try:
            with context.wrap_socket(raw, server_hostname=target.servername) as tls:
                cipher = tls.cipher()
                return tls.version() or "", cipher[0] if cipher else "", tls.getpeercert(binary_form=True)
        except (ssl.SSLError, ConnectionError, TimeoutError, OSError):
            return None


def _can_speak(protocol: str) -> bool:
    if protocol == "SSLv3":
        return ssl.HAS_SSLv3
    try:
        _context(protocol)
    except (ValueError, ssl.SSLError):
        return False
    return bool(getattr(ssl, f"HAS_{_VERSIONS[protocol]}", False))


def _offerable_suites(protocol: str) -> list[str]:
    context = _context(protocol)
    names = []
    for cipher in context.get_ciphers():
        name = cipher["name"]
        if cipher.get("protocol") == "TLSv1.3" or name.startswith("TLS_"):
            continue
        if "PSK" in name or "SRP" in name:
            continue  # cannot be negotiated without a pre-shared secret
        names.append(name)
    return names


def _enumerate_suites(target: Target, protocol: str, timeout: float) -> list[str]:
    remaining = _offerable_suites(protocol)
    accepted: list[str] = []
    while remaining and len(accepted) < _MAX_SUITES:
        try:
            context = _context(protocol, ":".join(remaining) + ":@SECLEVEL=0")
        except ssl.SSLError:
            break
        outcome = _handshake(target, context, timeout)
        if outcome is None or outcome[1] not in remaining:
            break
        accepted.append(outcome[1])
        remaining.remove(outcome[1])
    return accepted


def _trust(target: Target, timeout: float, ca_file: str | None) -> tuple[bool | None, str | None]:
    context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    context.check_hostname = False  # hostname is judged separately, so the two gaps are reported apart
    try:
        raw = socket.create_connection((target.host, target.port), timeout=timeout)
    except OSError as error:
        return None, str(error)
    with raw:
        try:
            with context.wrap_socket(raw, server_hostname=target.servername):
                return True, None
        except ssl.SSLCertVerificationError as error:
            return False, error.verify_message or str(error)
        except (ssl.SSLError, OSError) as error:
            return None, str(error)


def probe(target: Target, timeout: float = 5.0, ca_file: str | None = None) -> EndpointFacts:
    """Everything a live probe can learn about one endpoint."""
    facts = EndpointFacts(
        host=target.host,
        port=target.port,
        servername=target.servername,
        scanner="zhengan-probe",
        scanned_at=utc_now(),
    )
    leaf: bytes | None = None
    try:
        facts.protocols.append(
            ProtocolSupport(protocol="SSLv2", accepted=None, detail="OpenSSL 1.1+ cannot speak SSLv2")
        )
        for protocol in _VERSIONS:
            if not _can_speak(protocol):
                facts.protocols.append(
                    ProtocolSupport(
                        protocol=protocol,
                        accepted=None,
                        detail=f"this OpenSSL build ({ssl.OPENSSL_VERSION}) cannot speak {protocol}",
                    )
                )
                continue
            outcome = _handshake(target, _context(protocol), timeout)
            facts.protocols.append(ProtocolSupport(protocol=protocol, accepted=outcome is not None))
            if outcome is None:
                continue
            if outcome[2]:
                leaf = outcome[2]  # the last (newest) protocol's certificate is the one browsers see
            if protocol == "TLSv1.3":
                facts.ciphers.append(CipherSuite(protocol=protocol, name=outcome[1]))
            else:
                facts.ciphers.extend(
                    CipherSuite(protocol=protocol, name=name)
                    for name in _enumerate_suites(target, protocol, timeout)
                )
    except _Unreachable as error:
        facts.error = str(error)
        return facts
    if leaf is not None:
        facts.certificate = facts_from_der(leaf)
        facts.trusted, facts.trust_detail = _trust(target, timeout, ca_file)
    elif not any(p.accepted for p in facts.protocols):
        facts.error = "no TLS handshake succeeded with any protocol version"
    return facts
