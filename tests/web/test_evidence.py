"""Evidence: stored by SHA-256, versions never overwrite, hash checked on download, retention from controls,
nothing deleted before retention ends."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.web.conftest import sign_in_fully
from zhengan.web.audit.models import AuditEvent
from zhengan.web.evidence import services
from zhengan.web.evidence.models import EvidenceItem, RetentionNotOver

pytestmark = pytest.mark.django_db
REVIEW = "帳號權限覆核紀錄 2026 上半年\nreviewed 412 accounts, 3 removed\n".encode()


@pytest.fixture
def officer(client, make_user):
    user = make_user("compliance_officer")
    sign_in_fully(client, user)
    return user


def _upload(client, content=REVIEW, **fields):
    data = {
        "title": "帳號覆核 account review",
        "effective_on": "2026-06-30",
        "control_ids": "SR-3.3",
        "description": "",
        "file": SimpleUploadedFile("review.txt", content, content_type="text/plain"),
    }
    data.update(fields)
    return client.post(reverse("evidence:upload"), data)


def test_upload_stores_by_hash_with_retention_from_the_controls(client, officer, settings):
    response = _upload(client, control_ids="AP-8.4, SR-4.1")
    item = EvidenceItem.objects.get()
    assert response.url == reverse("evidence:detail", kwargs={"pk": item.pk})
    assert item.sha256 == hashlib.sha256(REVIEW).hexdigest()
    stored = services.store().path_of(item.sha256)
    assert stored.read_bytes() == REVIEW
    # AP-8.4 five years beats SR-4.1 three years, counted from the effective date, not the upload.
    assert (item.retention_until, item.retention_basis) == (date(2031, 6, 30), "P5Y")
    assert item.effective_on == date(2026, 6, 30)
    event = AuditEvent.objects.get(event_type="evidence_added")
    assert event.after["sha256"] == item.sha256 and event.user_id == officer.pk


def test_default_retention_for_controls_without_one(client, officer):
    _upload(client, control_ids="SR-3.3")
    item = EvidenceItem.objects.get()
    assert (item.retention_until, item.retention_basis) == (date(2029, 6, 30), "P3Y")


def test_unknown_control_and_oversized_file_are_refused_and_nothing_is_kept(client, officer, settings):
    response = _upload(client, control_ids="SR-3.3 XX-9.9")
    assert response.status_code == 200
    assert "XX-9.9" in response.content.decode()
    settings.ZHENGAN_EVIDENCE_MAX_BYTES = 10
    response = _upload(client)
    assert response.status_code == 200
    assert "10" in response.content.decode()
    assert EvidenceItem.objects.count() == 0
    root = services.store().root
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_new_version_keeps_the_old_one(client, officer):
    _upload(client)
    first = EvidenceItem.objects.get()
    newer = "帳號權限覆核紀錄 2026 上半年（更正）\n".encode()
    response = client.post(
        reverse("evidence:new_version", kwargs={"pk": first.pk}),
        {
            "effective_on": "2026-07-02",
            "description": "更正",
            "file": SimpleUploadedFile("review.txt", newer),
        },
    )
    second = EvidenceItem.objects.get(previous=first)
    assert response.url == reverse("evidence:detail", kwargs={"pk": second.pk})
    assert second.version == 2 and second.title == first.title
    assert services.read_bytes(first) == REVIEW
    assert services.read_bytes(second) == newer
    assert [i.pk for i in second.history()] == [second.pk, first.pk]
    assert list(EvidenceItem.objects.latest_versions()) == [second]
    # Only the newest version can be superseded.
    again = client.post(
        reverse("evidence:new_version", kwargs={"pk": first.pk}),
        {"effective_on": "2026-07-03", "file": SimpleUploadedFile("review.txt", b"third")},
    )
    assert again.status_code == 200
    assert EvidenceItem.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="evidence_version_added").count() == 1


def test_download_checks_the_hash_again(client, officer):
    _upload(client)
    item = EvidenceItem.objects.get()
    url = reverse("evidence:download", kwargs={"pk": item.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == REVIEW
    assert response["X-Content-SHA256"] == item.sha256
    assert "attachment" in response["Content-Disposition"]
    path = services.store().path_of(item.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(REVIEW + b"tampered")
    refused = client.get(url)
    assert refused.status_code == 409
    assert AuditEvent.objects.filter(event_type="evidence_tampered", object_id=str(item.pk)).exists()
    assert AuditEvent.objects.filter(event_type="evidence_downloaded").count() == 1


def test_nothing_is_deleted_before_its_retention_ends(officer):
    upload = io.BytesIO(b"firewall log 2026-01-01")
    upload.name = "fw.log"
    item = services.add_evidence(
        upload, user=officer, title="fw", effective_on=date(2026, 1, 1), control_ids=["CC17010-2.3"]
    )
    assert item.retention_until == date(2029, 1, 1)
    with pytest.raises(RetentionNotOver):
        item.delete()
    with pytest.raises(RetentionNotOver):
        EvidenceItem.objects.all().delete()
    old = io.BytesIO(b"log from 2020")
    old.name = "old.log"
    expired = services.add_evidence(
        old, user=officer, title="old", effective_on=date(2020, 1, 1), control_ids=["CC17010-2.3"]
    )
    EvidenceItem.objects.filter(pk=expired.pk).delete()
    assert list(EvidenceItem.objects.all()) == [item]


def test_board_viewer_reads_but_cannot_upload(client, make_user, officer):
    _upload(client)
    viewer = make_user("board_viewer")
    other = client.__class__()
    sign_in_fully(other, viewer)
    assert other.get(reverse("evidence:list")).status_code == 200
    assert other.get(reverse("evidence:upload")).status_code == 403


@override_settings(LANGUAGE_CODE="zh-hant")
def test_pages_speak_chinese(client, officer):
    _upload(client)
    html = client.get(reverse("evidence:list")).content.decode()
    assert "佐證資料" in html and "保存至" in html
