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

    class Meta:
        ordering = ("-period_start", "-id")

    def __str__(self) -> str:
        return self.title

    @property
    def frozen(self) -> bool:
        return self.status == self.Status.ISSUED
