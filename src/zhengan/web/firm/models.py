"""The firm profile, stored as JSON that `zhengan.profile.FirmProfile` validates."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FirmProfileRecord(models.Model):
    """One row: the firm this installation serves."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )


class FirmPolicyRecord(models.Model):
    """One row: the firm's own choices where the rules leave room (`zhengan.policies.FirmPolicies`)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
