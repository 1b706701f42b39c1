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

    class Meta:
        ordering = ("deadline", "id")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
