"""Evidence items: the metadata of files kept for the rules (the bytes live in `zhengan.evidence_store`).

An item is never overwritten: a new version is a new row pointing at the one it supersedes. Nothing is
deleted before its retention ends (AP-8.4 five years for assessment reports and remediation documents;
SR-4.1 and CC17010-2.3 three years for logs); `delete()` refuses, on one row and on a queryset.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionNotOver(Exception):
    """Deleting evidence whose retention has not ended."""


def _today() -> date:
    return timezone.localdate()


class EvidenceQuerySet(models.QuerySet):
    def delete(self):
        kept = self.filter(retention_until__gte=_today())
        if kept.exists():
            raise RetentionNotOver(
                f"{kept.count()} 件證據尚在保存期限內 / {kept.count()} evidence item(s) still within retention"
            )
        return super().delete()

    def latest_versions(self):
        """Items no newer version supersedes."""
        return self.filter(next_version__isnull=True)


class EvidenceItem(models.Model):
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120, default="application/octet-stream")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    effective_on = models.DateField(_("effective date"))  # the day the evidence speaks of, not the upload
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    control_ids = models.JSONField(default=list)
    retention_until = models.DateField()
    retention_basis = models.CharField(max_length=20)  # the ISO 8601 duration that decided it: P5Y
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ("-uploaded_at", "-id")

    def __str__(self) -> str:
        return f"{self.title} v{self.version} ({self.sha256[:12]})"

    def delete(self, *args, **kwargs):
        if self.retention_until >= _today():
            raise RetentionNotOver(
                f"保存期限至 {self.retention_until.isoformat()}，不得刪除 / kept until "
                f"{self.retention_until.isoformat()}; cannot delete"
            )
        return super().delete(*args, **kwargs)

    def snapshot(self) -> dict:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "filename": self.filename,
            "title": self.title,
            "effective_on": self.effective_on.isoformat(),
            "control_ids": list(self.control_ids),
            "retention_until": self.retention_until.isoformat(),
            "retention_basis": self.retention_basis,
            "version": self.version,
            "previous": self.previous_id,
            "owner": self.owner_id,
        }

    def history(self) -> list[EvidenceItem]:
        """This item and every version before it, newest first."""
        chain, item = [], self
        while item is not None:
            chain.append(item)
            item = item.previous
        return chain
