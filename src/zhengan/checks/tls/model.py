"""What is known about one TLS endpoint, whoever found it out (a live probe or an imported testssl.sh scan).

Readers fill `EndpointFacts`; `analysis.py` judges them against `TlsPolicy` and knows no format.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from zhengan.checks.result import SourceRef

# Every protocol version a TLS endpoint might accept, oldest first.
PROTOCOLS: tuple[str, ...] = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
LEGACY_PROTOCOLS: frozenset[str] = frozenset({"SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1"})
MODERN_PROTOCOLS: frozenset[str] = frozenset({"TLSv1.2", "TLSv1.3"})


class TlsPolicy(BaseModel):
    """The firm's TLS settings. Defaults: see docs/checks-network.md."""

    model_config = ConfigDict(extra="forbid")

    expiry_warning_days: int = Field(default=30, ge=0)
    # SR-8.4 asks for keys and certificates to be changed 定期 and leaves the period to the firm; one year
    # matches the usual yearly key-management review. A firm sets its own with --rotation-days.
    rotation_days: int = Field(default=365, ge=1)
    min_rsa_bits: int = Field(default=2048, ge=512)
    min_ec_bits: int = Field(default=256, ge=160)
    weak_signature_hashes: tuple[str, ...] = ("md5", "sha1")


class ProtocolSupport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    protocol: str
    accepted: bool | None  # None: could not be tested (e.g. this OpenSSL build cannot speak SSLv3)
    detail: str | None = None


class CipherSuite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    protocol: str
    name: str  # OpenSSL name (ECDHE-RSA-AES128-GCM-SHA256) or IANA name (TLS_AES_128_GCM_SHA256)


class ReportedCipherClass(BaseModel):
    """A class of cipher a scanner reports as offered without naming each suite (testssl `cipherlist_*`)."""

    model_config = ConfigDict(extra="forbid")

    cipher_class: str  # a `ciphers.CipherClass` value
    evidence: str


class CertificateFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str
    issuer: str
    serial: str | None = None
    not_before: datetime | None = None  # UTC
    not_after: datetime | None = None  # UTC
    key_type: str | None = None  # RSA, EC, DSA, Ed25519, Ed448
    key_bits: int | None = None
    signature_algorithm: str | None = None  # e.g. sha256WithRSAEncryption
    signature_hash: str | None = None  # sha256, sha1, md5; None for Ed25519 and unknown
    dns_names: list[str] = Field(default_factory=list)
    ip_addresses: list[str] = Field(default_factory=list)
    self_signed: bool | None = None
    sha256_fingerprint: str | None = None


class ScannerFinding(BaseModel):
    """A finding a deeper scanner reports in its own words (testssl.sh vulnerability tests)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    severity: str  # the scanner's own scale, upper case: OK, INFO, LOW, MEDIUM, HIGH, CRITICAL, WARN
    finding: str
    cve: list[str] = Field(default_factory=list)


class EndpointFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str  # what was connected to: name or address
    port: int
    servername: str  # the name the certificate must carry (SNI); the host unless given
    scanner: str  # "zhengan-probe" or "testssl.sh <version>"
    scanned_at: datetime | None = None  # UTC
    protocols: list[ProtocolSupport] = Field(default_factory=list)
    ciphers: list[CipherSuite] = Field(default_factory=list)
    reported_classes: list[ReportedCipherClass] = Field(default_factory=list)
    certificate: CertificateFacts | None = None
    trusted: bool | None = None
    trust_detail: str | None = None
    findings: list[ScannerFinding] = Field(default_factory=list)
    error: str | None = None  # the endpoint could not be reached or spoke no TLS at all
    source: SourceRef | None = None

    @property
    def label(self) -> str:
        where = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        return where if self.servername == self.host else f"{self.servername}@{where}"
