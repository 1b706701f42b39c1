"""The audit trail (SR-4): append-only records, each carrying the hash of the one before it.

Rows are never updated or deleted through Django; on PostgreSQL a trigger refuses it in the database
too. `chain.verify()` recomputes every hash and names the first broken link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit records are append-only / 稽核紀錄僅能新增")

    def delete(self):
        raise AppendOnlyError("audit records are append-only / 稽核紀錄僅能新增")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()  # UTC
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150, blank=True)  # as typed or as it was then
    source_ip = models.GenericIPAddressField(null=True)
    event_type = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=128, blank=True)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("seq",)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit records are append-only / 稽核紀錄僅能新增")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit records are append-only / 稽核紀錄僅能新增")


class ChainHead(models.Model):
    """One row: the last sequence number and hash, so that removing the newest rows is seen too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
