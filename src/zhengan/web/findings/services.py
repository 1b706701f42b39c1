"""Findings: raising, the remediation workflow, risk acceptance, board follow-up, findings from checks.

Views call these; every function that changes state runs in one transaction and writes a FindingEvent
(who, when, note). The audit trail entry is written by the view (it has the request) or, for changes made
by zhengan itself (an expired risk acceptance), here with `zhengan` as the actor.

Readings (docs/findings.md):
- AP-8.2 / SR-9.1: the deadline is `raised_on + the firm's days for the severity`
  (current_policies().severity, zhengan.checks.severity_policy); the basis is stored with the finding.
- AP-8.2 「送稽核單位進行缺失改善事項之追蹤覆查」: only the internal auditor verifies or sends back.
- Overdue: deadline passed while the finding is open or remediation is planned. A remediated finding
  awaiting the auditor's verification is not overdue (the firm's part is done), nor is an accepted risk
  until the acceptance expires.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhengan.catalog.loader import load_catalog
from zhengan.checks.result import CheckResult, Observation, Severity, Status, fingerprint
from zhengan.checks.severity_policy import (
    DEFAULT_DEADLINES,
    DEFAULT_POLICY,
    DEFAULT_SOURCES,
    SeverityPolicy,
    deadline,
)
from zhengan.web.accounts.roles import INTERNAL_AUDITOR
from zhengan.web.findings.models import (
    Finding,
    FindingEvent,
    FollowUpLine,
    FollowUpReport,
    RiskAcceptance,
)

S = Finding.Status
OPEN_STATES = (S.OPEN, S.PLANNED)  # the states in which a passed deadline makes a finding overdue
NOT_CLOSED = (S.OPEN, S.PLANNED, S.REMEDIATED, S.RISK_ACCEPTED)


class WorkflowRefused(ValueError):
    """A transition that the workflow does not allow (wrong state, wrong role, missing field)."""


# --- deadlines (AP-8.2, SR-9.1) ----------------------------------------------------------------------


def severity_policy() -> SeverityPolicy:
    from zhengan.web.firm.policies import current_policies

    return current_policies().severity


def deadline_for(severity: str, raised_on: date, policy: SeverityPolicy | None = None) -> tuple[date, str]:
    """The remediation deadline and the policy line that set it, e.g. 「high: 30 days (zhengan default …)」."""
    policy = policy or severity_policy()
    due = deadline(severity, raised_on, policy)
    days = policy.deadlines_days[severity]
    if due is None:  # not reachable for the four finding severities unless a firm sets null
        due, days = raised_on, 0
    firm = days != DEFAULT_DEADLINES[Severity(severity)] or policy.source not in DEFAULT_SOURCES
    if not firm:
        source = DEFAULT_POLICY.source
    elif policy.source in DEFAULT_SOURCES:
        source = "公司政策 firm policy: severity.deadlines_days"
    else:
        source = f"公司政策 firm policy: {policy.source}"
    basis = f"{severity}: {days} 天 days ({source}; AP-8.2, SR-9.1)"
    return due, basis[:300]


# --- references and fingerprints -----------------------------------------------------------------------


def next_reference(raised_on: date) -> str:
    """F-2026-001, numbered per year of raising."""
    prefix = f"F-{raised_on.year}-"
    last = (
        Finding.objects.select_for_update()
        .filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


def manual_fingerprint(reference: str) -> str:
    """Findings entered by hand are unique by their reference."""
    return fingerprint("manual", reference)


def check_fingerprint(check: str, observation: Observation) -> str:
    """A check's finding: the check and the observation's own stable fingerprint (its rule and subject),
    never times, values found or the wording, so the same gap found twice is one finding."""
    return fingerprint("check", check, observation.fingerprint)


def validate_control_ids(ids: list[str]) -> list[str]:
    catalog = load_catalog()
    unknown = [cid for cid in ids if cid not in catalog.controls]
    if unknown:
        raise WorkflowRefused(f"目錄中沒有這些條文 / not in the catalogue: {', '.join(unknown)}")
    return list(dict.fromkeys(ids))


def snapshot(finding: Finding) -> dict:
    """Every stored field plus the links, as JSON-safe data for the audit trail."""
    data = {field.attname: getattr(finding, field.attname) for field in finding._meta.concrete_fields}
    if finding.pk:
        data["systems"] = sorted(finding.systems.values_list("pk", flat=True))
        data["evidence"] = sorted(finding.evidence.values_list("pk", flat=True))
    return json.loads(json.dumps(data, default=str))


def _event(finding: Finding, kind: str, user, note: str = "", from_status: str = "") -> FindingEvent:
    return FindingEvent.objects.create(
        finding=finding,
        kind=kind,
        from_status=from_status,
        to_status=finding.status,
        user=user,
        note=note,
    )


# --- raising and editing ---------------------------------------------------------------------------------


def source_for(user, assessment) -> str:
    """Where a finding entered by hand comes from: its assessment, an internal audit, or by hand."""
    if assessment is not None:
        return Finding.Source.ASSESSMENT
    if getattr(user, "role", None) == INTERNAL_AUDITOR:
        return Finding.Source.AUDIT
    return Finding.Source.MANUAL


FIELDS = ("title", "description", "category", "topic", "severity", "risk", "recommendation")


def create_finding(
    *,
    user,
    title: str,
    description: str,
    category: str,
    topic: str,
    severity: str,
    risk: str,
    recommendation: str,
    control_ids: list[str],
    systems=(),
    evidence=(),
    assessment=None,
    owner=None,
    raised_on: date | None = None,
    source: str = Finding.Source.MANUAL,
    fingerprint_value: str | None = None,
) -> Finding:
    raised_on = raised_on or timezone.localdate()
    control_ids = validate_control_ids(control_ids)
    due, basis = deadline_for(severity, raised_on)
    with transaction.atomic():
        reference = next_reference(raised_on)
        finding = Finding.objects.create(
            reference=reference,
            title=title,
            description=description,
            category=category,
            topic=topic,
            severity=severity,
            risk=risk,
            recommendation=recommendation,
            control_ids=control_ids,
            assessment=assessment,
            source=source,
            fingerprint=fingerprint_value or manual_fingerprint(reference),
            raised_on=raised_on,
            deadline=due,
            deadline_basis=basis,
            owner=owner,
            created_by=user,
        )
        finding.systems.set(systems)
        finding.evidence.set(evidence)
        _event(finding, FindingEvent.Kind.RAISED, user)
    return finding


def update_finding(finding: Finding, *, user, systems=None, evidence_added=(), **fields) -> Finding:
    """Change the description fields; a new severity or raising date recomputes the deadline."""
    if "control_ids" in fields:
        fields["control_ids"] = validate_control_ids(fields["control_ids"])
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        old_severity, old_raised = finding.severity, finding.raised_on
        for name, value in fields.items():
            setattr(finding, name, value)
        if (finding.severity, finding.raised_on) != (old_severity, old_raised):
            finding.deadline, finding.deadline_basis = deadline_for(finding.severity, finding.raised_on)
        finding.save()
        if systems is not None:
            finding.systems.set(systems)
        finding.evidence.add(*evidence_added)
        _event(finding, FindingEvent.Kind.EDITED, user)
    return finding


# --- the workflow (AP-8.2) -----------------------------------------------------------------------------


def plan(finding: Finding, *, user, plan_text: str, planned_on: date) -> Finding:
    """open -> remediation planned (also to revise the plan while planned)."""
    if not plan_text.strip():
        raise WorkflowRefused("請填寫改善計畫 / the plan is required")
    with transaction.atomic():
        finding = _locked(finding, (S.OPEN, S.PLANNED))
        before = finding.status
        finding.plan, finding.planned_on, finding.status = plan_text, planned_on, S.PLANNED
        finding.save()
        _event(finding, FindingEvent.Kind.PLANNED, user, f"{planned_on:%Y-%m-%d}: {plan_text}", before)
    return finding


def remediate(finding: Finding, *, user, what_was_done: str, remediated_on: date, evidence=()) -> Finding:
    """remediation planned (or open) -> remediated, with what was done and its evidence."""
    if not what_was_done.strip():
        raise WorkflowRefused("請說明改善內容 / say what was done")
    with transaction.atomic():
        finding = _locked(finding, (S.OPEN, S.PLANNED))
        finding.evidence.add(*evidence)
        if not finding.evidence.exists():
            raise WorkflowRefused("改善須附證據 / a remediation needs evidence")
        before = finding.status
        finding.remediation, finding.remediated_on, finding.status = (
            what_was_done,
            remediated_on,
            S.REMEDIATED,
        )
        finding.save()
        _event(finding, FindingEvent.Kind.REMEDIATED, user, what_was_done, before)
    return finding


def verify(finding: Finding, *, user, accepted: bool, note: str) -> Finding:
    """remediated -> verified, or back to open with the reason. Only the internal auditor (AP-8.2)."""
    if getattr(user, "role", None) != INTERNAL_AUDITOR:
        raise WorkflowRefused("僅內部稽核可覆查 / only the internal auditor verifies (AP-8.2)")
    if not accepted and not note.strip():
        raise WorkflowRefused("退回須說明理由 / sending back needs a reason")
    with transaction.atomic():
        finding = _locked(finding, (S.REMEDIATED,))
        before = finding.status
        if accepted:
            finding.status, finding.verified_on = S.VERIFIED, timezone.localdate()
            kind = FindingEvent.Kind.VERIFIED
        else:
            finding.status = S.OPEN
            kind = FindingEvent.Kind.RETURNED
        finding.save()
        _event(finding, kind, user, note, before)
    return finding


def accept_risk(
    finding: Finding, *, user, approver_name: str, approver_role: str, reason: str, expires_on: date
) -> RiskAcceptance:
    """Accept the risk until `expires_on`; on the day after, `reopen_expired` reopens the finding."""
    today = timezone.localdate()
    if not approver_name.strip() or not reason.strip():
        raise WorkflowRefused("須填寫核准人及理由 / the approver and the reason are required")
    if expires_on <= today:
        raise WorkflowRefused("到期日須晚於今日 / the expiry must be after today")
    with transaction.atomic():
        finding = _locked(finding, (S.OPEN, S.PLANNED, S.REMEDIATED))
        acceptance = RiskAcceptance.objects.create(
            finding=finding,
            approver_name=approver_name,
            approver_role=approver_role,
            reason=reason,
            accepted_on=today,
            expires_on=expires_on,
            status_before=finding.status,
            recorded_by=user,
        )
        before = finding.status
        finding.status = S.RISK_ACCEPTED
        finding.save()
        note = f"{acceptance.get_approver_role_display()} {approver_name}, → {expires_on:%Y-%m-%d}: {reason}"
        _event(finding, FindingEvent.Kind.RISK_ACCEPTED, user, note, before)
    return acceptance


def current_acceptance(finding: Finding) -> RiskAcceptance | None:
    return finding.risk_acceptances.filter(ended_at__isnull=True).first()


def reopen_expired(today: date | None = None) -> list[Finding]:
    """Reopen every finding whose risk acceptance expired before `today`. Callable from `zhengan remind`
    and run by the findings pages on read, so an expired acceptance never shows as accepted."""
    from zhengan.web.audit.chain import append

    today = today or timezone.localdate()
    reopened = []
    with transaction.atomic():
        expired = RiskAcceptance.objects.select_for_update().filter(
            ended_at__isnull=True, expires_on__lt=today, finding__status=S.RISK_ACCEPTED
        )
        for acceptance in expired.select_related("finding"):
            finding = acceptance.finding
            acceptance.ended_at = timezone.now()
            acceptance.save(update_fields=["ended_at"])
            finding.status = S.OPEN
            finding.save(update_fields=["status"])
            note = f"{acceptance.expires_on:%Y-%m-%d} 風險接受到期 / risk acceptance expired"
            _event(finding, FindingEvent.Kind.ACCEPTANCE_EXPIRED, None, note, S.RISK_ACCEPTED)
            append(
                "finding_acceptance_expired",
                username="zhengan",
                obj_type="finding",
                obj_id=finding.pk,
                before={"status": S.RISK_ACCEPTED, "acceptance": acceptance.pk},
                after={"status": S.OPEN},
            )
            reopened.append(finding)
    return reopened


def _locked(finding: Finding, allowed: tuple[str, ...]) -> Finding:
    locked = Finding.objects.select_for_update().get(pk=finding.pk)
    if locked.status not in allowed:
        raise WorkflowRefused(
            f"{locked.reference}: 目前狀態「{locked.get_status_display()}」不可執行此步驟 / "
            f"not allowed from status {locked.status}"
        )
    return locked


# --- lists ---------------------------------------------------------------------------------------------


def overdue(today: date | None = None) -> QuerySet[Finding]:
    today = today or timezone.localdate()
    return Finding.objects.filter(status__in=OPEN_STATES, deadline__lt=today)


def is_overdue(finding: Finding, today: date | None = None) -> bool:
    return finding.status in OPEN_STATES and finding.deadline < (today or timezone.localdate())


def expiring_acceptances(today: date | None = None, within_days: int = 30) -> QuerySet[RiskAcceptance]:
    today = today or timezone.localdate()
    return RiskAcceptance.objects.filter(
        ended_at__isnull=True,
        finding__status=S.RISK_ACCEPTED,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=within_days),
    ).select_related("finding")


@dataclass
class Filters:
    status: str = ""
    severity: str = ""
    category: str = ""
    overdue: bool = False
    q: str = ""


def filtered(filters: Filters, today: date | None = None) -> QuerySet[Finding]:
    today = today or timezone.localdate()
    found = Finding.objects.select_related("owner").all()
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.severity:
        found = found.filter(severity=filters.severity)
    if filters.category:
        found = found.filter(category=filters.category)
    if filters.overdue:
        found = found.filter(status__in=OPEN_STATES, deadline__lt=today)
    if filters.q:
        found = found.filter(Q(title__icontains=filters.q) | Q(reference__icontains=filters.q))
    return found


# --- AP-8.3 follow-up reports ------------------------------------------------------------------------------


def record_followup(
    *, user, reported_on: date, recipient: str, recipient_name: str, note: str, findings, minutes=None
) -> FollowUpReport:
    """Record a follow-up report with each finding's status and deadline as they stand now."""
    findings = list(findings)
    if not findings:
        raise WorkflowRefused("請至少選擇一項缺失 / choose at least one finding")
    with transaction.atomic():
        report = FollowUpReport.objects.create(
            reported_on=reported_on,
            recipient=recipient,
            recipient_name=recipient_name,
            note=note,
            minutes=minutes,
            recorded_by=user,
        )
        for finding in findings:
            FollowUpLine.objects.create(
                report=report,
                finding=finding,
                status=finding.status,
                deadline=finding.deadline,
                overdue=is_overdue(finding, reported_on),
            )
    return report


