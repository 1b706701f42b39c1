"""The firm profile and the firm's policies, each one row of JSON that a pydantic model validates."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SingleJSONRecord(models.Model):
    """One row (id 1) of JSON, with who changed it last."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class FirmProfileRecord(SingleJSONRecord):
    """The firm this installation serves (`zhengan.profile.FirmProfile`)."""


class FirmPolicyRecord(SingleJSONRecord):
    """The firm's own choices where the rules leave room (`zhengan.policies.FirmPolicies`)."""
