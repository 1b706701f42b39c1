"""The issued report (AP-8.1) read back in every format, the freeze after issuing, and who sees what."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from tests.web.assessments.conftest import make_assessor
from tests.web.conftest import sign_in_fully

pytestmark = pytest.mark.django_db


def _complete_with_a_finding_and_a_drill(assessment, systems, user):
    from zhengan.web.assessments.models import Drill, Result
    from zhengan.web.findings.models import Finding

    trade, _hr = systems
    Result.objects.create(
        assessment=assessment,
        control_id="AP-4.1.1",
        system=trade,
        value="non_compliant",
        note="外部防火牆允許 any 來源連線 3389/tcp",
        recorded_by=user,
    )
    Drill.objects.create(
        assessment=assessment,
        held_on=date(2026, 9, 15),
        mails_sent=420,
        opened=61,
        clicked=12,
        reported=30,
        follow_up="點擊者加強教育訓練",
    )
    finding = Finding.objects.create(
        reference="F-2026-001",
        title="外部防火牆開放遠端桌面",
        description="規則 17 允許任意來源連線 3389/tcp",
        category="technical",
        topic="網路安全",
        severity="high",
        risk="遠端桌面服務直接暴露於網際網路",
        recommendation="移除規則 17，改經 VPN 與多因子驗證連線",
        control_ids=["AP-4.1.1"],
        assessment=assessment,
        fingerprint="f-2026-001",
        deadline=date(2026, 12, 5),
        deadline_basis="high: 3 months",
    )
    finding.systems.add(trade)
    assessment.status = "completed"
    assessment.started_on = date(2026, 9, 1)
    assessment.completed_on = date(2026, 10, 1)
    assessment.save()


def _text_of(item) -> str:
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from zhengan.web.evidence.services import read_bytes

    data = io.BytesIO(read_bytes(item))
    if item.filename.endswith(".pdf"):
        return "".join("".join(page.extract_text().split()) for page in PdfReader(data).pages)
    if item.filename.endswith(".docx"):
        document = Document(data)
        text = [p.text for p in document.paragraphs]
        text += [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "".join("".join(text).split())
    workbook = load_workbook(data)
    return "".join(
        "".join(str(c.value).split())
        for s in workbook
        for row in s.iter_rows()
        for c in row
        if c.value is not None
    )


REQUIRED_ZH = [
    "一、評估人員資格",
    "二、評估範圍",
    "三、評估作業項目與標的",
    "四、評估紀錄",
    "五、缺失項目",
    "六、社交工程演練結果",
    "七、缺失改善計畫及處理時限",
    "CISM-2317754",
    "吳評估",
    "網路下單系統e-Trade",
    "AP-4.1.1",
    "外部防火牆允許any來源連線3389/tcp",
    "外部防火牆開放遠端桌面",
    "遠端桌面服務直接暴露於網際網路",
    "移除規則17",
    "420",
    "2026-12-05",
]


def test_issuing_writes_three_formats_stores_them_for_five_years_and_freezes(
    client, make_user, planned, systems, assessor_user
):
    from zhengan.web.assessments.models import Assessment, Drill, Result
    from zhengan.web.audit.models import AuditEvent

    officer = make_user("compliance_officer", full_name="林法遵")
    _complete_with_a_finding_and_a_drill(planned, systems, assessor_user)
    sign_in_fully(client, officer)
    response = client.post(reverse("assessments:issue", args=[planned.pk]), {"languages": ["zh"]})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == "issued" and planned.frozen and planned.issued_on is not None
    reports = list(planned.reports.order_by("filename"))
    assert sorted(r.filename.rsplit(".", 1)[1] for r in reports) == ["docx", "pdf", "xlsx"]
    for item in reports:
        assert item.control_ids == ["AP-8.1", "AP-8.4"] and item.retention_basis == "P5Y"
        assert item.retention_until.year == item.effective_on.year + 5
        text = _text_of(item)
        for needle in REQUIRED_ZH:
            assert needle in text, (item.filename, needle)
        download = client.get(reverse("assessments:download", args=[planned.pk, item.pk]))
        assert download.status_code == 200 and download["X-Content-SHA256"] == item.sha256
    assert AuditEvent.objects.filter(event_type="assessment_report_issued").count() == 1

    # Frozen: every edit view refuses, and nothing changes.
    trade, _hr = systems
    result = Result.objects.get()
    sign_in_fully(client, assessor_user)
    refused = client.post(
        reverse("assessments:record", args=[planned.pk]),
        {"control": "AP-4.1.1", "system": trade.pk, "value": "compliant", "note": "改寫"},
        follow=True,
    )
    assert "凍結" in refused.content.decode()
    sign_in_fully(client, officer)
    for name, data in [
        ("assessments:edit", {"title": "改寫"}),
        (
            "assessments:drill",
            {
                "held_on": "2026-01-01",
                "mails_sent": 1,
                "opened": 0,
                "clicked": 0,
                "reported": 0,
                "follow_up": "x",
            },
        ),
        ("assessments:start", {}),
        ("assessments:complete", {}),
        ("assessments:issue", {"languages": ["en"]}),
    ]:
        response = client.post(reverse(name, args=[planned.pk]), data, follow=True)
        assert response.status_code == 200 and "凍結" in response.content.decode(), name
    result.refresh_from_db()
    planned.refresh_from_db()
    assert result.value == "non_compliant" and planned.title == "2026 年度網路下單系統資安評估"
    assert Drill.objects.get().mails_sent == 420 and planned.reports.count() == 3
    assert Assessment.objects.get().status == "issued"


def test_english_on_request(client, make_user, planned, systems, assessor_user):
    _complete_with_a_finding_and_a_drill(planned, systems, assessor_user)
    sign_in_fully(client, make_user("compliance_officer"))
    client.post(reverse("assessments:issue", args=[planned.pk]), {"languages": ["zh", "en"]})
    planned.refresh_from_db()
    assert planned.reports.count() == 6
    english = planned.reports.get(filename__endswith="-en.docx")
    text = _text_of(english)
    for needle in ["1.Assessorsandtheirqualifications", "6.Social-engineeringdrillresults", "F-2026-001"]:
        assert needle in text


def test_a_finding_without_controls_stops_the_issue_and_names_it(
    client, make_user, planned, systems, assessor_user
):
    from zhengan.web.findings.models import Finding

    _complete_with_a_finding_and_a_drill(planned, systems, assessor_user)
    Finding.objects.update(control_ids=[])
    sign_in_fully(client, make_user("compliance_officer"))
    response = client.post(reverse("assessments:issue", args=[planned.pk]), follow=True)
    planned.refresh_from_db()
    assert planned.status == "completed" and planned.reports.count() == 0
    assert "F-2026-001" in response.content.decode()


def test_external_assessors_see_only_their_assessments(client, make_user, planned, systems, assessor_user):
    from zhengan.web.assessments.models import Assessment, Result
    from zhengan.web.evidence.services import add_evidence

    trade, _hr = systems
    upload = io.BytesIO(b"evidence")
    upload.name = "e.txt"
    item = add_evidence(
        upload, user=assessor_user, title="e", effective_on=date(2026, 2, 1), control_ids=["AP-4.1.1"]
    )
    result = Result.objects.create(assessment=planned, control_id="AP-4.1.1", system=trade, value="compliant")
    result.evidence.add(item)
    other = make_user("external_assessor", username="other.assessor")
    make_assessor(other, name="他人")
    planned.status = "in_progress"
    planned.save()

    sign_in_fully(client, other)
    assert planned.title not in client.get(reverse("assessments:list")).content.decode()
    for name, kwargs in [
        ("assessments:detail", {"pk": planned.pk}),
        ("assessments:record", {"pk": planned.pk}),
        ("assessments:download", {"pk": planned.pk, "item": item.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    assert client.get(reverse("evidence:download", args=[item.pk])).status_code == 403

    sign_in_fully(client, assessor_user)
    assert planned.title in client.get(reverse("assessments:list")).content.decode()
    assert client.get(reverse("assessments:detail", args=[planned.pk])).status_code == 200
    assert client.get(reverse("assessments:download", args=[planned.pk, item.pk])).status_code == 200
    # a file of another assessment is not reachable through this one
    second = Assessment.objects.create(
        title="別的評估",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 2, 1),
        unit_kind="internal",
        unit_name="稽核室",
    )
    assert client.get(reverse("assessments:download", args=[second.pk, item.pk])).status_code == 404

    for role in ("compliance_officer", "board_viewer", "internal_auditor"):
        sign_in_fully(client, make_user(role))
        assert client.get(reverse("assessments:detail", args=[planned.pk])).status_code == 200, role
    board = make_user("board_viewer")
    sign_in_fully(client, board)
    assert client.post(reverse("assessments:start", args=[planned.pk])).status_code == 403


def test_the_dashboard_shows_blocked_and_running_assessments(client, make_user, planned, systems):
    assessor = planned.team.get()
    assessor.qualifications.filter(category="AP-7.2.2").delete()
    sign_in_fully(client, make_user("compliance_officer"))
    page = client.get(reverse("catalogue:dashboard")).content.decode()
    assert 'id="assessments-blocked"' in page and "AP-7.2.2" in page