# --- findings from check results -------------------------------------------------------------------------

TECHNICAL_TOPICS = {
    "identity": "身分鑑別與存取控制 identity and access",
    "password": "身分鑑別與存取控制 identity and access",
    "logins": "日誌與監控 logging and monitoring",
    "firewall": "網路安全 network security",
    "tls": "傳輸加密 encryption in transit",
    "eol": "系統維護 end-of-life software",
    "scans": "弱點管理 vulnerability management",
}


def finding_from_observation(
    result: CheckResult,
    observation: Observation,
    *,
    user=None,
    owner=None,
    systems=(),
    assessment=None,
    raised_on: date | None = None,
) -> tuple[Finding, bool]:
    """The finding for a failing observation: (finding, created). The same issue found again (same check,
    same rule, same subject) returns the existing finding, counted as seen again; one that was verified is
    reopened, since the gap is back."""
    if observation.status not in (Status.FAIL, Status.WARN):
        raise WorkflowRefused(
            f"{observation.rule}: 只有不符合或注意事項可成為缺失 / only a failing or warning observation "
            f"becomes a finding (status {observation.status})"
        )
    key = check_fingerprint(result.check, observation)
    with transaction.atomic():
        existing = Finding.objects.select_for_update().filter(fingerprint=key).first()
        if existing is not None:
            existing.seen_count += 1
            existing.last_seen_at = timezone.now()
            before = existing.status
            if existing.status == S.VERIFIED:
                existing.status = S.OPEN
            existing.save()
            where = f" ({observation.source})" if observation.source else ""
            _event(existing, FindingEvent.Kind.SEEN_AGAIN, user, f"{result.check}{where}", before)
            return existing, False
        severity = observation.severity.value if observation.severity else "medium"
        if severity == "info":
            severity = "low"
        topic = TECHNICAL_TOPICS.get(result.check.split(".")[0], result.check)
        found = f"\n找到 found: {observation.found}; 應為 required: {observation.required}"
        finding = create_finding(
            user=user,
            title=f"{observation.title.zh} / {observation.title.en}: {observation.subject}"[:300],
            description=f"{observation.message.zh}\n{observation.message.en}"
            + (found if observation.found is not None else ""),
            category=Finding.Category.TECHNICAL,
            topic=topic[:100],
            severity=severity,
            risk=f"{result.title.zh} / {result.title.en}: {observation.rule}",
            recommendation=_recommendation(observation),
            control_ids=list(observation.control_ids),
            systems=systems,
            assessment=assessment,
            owner=owner,
            raised_on=raised_on,
            source=Finding.Source.CHECK,
            fingerprint_value=key,
        )
        finding.last_seen_at = timezone.now()
        finding.save(update_fields=["last_seen_at"])
    return finding, True


def _recommendation(observation: Observation) -> str:
    ids = ", ".join(observation.control_ids)
    required = observation.required
    zh = f"依 {ids} 調整 {observation.subject}" + (f"（應為 {required}）" if required is not None else "")
    en = f"bring {observation.subject} in line with {ids}" + (
        f" (required: {required})" if required is not None else ""
    )
    return f"{zh} / {en}"
