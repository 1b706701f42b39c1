"""The firm's own choices where the rules leave room, in one document.

- `periods`: 定期 without a period, and 依所屬資安分級 (zhengan.schedule.PeriodPolicy);
- `assessment`: the assessment cycle of class-1 systems by security tier, the AP-3.3 re-assessment window
  (zhengan.schedule.AssessmentPolicy);
- `sampling`: how to read AP-3.2's 「10%或100台以上」, and its numbers;
- `reminders`: when reminders are mailed (zhengan.reminders.ReminderPolicy);
- `severity`: remediation deadline per finding severity (SR-9.1, AP-8.2; zhengan.checks.severity_policy).

Every part has a documented default (docs/policies.md); the web application stores the firm's version and
shows which values are the firm's choice.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhengan.checks.severity_policy import SeverityPolicy
from zhengan.reminders import ReminderPolicy
from zhengan.schedule import AssessmentPolicy, PeriodPolicy, SampleSize, SamplingReading, sampling_size
from zhengan.yamlutil import InputFileError, validation_problems


class SamplingPolicy(BaseModel):
    """AP-3.2: 「抽測之設備至少應占該系統全部設備之10%或100台以上」."""

    model_config = ConfigDict(extra="forbid")

    reading: SamplingReading = SamplingReading.EITHER
    percent: int = Field(10, ge=10, le=100)  # the text's 10%; a firm may sample more, never less
    floor: int = Field(100, ge=100)  # the text's 100 devices; a firm may sample more, never less

    def size(self, devices: int) -> SampleSize:
        return sampling_size(devices, self.reading, self.percent, self.floor)


class FirmPolicies(BaseModel):
    model_config = ConfigDict(extra="forbid")

    periods: PeriodPolicy = Field(default_factory=PeriodPolicy)
    assessment: AssessmentPolicy = Field(default_factory=AssessmentPolicy)
    sampling: SamplingPolicy = Field(default_factory=SamplingPolicy)
    reminders: ReminderPolicy = Field(default_factory=ReminderPolicy)
    severity: SeverityPolicy = Field(default_factory=SeverityPolicy)


DEFAULT_POLICIES = FirmPolicies()


def to_yaml(policies: FirmPolicies) -> str:
    return yaml.safe_dump(policies.model_dump(mode="json"), allow_unicode=True, sort_keys=False)


def from_yaml(text: str, name: str = "policies.yaml") -> FirmPolicies:
    """Parse and validate; errors name the line and field, in both languages (InputFileError)."""
    try:
        data, node = yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputFileError(Path(name), [(line, "", f"YAML 語法錯誤 / YAML syntax error: {exc}")]) from exc
    try:
        return FirmPolicies.model_validate(data or {})
    except ValidationError as exc:
        raise InputFileError(Path(name), validation_problems(exc, node)) from exc


def firm_choices(policies: FirmPolicies) -> list[str]:
    """The dotted paths where the firm departs from zhengan's defaults."""
    found: list[str] = []

    def walk(ours, default, prefix: str) -> None:
        if isinstance(ours, dict) and isinstance(default, dict):
            for key in sorted(set(ours) | set(default), key=str):
                walk(ours.get(key), default.get(key), f"{prefix}.{key}" if prefix else str(key))
        elif ours != default:
            found.append(prefix)

    walk(policies.model_dump(mode="json"), DEFAULT_POLICIES.model_dump(mode="json"), "")
    return found
