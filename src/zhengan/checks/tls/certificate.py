"""Facts about an X.509 certificate, read with `cryptography`, and RFC 6125 hostname matching."""

from __future__ import annotations

import ipaddress

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from zhengan.checks.tls.model import CertificateFacts


def facts_from_der(der: bytes) -> CertificateFacts:
    return facts_from_certificate(x509.load_der_x509_certificate(der))


def facts_from_pem(pem: str | bytes) -> CertificateFacts:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    return facts_from_certificate(x509.load_pem_x509_certificate(data))


def facts_from_certificate(cert: x509.Certificate) -> CertificateFacts:
    key = cert.public_key()
    key_type: str | None
    key_bits: int | None
    if isinstance(key, rsa.RSAPublicKey):
        key_type, key_bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, key_bits = "EC", key.curve.key_size
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, key_bits = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key_type, key_bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        key_type, key_bits = "Ed448", 456
    else:
        key_type, key_bits = type(key).__name__, None
    try:
        hash_algorithm = cert.signature_hash_algorithm
        signature_hash = hash_algorithm.name.lower() if hash_algorithm is not None else None
    except UnsupportedAlgorithm:
        signature_hash = None
    dns_names: list[str] = []
    ip_addresses: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = list(san.get_values_for_type(x509.DNSName))
        ip_addresses = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    return CertificateFacts(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_type=key_type,
        key_bits=key_bits,
        signature_algorithm=getattr(
            cert.signature_algorithm_oid, "_name", cert.signature_algorithm_oid.dotted_string
        ),
        signature_hash=signature_hash,
        dns_names=dns_names,
        ip_addresses=ip_addresses,
        self_signed=cert.issuer == cert.subject,
        sha256_fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
    )


def hostname_matches(name: str, dns_names: list[str], ip_addresses: list[str]) -> bool:
    """Does the certificate's subjectAltName cover `name`? (RFC 6125: no fallback to the common name.)

    A wildcard is honoured only as the whole left-most label and matches exactly one label.
    """
    candidate = name.strip().rstrip(".").lower()
    try:
        address = ipaddress.ip_address(candidate.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        return any(_same_ip(address, ip) for ip in ip_addresses)
    labels = candidate.split(".")
    for pattern in dns_names:
        pattern_labels = pattern.strip().rstrip(".").lower().split(".")
        if len(pattern_labels) != len(labels):
            continue
        if pattern_labels[0] == "*" and len(pattern_labels) > 2:
            if pattern_labels[1:] == labels[1:] and labels[0]:
                return True
        elif pattern_labels == labels:
            return True
    return False


def _same_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address, text: str) -> bool:
    try:
        return ipaddress.ip_address(text) == address
    except ValueError:
        return False
