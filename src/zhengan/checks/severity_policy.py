"""The firm's severity policy: how long a finding of each severity may stay open.

SR-9.1 (資通系統之漏洞修復針對不同風險研訂適當修補措施及完成時間) and AP-8.2 (依缺失程度區分風險等級，並擬定
各風險對應之控管措施及處理時限) leave the times to the firm. The default below is zhengan's, chosen to be
defensible, not quoted from a rule: critical 15 days, high 30, medium 90, low 180 calendar days,
informational none. It is in line with common practice (e.g. the US CISA BOD 19-02 15/30-day deadlines for
critical/high internet-facing vulnerabilities). A firm overrides it with a YAML file:

    deadlines_days:
      critical: 7
      high: 30
      medium: 90
      low: 180
      info: null      # no deadline
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zhengan.checks.result import Severity

CONTROL_IDS = ["SR-9.1", "AP-8.2"]

DEFAULT_DEADLINES: dict[Severity, int | None] = {
    Severity.CRITICAL: 15,
    Severity.HIGH: 30,
    Severity.MEDIUM: 90,
    Severity.LOW: 180,
    Severity.INFO: None,
}


class SeverityPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    deadlines_days: dict[Severity, int | None] = Field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    source: str = "zhengan 預設（SR-9.1、AP-8.2 由公司自訂時限）/ zhengan default (SR-9.1, AP-8.2 leave the times to the firm)"

    @field_validator("deadlines_days")
    @classmethod
    def _complete_and_ordered(cls, value: dict[Severity, int | None]) -> dict[Severity, int | None]:
        merged = {severity: value.get(severity, DEFAULT_DEADLINES[severity]) for severity in Severity}
        for severity, days in merged.items():
            if days is not None and days < 0:
                raise ValueError(f"{severity.value}: 天數不得為負 / days must not be negative")
        return merged


DEFAULT_POLICY = SeverityPolicy()
# The default's source as stored by earlier versions (English only) still names the default, not a firm choice.
DEFAULT_SOURCES = frozenset(
    {DEFAULT_POLICY.source, "zhengan default (SR-9.1, AP-8.2 leave the times to the firm)"}
)


class PolicyError(ValueError):
    """The policy file cannot be used."""


def load_policy(path: Path | None) -> SeverityPolicy:
    """The firm's policy from YAML, or the default when no path is given."""
    if path is None:
        return DEFAULT_POLICY
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f"{path}:{line + 1}" if line is not None else str(path)
        raise PolicyError(f"{where}: YAML 格式錯誤 / invalid YAML: {error}") from error
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: 應為對應表 / expected a mapping with deadlines_days")
    data.setdefault("source", str(path))
    try:
        return SeverityPolicy.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        raise PolicyError(f"{path}: 嚴重度原則欄位錯誤 / bad severity policy field: {problems}") from error


def deadline(
    severity: Severity | str, found_on: date, policy: SeverityPolicy = DEFAULT_POLICY
) -> date | None:
    """The date by which a finding of `severity` found on `found_on` must be remediated (None: no deadline)."""
    days = policy.deadlines_days[Severity(severity)]
    return None if days is None else found_on + timedelta(days=days)
