"""The plain data of a 資通系統資通安全評估報告 (AP-8.1). Builders read this; none of them queries a database.

AP-8.1: the report contains at least the assessors' qualifications, the scope, the assessment items and
targets, the assessment records, the findings with severity, category, risk and specific recommendations,
and the social-engineering drill results. zhengan adds a summary with charts and the remediation plan with
deadlines (AP-8.2).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from zhengan.checks.result import SEVERITY_LABELS, Severity
from zhengan.text import Text

# AP-7.2.1-4: the four qualification categories of an assessing unit.
QUALIFICATION_CATEGORIES: dict[str, Text] = {
    "AP-7.2.1": Text(
        zh="資通安全管理知識（如 CISM、ISO 27001 LA）", en="security management (e.g. CISM, ISO 27001 LA)"
    ),
    "AP-7.2.2": Text(zh="資通安全技術能力（如 CISSP）", en="security technical skills (e.g. CISSP)"),
    "AP-7.2.3": Text(zh="模擬駭客攻擊能力（如 CEH、CIH）", en="attack simulation (e.g. CEH, CIH)"),
    "AP-7.2.4": Text(
        zh="熟悉金融領域載具應用、系統開發或稽核經驗",
        en="financial-sector application, development or audit experience",
    ),
}

RESULT_LABELS: dict[str, Text] = {
    "compliant": Text(zh="符合", en="compliant"),
    "partially_compliant": Text(zh="部分符合", en="partially compliant"),
    "non_compliant": Text(zh="不符合", en="non-compliant"),
    "not_applicable": Text(zh="不適用", en="not applicable"),
    "not_assessed": Text(zh="未評估", en="not assessed"),
}

CATEGORY_LABELS: dict[str, Text] = {
    "management": Text(zh="管理面", en="management"),
    "technical": Text(zh="技術面", en="technical"),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Qualification(_Model):
    category: Literal["AP-7.2.1", "AP-7.2.2", "AP-7.2.3", "AP-7.2.4"]
    name: str  # CISM, ISO 27001 LA, CISSP, CEH, CIH, 金融業稽核經驗 …
    certificate_number: str | None = None
    expires_on: date | None = None


class Assessor(_Model):
    name: str
    organisation: str
    role: str
    qualifications: list[Qualification] = Field(default_factory=list)
    independence_declared: bool  # AP-7.1
    confidentiality_pledge_signed: bool  # AP-7.3
    no_concealment_undertaking: bool  # AP-7.4


class ScopeSystem(_Model):
    name: str
    system_class: Literal[1, 2, 3]
    class_reason: Text
    owner: str


class AssessmentItem(_Model):
    control_id: str
    title: Text
    targets: list[str]  # system names or device groups assessed against this item


class AssessmentRecord(_Model):
    control_id: str
    system: str
    result: Literal["compliant", "partially_compliant", "non_compliant", "not_applicable", "not_assessed"]
    note: str  # the assessor's record, or the reason for not applicable
    evidence: list[str] = Field(default_factory=list)  # evidence names with their SHA-256 prefix


class Finding(_Model):
    reference: str  # e.g. F-2026-001
    title: str
    description: str
    category: Literal["management", "technical"]
    topic: str
    severity: Severity
    risk: str
    recommendation: str
    control_ids: list[str] = Field(min_length=1)
    systems: list[str] = Field(default_factory=list)
    deadline: date
    owner: str
    status: str


class SocialEngineeringDrill(_Model):
    """AP-6: at least one drill a year; AP-8.1 puts its results in the report."""

    held_on: date
    mails_sent: int = Field(ge=0)
    opened: int = Field(ge=0)
    clicked: int = Field(ge=0)
    reported: int = Field(ge=0)
    follow_up: str  # the training of those who opened or clicked (CC17010-6.8)


class AssessmentReportData(_Model):
    firm: str
    title: str
    period_start: date
    period_end: date
    issued_on: date
    assessing_unit: str
    unit_kind: Literal["internal", "external"]
    assessors: list[Assessor] = Field(min_length=1)
    scope: list[ScopeSystem] = Field(min_length=1)
    items: list[AssessmentItem] = Field(min_length=1)
    records: list[AssessmentRecord]
    findings: list[Finding]
    drill: SocialEngineeringDrill | None
    prepared_by: str
    approved_by: str | None = None  # the board or an authorised manager (AP-2.2, AP-8.3)

    def findings_by_severity(self) -> list[tuple[Severity, int]]:
        counts = Counter(f.severity for f in self.findings)
        return [(s, counts[s]) for s in Severity if s != Severity.INFO or counts[s]]

    def findings_by_category(self) -> list[tuple[str, int]]:
        counts = Counter(f.category for f in self.findings)
        return [(c, counts[c]) for c in CATEGORY_LABELS]

    def results_summary(self) -> list[tuple[str, int]]:
        counts = Counter(r.result for r in self.records)
        return [(r, counts[r]) for r in RESULT_LABELS]


def label(text: Text, language: str) -> str:
    return text.get(language)


def severity_label(severity: Severity, language: str) -> str:
    return SEVERITY_LABELS[severity].get(language)
