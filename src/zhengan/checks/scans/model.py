"""The normalised vulnerability-scan model every importer returns; analysis and state know no format."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from zhengan.checks.result import InputError, Severity, SourceRef, fingerprint


class FindingKind(StrEnum):
    HOST = "host"  # network vulnerability scan of a host (Nessus, OpenVAS): SR-7.8, FC-9.10, AP-4.3.1
    IMAGE = "image"  # container image or filesystem package scan (Trivy): SR-7.10
    CODE = "code"  # source-code scan (SARIF): SR-7.7, AP-4.4.2
    WEB = "web"  # web application scan (ZAP): AP-4.5.1


class ScanFormatError(ValueError):
    """The file is not in the format its importer reads; the message names the file and where."""


class ScannedAsset(BaseModel):
    """Something a scan covered, findings or not: a host, an image, a repository, a site."""

    model_config = ConfigDict(extra="forbid")

    key: str  # the normalised primary name findings are filed under (lower case)
    aliases: list[str] = Field(default_factory=list)  # other names: IP, FQDN, NetBIOS name
    scanned_at: datetime | None = None  # UTC, when the scanner says when this asset was scanned

    def names(self) -> set[str]:
        return {self.key, *(a.lower() for a in self.aliases)}


class ScanFinding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scanner: str  # nessus, openvas, trivy, zap, sarif:<tool name>
    kind: FindingKind
    rule_id: str  # plugin id, NVT OID, vulnerability id + package, SARIF rule id, ZAP alert ref
    title: str
    severity: Severity
    cves: list[str] = Field(default_factory=list)
    cvss_score: float | None = None
    cvss_vector: str | None = None
    asset: str  # ScannedAsset.key
    host: str | None = None
    port: int | None = None
    protocol: str | None = None
    file: str | None = None
    line: int | None = None
    component: str | None = None  # package@version, URL, service
    evidence: str | None = None
    solution: str | None = None
    source: SourceRef | None = None
    fingerprint: str = ""

    def model_post_init(self, __context: object) -> None:
        if not self.fingerprint:
            # Volatile facts (times, evidence text, line numbers of code) stay out of the fingerprint.
            self.fingerprint = fingerprint(
                self.scanner, self.asset, self.rule_id, self.port, self.protocol, self.file, self.component
            )


class ScanReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scanner: str
    format: str  # nessus-v2, openvas-xml, trivy-json, sarif-2.1.0, zap-json
    scan_id: str  # SHA-256 of the file: the same file imported twice is the same scan
    file: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    assets: list[ScannedAsset] = Field(default_factory=list)
    findings: list[ScanFinding] = Field(default_factory=list)
    errors: list[InputError] = Field(default_factory=list)
    informational_skipped: int = 0  # scanner items of severity "info/log" that are not vulnerabilities

    @property
    def scanned_at(self) -> datetime | None:
        return self.finished_at or self.started_at


def severity_from_score(score: float) -> Severity:
    """CVSS v3 qualitative ratings: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low, 0 none."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0:
        return Severity.LOW
    return Severity.INFO


def to_float(value: object) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None
