"""Findings and their remediation (AP-8.1, AP-8.2, AP-8.3, SR-9.1). The findings app adds the workflow
records (plans, verification, risk acceptance, board follow-up) in its own migrations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Finding(models.Model):
    class Category(models.TextChoices):
        MANAGEMENT = "management", _("management (管理面)")
        TECHNICAL = "technical", _("technical (技術面)")

    class Severity(models.TextChoices):  # the values of zhengan.checks.result.Severity, without info
        CRITICAL = "critical", _("critical")
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PLANNED = "planned", _("remediation planned")
        REMEDIATED = "remediated", _("remediated")
        VERIFIED = "verified", _("verified")
        RISK_ACCEPTED = "risk_accepted", _("risk accepted")

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("assessment")
        CHECK = "check", _("technical check")
        AUDIT = "audit", _("internal audit")
        MANUAL = "manual", _("entered by hand")

    reference = models.CharField(_("reference"), max_length=40, unique=True)  # F-2026-001
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    topic = models.CharField(_("topic"), max_length=100)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    risk = models.TextField(_("risk"))
    recommendation = models.TextField(_("specific recommendation"))
    control_ids = models.JSONField(default=list)
    systems = models.ManyToManyField(
        "register.InformationSystem", blank=True, related_name="findings", verbose_name=_("systems")
    )
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem", blank=True, related_name="findings", verbose_name=_("evidence")
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("assessment"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    # The same issue found twice is one finding: zhengan.checks.result.fingerprint for check results.
    fingerprint = models.CharField(max_length=64, unique=True)
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    deadline = models.DateField(_("remediation deadline"))
    deadline_basis = models.CharField(max_length=300)  # the policy line that set it (AP-8.2, SR-9.1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_findings",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The remediation workflow (AP-8.2), added by migration 0002.
    plan = models.TextField(_("remediation plan"), blank=True)
    planned_on = models.DateField(_("planned completion date"), null=True, blank=True)
    remediation = models.TextField(_("what was done"), blank=True)
    remediated_on = models.DateField(_("remediated on"), null=True, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    seen_count = models.PositiveIntegerField(_("times found"), default=1)  # same fingerprint found again
    last_seen_at = models.DateTimeField(_("last found"), null=True, blank=True)

    class Meta:
        ordering = ("deadline", "id")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class FindingEvent(models.Model):
    """One row of a finding's history: every transition, with who, when and the note (AP-8.2)."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("raised")
        EDITED = "edited", _("edited")
        PLANNED = "planned", _("remediation planned")
        REMEDIATED = "remediated", _("remediated")
        VERIFIED = "verified", _("verified by the internal auditor")
        RETURNED = "returned", _("sent back to open by the internal auditor")
        RISK_ACCEPTED = "risk_accepted", _("risk accepted")
        ACCEPTANCE_EXPIRED = "acceptance_expired", _("risk acceptance expired: reopened")
        SEEN_AGAIN = "seen_again", _("found again by a check")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("at", "id")


class RiskAcceptance(models.Model):
    """A decision to accept a finding's risk for a time: approver, reason, expiry (after it, reopen)."""

    class ApproverRole(models.TextChoices):
        BOARD = "board", _("board of directors")
        AUTHORISED_MANAGER = "authorised_manager", _("manager authorised by the board")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="risk_acceptances")
    approver_name = models.CharField(_("approver"), max_length=200)
    approver_role = models.CharField(_("approver's role"), max_length=30, choices=ApproverRole.choices)
    reason = models.TextField(_("reason"))
    accepted_on = models.DateField(_("accepted on"), default=timezone.localdate)
    expires_on = models.DateField(_("expires on"))
    status_before = models.CharField(max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)  # set when the expiry reopened the finding

    class Meta:
        ordering = ("-accepted_on", "-id")


class FollowUpReport(models.Model):
    """AP-8.3: the follow-up of findings reported to the board or an authorised manager, with its date."""

    class Recipient(models.TextChoices):
        BOARD = "board", _("board of directors")
        AUTHORISED_MANAGER = "authorised_manager", _("manager authorised by the board")
        BRANCH_HEAD = "branch_head", _("head of the Taiwan branch (foreign securities firm)")

    reported_on = models.DateField(_("reported on"))
    recipient = models.CharField(_("reported to"), max_length=30, choices=Recipient.choices)
    recipient_name = models.CharField(_("name of the meeting or manager"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    minutes = models.ForeignKey(
        "evidence.EvidenceItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minutes"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-reported_on", "-id")

    def __str__(self) -> str:
        return f"{self.reported_on:%Y-%m-%d} {self.get_recipient_display()}"


class FollowUpLine(models.Model):
    """One finding as it stood when reported (status and deadline at the time, not now)."""

    report = models.ForeignKey(FollowUpReport, on_delete=models.CASCADE, related_name="lines")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="followup_lines")
    status = models.CharField(max_length=20, choices=Finding.Status.choices)
    deadline = models.DateField()
    overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ("id",)
