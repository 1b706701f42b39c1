"""The one result type every check returns.

A check reads what systems export and says, clause by clause, what holds and what does not. It never
writes to a database: the web application stores a `CheckResult` as it is. Every `Observation` cites
the control ids it is evidence about; `zhengan.checks.result.unknown_control_ids` lets a test prove
that those ids exist in the catalogue.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhengan.text import Text
from zhengan.timeutil import utc_now


class Status(StrEnum):
    """What an observation says about its controls."""

    PASS = "pass"  # the requirement holds
    FAIL = "fail"  # the requirement does not hold: a gap
    WARN = "warn"  # holds now but needs attention (expiring, weak-but-allowed, near a threshold)
    INFO = "info"  # a fact for the record (an inventory line, a summary), no judgement
    ERROR = "error"  # the check could not decide (input unreadable, object unresolved)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


SEVERITY_LABELS: dict[Severity, Text] = {
    Severity.CRITICAL: Text(zh="嚴重", en="critical"),
    Severity.HIGH: Text(zh="高", en="high"),
    Severity.MEDIUM: Text(zh="中", en="medium"),
    Severity.LOW: Text(zh="低", en="low"),
    Severity.INFO: Text(zh="資訊", en="informational"),
}

STATUS_LABELS: dict[Status, Text] = {
    Status.PASS: Text(zh="符合", en="pass"),
    Status.FAIL: Text(zh="不符合", en="fail"),
    Status.WARN: Text(zh="注意", en="warning"),
    Status.INFO: Text(zh="資訊", en="info"),
    Status.ERROR: Text(zh="無法判斷", en="error"),
}


class SourceRef(BaseModel):
    """Where in an input a fact came from: file and line (or record number)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return where if self.field is None else f"{where} [{self.field}]"


class InputError(BaseModel):
    """A record or line a check could not use. It is counted and kept, never silently dropped."""

    model_config = ConfigDict(extra="forbid")

    source: SourceRef
    message: Text
    raw: str | None = None  # the offending text, for the quarantine file


class Observation(BaseModel):
    """One statement about one subject (a setting, an account, a rule, a host), citing its controls."""

    model_config = ConfigDict(extra="forbid")

    rule: str  # the check's own rule id, e.g. "password.lockout_threshold", "firewall.shadowed"
    status: Status
    control_ids: list[str] = Field(min_length=1)
    title: Text
    subject: str  # what it is about: "DC01 domain policy", "account alice", "rule 12 (asa-outside)"
    message: Text
    severity: Severity | None = None
    found: Any = None  # the value found, when there is one
    required: Any = None  # the value the rule requires, when there is one
    source: SourceRef | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    fingerprint: str = ""  # stable id of "the same issue found again"; filled from rule+subject if empty

    @field_validator("control_ids")
    @classmethod
    def _unique_ids(cls, ids: list[str]) -> list[str]:
        return list(dict.fromkeys(ids))

    def model_post_init(self, __context: Any) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(self.rule, self.subject)


class InputFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    sha256: str
    format: str | None = None

    @classmethod
    def of(cls, path: Path | str, format: str | None = None) -> InputFile:
        return cls(path=str(path), sha256=sha256_file(Path(path)), format=format)


class CheckResult(BaseModel):
    """What one run of one check found, with enough context to be kept as the record the rules ask for."""

    model_config = ConfigDict(extra="forbid")

    check: str  # "identity.password_policy", "logins", "firewall.review", "tls" ...
    title: Text
    started_at: datetime = Field(default_factory=utc_now)
    finished_at: datetime | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    inputs: list[InputFile] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    errors: list[InputError] = Field(default_factory=list)
    quarantined: int = (
        0  # records set aside into a quarantine file (each also counted in `errors` or that file)
    )

    def finish(self) -> CheckResult:
        self.finished_at = utc_now()
        return self

    def by_status(self) -> Counter[Status]:
        return Counter(o.status for o in self.observations)

    @property
    def passed(self) -> bool:
        """True when nothing failed and nothing could not be decided."""
        counts = self.by_status()
        return counts[Status.FAIL] == 0 and counts[Status.ERROR] == 0 and not self.errors

    def control_ids(self) -> set[str]:
        return {cid for o in self.observations for cid in o.control_ids}

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)

    @classmethod
    def from_json(cls, text: str) -> CheckResult:
        return cls.model_validate_json(text)


def fingerprint(*parts: Any) -> str:
    """A stable SHA-256 over the identifying parts of an issue (not over volatile facts like times)."""
    canonical = json.dumps([str(p) for p in parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def unknown_control_ids(result: CheckResult, known: set[str]) -> set[str]:
    """Control ids a result cites that the catalogue does not hold (should always be empty)."""
    return result.control_ids() - known
