"""Adding, reading and serving evidence. No HTTP request handling beyond building the download response."""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse

from zhengan.catalog.loader import load_catalog
from zhengan.evidence_store import EvidenceError, EvidenceStore, TamperedEvidence, retention_until
from zhengan.web.evidence.models import EvidenceItem


class EvidenceRefused(ValueError):
    """Bad input for an evidence item: unknown control, file too large, superseding an old version."""


def store() -> EvidenceStore:
    return EvidenceStore(Path(settings.ZHENGAN_EVIDENCE_DIR), settings.ZHENGAN_EVIDENCE_MAX_BYTES)


def parse_control_ids(text: str) -> list[str]:
    """Control ids from free text (commas, spaces or new lines), checked against the catalogue."""
    catalog = load_catalog()
    ids = [part.strip() for part in text.replace(",", " ").replace("，", " ").split() if part.strip()]
    unknown = [cid for cid in ids if cid not in catalog.controls]
    if unknown:
        raise EvidenceRefused(f"目錄中沒有這些條文 / not in the catalogue: {', '.join(unknown)}")
    return list(dict.fromkeys(ids))


def add_evidence(
    upload,
    *,
    user,
    title: str,
    effective_on: date,
    control_ids: list[str],
    owner=None,
    description: str = "",
    previous: EvidenceItem | None = None,
    filename: str | None = None,
) -> EvidenceItem:
    """Store the bytes by SHA-256 and record the item; a new version never replaces the old one.

    `upload` is any binary stream with a `.name` (a Django UploadedFile, an open file). Retention is the
    longest among the controls served, the firm's default (ZHENGAN_EVIDENCE_DEFAULT_RETENTION) otherwise.
    """
    catalog = load_catalog()
    unknown = [cid for cid in control_ids if cid not in catalog.controls]
    if unknown:
        raise EvidenceRefused(f"目錄中沒有這些條文 / not in the catalogue: {', '.join(unknown)}")
    try:
        stored = store().put(upload)
    except EvidenceError as error:
        raise EvidenceRefused(str(error)) from error
    until, basis = retention_until(
        effective_on, control_ids, catalog, default=settings.ZHENGAN_EVIDENCE_DEFAULT_RETENTION
    )
    name = Path(filename or getattr(upload, "name", "") or "evidence.bin").name
    content_type = (
        getattr(upload, "content_type", None) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    with transaction.atomic():
        version = 1
        if previous is not None:
            previous = EvidenceItem.objects.select_for_update().get(pk=previous.pk)
            if EvidenceItem.objects.filter(previous=previous).exists():
                raise EvidenceRefused(
                    "此版本已有較新版本 / a newer version already supersedes this one; add to the newest"
                )
            version = previous.version + 1
            # A later version keeps the earlier one's retention at least.
            if previous.retention_until > until:
                until, basis = previous.retention_until, previous.retention_basis
        return EvidenceItem.objects.create(
            sha256=stored.sha256,
            size=stored.size,
            filename=name[:255],
            content_type=content_type[:120],
            title=title,
            description=description,
            effective_on=effective_on,
            uploaded_by=user,
            owner=owner,
            control_ids=list(control_ids),
            retention_until=until,
            retention_basis=basis,
            version=version,
            previous=previous,
        )


def read_bytes(item: EvidenceItem) -> bytes:
    """The item's bytes, checked against the SHA-256 again (raises TamperedEvidence)."""
    return store().read(item.sha256)


def download_response(request, item: EvidenceItem) -> HttpResponse:
    """The file as an attachment after the hash check; the download (or the refusal) is audited."""
    from zhengan.web.audit.events import log

    try:
        data = read_bytes(item)
    except TamperedEvidence:
        log(request, "evidence_tampered", obj_type="evidence", obj_id=item.pk, detail={"sha256": item.sha256})
        response = HttpResponse(
            "證據檔內容與雜湊不符，已拒絕下載並記錄 / the stored file no longer matches its SHA-256; "
            "the download was refused and recorded",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
        return response
    log(request, "evidence_downloaded", obj_type="evidence", obj_id=item.pk, detail={"sha256": item.sha256})
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = _attachment(item.filename)
    response["X-Content-SHA256"] = item.sha256
    return response


def _attachment(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename)
