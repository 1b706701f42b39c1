"""What the obligations calendar stores (issue #5). The obligations themselves are not stored: they are
derived from the statement of applicability, the register's systems and the firm's PeriodPolicy by the
pure core (`zhengan.obligations`), then these records are applied: owners, completions, events.

- `OwnerAssignment`: an obligation key (SR-4.4@集中交易主機) or a control id (every obligation of it) ->
  a user or a role.
- `Completion`: one time an obligation was done, with its note and evidence files (never overwritten:
  a completion is added, never edited).
- `RecordedEvent`: an event (vocabulary `triggers`) that brings event-driven obligations (AP-3.3 ...).
- `FeedToken`: the SHA-256 of a user's iCalendar feed token (the token itself is shown once).
- `ReminderSent`: the reminder ledger; a unique key per reminder stage makes `zhengan remind` idempotent.
- `CalendarStart`: the one day the calendar started counting from (a control never done before is first
  due one period after it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengan.web.accounts.roles import ROLE_CHOICES


class CalendarStart(models.Model):
    """A single row (id 1): created the first time the calendar is computed, with that day's date."""

    counting_from = models.DateField(_("counting from"))


class OwnerAssignment(models.Model):
    key = models.CharField(_("obligation or control"), max_length=400, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(role=""))
                | (models.Q(user__isnull=True) & ~models.Q(role="")),
                name="obligation_owner_is_user_or_role",
            ),
        )

    def snapshot(self) -> dict:
        return {"key": self.key, "user": self.user.username if self.user else None, "role": self.role or None}


class Completion(models.Model):
    obligation_key = models.CharField(max_length=400, db_index=True)
    control_id = models.CharField(max_length=40)
    done_on = models.DateField(_("done on"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    evidence = models.ManyToManyField("evidence.EvidenceItem", related_name="obligation_completions")

    class Meta:
        ordering = ("done_on", "id")

    def snapshot(self) -> dict:
        return {
            "obligation": self.obligation_key,
            "control_id": self.control_id,
            "done_on": self.done_on.isoformat(),
            "note": self.note,
            "by": self.by.username if self.by else None,
            "evidence_sha256": sorted(e.sha256 for e in self.evidence.all()),
        }


class RecordedEvent(models.Model):
    trigger = models.CharField(_("event"), max_length=40)
    occurred_on = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=100)
    system = models.ForeignKey(
        "register.InformationSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("system"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-occurred_on", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("trigger", "occurred_on", "reference", "system"), name="obligation_event_once"
            ),
        )

    def snapshot(self) -> dict:
        return {
            "trigger": self.trigger,
            "occurred_on": self.occurred_on.isoformat(),
            "reference": self.reference,
            "system": self.system.name if self.system else None,
        }


class FeedToken(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)


class ReminderSent(models.Model):
    key = models.CharField(max_length=500, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ("-sent_at",)
