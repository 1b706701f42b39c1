"""Assessments of information systems (004 sections 4 and 7). The assessments app adds the team, results,
the drill and the report in its own migrations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Assessment(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        ISSUED = "issued", _("report issued")  # frozen: nothing changes after the report is issued

    class UnitKind(models.TextChoices):
        INTERNAL = "internal", _("internal unit, independent of the systems' development and maintenance")
        EXTERNAL = "external", _("external body with no interest in the target")

    title = models.CharField(_("title"), max_length=200)
    systems = models.ManyToManyField(
        "register.InformationSystem", related_name="assessments", verbose_name=_("systems in scope")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    unit_kind = models.CharField(_("assessing unit"), max_length=20, choices=UnitKind.choices)
    unit_name = models.CharField(_("name of the assessing unit"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Added by the assessments app (migration 0002).
    unit_independence = models.TextField(_("independence of the assessing unit (AP-7.1)"), blank=True)
    team = models.ManyToManyField("Assessor", blank=True, related_name="assessments", verbose_name=_("team"))
    # The assessment items, fixed when planned: the 004 section 4 items and the controls binding the systems.
    control_ids = models.JSONField(default=list)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    issued_on = models.DateField(_("report issued on"), null=True, blank=True)
    reports = models.ManyToManyField("evidence.EvidenceItem", blank=True, related_name="+")

    class Meta:
        ordering = ("-period_start", "-id")

    def __str__(self) -> str:
        return self.title

    @property
    def frozen(self) -> bool:
        return self.status == self.Status.ISSUED

    def snapshot(self) -> dict:
        data = {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}
        if self.pk:
            data["systems"] = sorted(s.pk for s in self.systems.all())
            data["team"] = sorted(a.pk for a in self.team.all())
        return data


class Assessor(models.Model):
    """A person on an assessment team, with the declarations AP-7.1, AP-7.3 and AP-7.4 ask of them."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("internal")
        EXTERNAL = "external", _("external")

    name = models.CharField(_("full name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("internal or external"), max_length=20, choices=Kind.choices)
    team_role = models.CharField(_("role in the team"), max_length=100, blank=True)
    # An assessor with an account records results; an external one signs in as external_assessor.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessor",
        verbose_name=_("user account"),
    )
    independence_statement = models.TextField(_("independence statement (AP-7.1)"), blank=True)
    independence_declared_on = models.DateField(_("independence declared on (AP-7.1)"), null=True, blank=True)
    confidentiality_pledge_on = models.DateField(
        _("confidentiality pledge signed on (AP-7.3)"), null=True, blank=True
    )
    no_concealment_on = models.DateField(
        _("no-concealment undertaking signed on (AP-7.4)"), null=True, blank=True
    )

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def snapshot(self) -> dict:
        data = {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}
        data["qualifications"] = [q.snapshot() for q in self.qualifications.all()]
        return data


class Qualification(models.Model):
    """A certificate or experience counting towards one AP-7.2 category."""

    class Category(models.TextChoices):
        MANAGEMENT = "AP-7.2.1", _("AP-7.2.1 security management (CISM, ISO 27001 LA)")
        TECHNICAL = "AP-7.2.2", _("AP-7.2.2 security technical skills (CISSP)")
        ATTACK = "AP-7.2.3", _("AP-7.2.3 attack simulation (CEH, CIH)")
        FINANCIAL = "AP-7.2.4", _("AP-7.2.4 financial-sector experience")

    assessor = models.ForeignKey(Assessor, on_delete=models.CASCADE, related_name="qualifications")
    category = models.CharField(_("AP-7.2 category"), max_length=10, choices=Category.choices)
    name = models.CharField(_("certificate or experience"), max_length=200)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ("category", "name", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.category})"

    def snapshot(self) -> dict:
        return {
            "category": self.category,
            "name": self.name,
            "certificate_number": self.certificate_number,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
        }


class Result(models.Model):
    """The result for one control on one system, with the assessor's record and the evidence seen."""

    class Value(models.TextChoices):
        COMPLIANT = "compliant", _("compliant")
        PARTIAL = "partially_compliant", _("partially compliant")
        NON_COMPLIANT = "non_compliant", _("non-compliant")
        NOT_APPLICABLE = "not_applicable", _("not applicable")
        NOT_ASSESSED = "not_assessed", _("not assessed")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    control_id = models.CharField(max_length=40)
    system = models.ForeignKey("register.InformationSystem", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("result"), max_length=30, choices=Value.choices)
    note = models.TextField(_("assessor's record (for not applicable: the reason)"), blank=True)
    evidence = models.ManyToManyField("evidence.EvidenceItem", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("control_id", "system__name")
        constraints = (
            models.UniqueConstraint(
                fields=("assessment", "control_id", "system"), name="one_result_per_pair"
            ),
        )

    def snapshot(self) -> dict:
        return {
            "control_id": self.control_id,
            "system": self.system_id,
            "value": self.value,
            "note": self.note,
            "evidence": sorted(e.pk for e in self.evidence.all()) if self.pk else [],
        }


class Drill(models.Model):
    """The social-engineering drill (AP-6), whose results the report must contain (AP-8.1)."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="drill")
    held_on = models.DateField(_("held on"))
    mails_sent = models.PositiveIntegerField(_("mails sent"))
    opened = models.PositiveIntegerField(_("opened"))
    clicked = models.PositiveIntegerField(_("clicked"))
    reported = models.PositiveIntegerField(_("reported"))
    follow_up = models.TextField(_("follow-up (training of those who opened or clicked)"))

    def snapshot(self) -> dict:
        return {
            "held_on": self.held_on.isoformat(),
            "mails_sent": self.mails_sent,
            "opened": self.opened,
            "clicked": self.clicked,
            "reported": self.reported,
            "follow_up": self.follow_up,
        }
