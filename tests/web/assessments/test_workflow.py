"""Assessments from plan to completion: scope items, the AP-7 team check, results, the drill, completion."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.web.assessments.conftest import ALL_CATEGORIES, make_assessor, record_section_4
from tests.web.conftest import sign_in_fully

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_scope_has_every_section_4_item_and_the_controls_binding_the_systems(systems, firm_profile):
    from zhengan.web.assessments import services

    trade, hr = systems
    ids = services.scope_control_ids([trade])
    assert "AP-4.1.1" in ids and "AP-4.7.1.6" in ids
    assert "AP-4.4" not in ids  # a lead-in, covered by AP-4.4.1 ...
    core_only = services.scope_control_ids([hr])
    assert set(services.section_4_items()) <= set(core_only)  # AP-4: every class on every item
    assert len(ids) > len(core_only)  # the core, e-trading, internet-facing controls bind only e-Trade
    extra = [cid for cid in ids if not cid.startswith("AP-4.")]
    assert extra and all(services.targets(cid, [trade, hr]) == [trade] for cid in extra)


def test_plan_through_the_page(client, make_user, systems, firm_profile):
    from zhengan.web.assessments.models import Assessment
    from zhengan.web.audit.models import AuditEvent

    officer = make_user("compliance_officer")
    sign_in_fully(client, officer)
    assessor = make_assessor()
    trade, _hr = systems
    response = client.post(
        reverse("assessments:plan"),
        {
            "title": "2026 評估",
            "systems": [trade.pk],
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "unit_kind": "external",
            "unit_name": "安信",
            "unit_independence": "無利害關係",
            "team": [assessor.pk],
        },
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == reverse("assessments:detail", args=[assessment.pk])
    assert "AP-4.1.1" in assessment.control_ids and assessment.created_by == officer
    assert AuditEvent.objects.filter(event_type="assessment_planned", object_id=str(assessment.pk)).exists()
    bad = client.post(
        reverse("assessments:plan"),
        {
            "title": "x",
            "systems": [trade.pk],
            "period_start": "2026-12-31",
            "period_end": "2026-01-01",
            "unit_kind": "internal",
            "unit_name": "稽核室",
        },
    )
    assert bad.status_code == 200 and "period_end" in bad.context["form"].errors
    assert Assessment.objects.count() == 1


def test_a_class_1_team_missing_a_category_cannot_start_and_is_told_which(client, make_user, planned):
    officer = make_user("compliance_officer")
    sign_in_fully(client, officer)
    assessor = planned.team.get()
    assessor.qualifications.filter(category="AP-7.2.3").delete()
    response = client.post(reverse("assessments:start", args=[planned.pk]), follow=True)
    planned.refresh_from_db()
    assert planned.status == "planned"
    text = _messages(response)
    assert "AP-7.2.3" in text and "模擬駭客攻擊能力" in text and "attack simulation" in text
    assert "AP-7.2.1" not in text
    assessor.qualifications.create(category="AP-7.2.3", name="CIH", certificate_number="CIH-1")
    client.post(reverse("assessments:start", args=[planned.pk]))
    planned.refresh_from_db()
    assert planned.status == "in_progress" and planned.started_on is not None


def test_a_class_3_team_needs_one_category_and_every_declaration(client, make_user, systems, firm_profile):
    from zhengan.web.assessments.models import Assessment

    _trade, hr = systems
    assessment = Assessment.objects.create(
        title="人事系統評估",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        unit_kind="internal",
        unit_name="稽核室",
    )
    assessment.systems.add(hr)
    assessor = make_assessor(categories=[], declared=False, kind="internal", name="黃稽核")
    assessment.team.add(assessor)
    sign_in_fully(client, make_user("compliance_officer"))
    text = _messages(client.post(reverse("assessments:start", args=[assessment.pk]), follow=True))
    assert "AP-7.1" in text and "AP-7.3" in text and "AP-7.4" in text
    assert "第二類、第三類資通系統之評估團隊須具備 AP-7.2 所列資格之一" in text
    assessor.qualifications.create(category="AP-7.2.4", name="金融業稽核經驗")
    assessor.independence_declared_on = assessor.confidentiality_pledge_on = date(2026, 1, 2)
    assessor.independence_statement = "獨立於開發及維護單位"
    assessor.save()
    text = _messages(client.post(reverse("assessments:start", args=[assessment.pk]), follow=True))
    assert "AP-7.4" in text and "AP-7.3" not in text
    assessor.no_concealment_on = date(2026, 1, 2)
    assessor.save()
    client.post(reverse("assessments:start", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"


def _start(assessment):
    assessment.status = "in_progress"
    assessment.started_on = date(2026, 2, 1)
    assessment.save()


def test_results_are_recorded_by_the_team_and_not_applicable_needs_a_reason(
    client, make_user, planned, assessor_user, systems
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengan.web.assessments.models import Result

    trade, hr = systems
    _start(planned)
    url = reverse("assessments:record", args=[planned.pk])
    sign_in_fully(client, assessor_user)
    pair = {"control": "AP-4.1.1", "system": trade.pk}
    response = client.post(url, {**pair, "value": "not_applicable", "note": "  "})
    assert response.status_code == 200 and not Result.objects.exists()
    assert (
        "Not applicable needs a reason" in response.content.decode()
        or "不適用須說明理由" in response.content.decode()
    )
    client.post(url, {**pair, "value": "not_applicable", "note": "本系統無無線網路"})
    result = Result.objects.get()
    assert result.value == "not_applicable" and result.recorded_by == assessor_user
    upload = SimpleUploadedFile("fw-rules.txt", b"rule 17 permit any any 3389", content_type="text/plain")
    client.post(
        url,
        {
            **pair,
            "value": "non_compliant",
            "note": "外部防火牆允許 any 來源連線 3389/tcp",
            "evidence_title": "防火牆規則匯出",
            "evidence_file": upload,
        },
    )
    result.refresh_from_db()
    assert result.value == "non_compliant" and Result.objects.count() == 1
    evidence = result.evidence.get()
    assert evidence.control_ids == ["AP-4.1.1"]
    download = client.get(reverse("assessments:download", args=[planned.pk, evidence.pk]))
    assert (
        download.status_code == 200
        and b"".join(download.streaming_content if download.streaming else [download.content])
        == b"rule 17 permit any any 3389"
    )
    # a pair outside the scope, and a colleague not on the team
    assert client.post(url, {"control": "AP-4.1.1", "system": hr.pk, "value": "compliant"}).status_code == 404
    insider = make_user("it_security")
    sign_in_fully(client, insider)
    assert client.post(url, {**pair, "value": "compliant"}).status_code == 403
    result.refresh_from_db()
    assert result.value == "non_compliant"


def test_the_drill_is_checked_and_recorded(client, make_user, planned):
    from zhengan.web.assessments.models import Drill

    sign_in_fully(client, make_user("it_security"))
    url = reverse("assessments:drill", args=[planned.pk])
    data = {
        "held_on": "2026-09-15",
        "mails_sent": 420,
        "opened": 500,
        "clicked": 12,
        "reported": 30,
        "follow_up": "點擊者加強教育訓練",
    }
    assert client.post(url, data).status_code == 200 and not Drill.objects.exists()
    data["opened"] = 61
    assert client.post(url, data).status_code == 302
    assert Drill.objects.get(assessment=planned).opened == 61


def test_completing_moves_the_last_assessed_date_and_is_audited(
    client, make_user, planned, systems, assessor_user
):
    from django.utils import timezone

    from zhengan.web.audit.models import AuditEvent
    from zhengan.web.register.services import assessment_due

    trade, _hr = systems
    due_before = assessment_due(trade).due
    sign_in_fully(client, make_user("compliance_officer"))
    assert client.post(reverse("assessments:complete", args=[planned.pk])).status_code == 302
    planned.refresh_from_db()
    assert planned.status == "planned"  # only an assessment in progress can be completed
    _start(planned)
    record_section_4(planned, assessor_user)
    client.post(reverse("assessments:complete", args=[planned.pk]))
    planned.refresh_from_db()
    trade.refresh_from_db()
    assert planned.status == "completed" and trade.last_assessed_on == timezone.localdate()
    assert assessment_due(trade).due > due_before
    event = AuditEvent.objects.get(event_type="system_assessed", object_id=str(trade.pk))
    assert event.before["last_assessed_on"] == "2025-03-31"


def test_the_categories_are_the_reports(planned):
    from zhengan.reports.assessment_data import QUALIFICATION_CATEGORIES
    from zhengan.web.assessments.models import Qualification

    assert set(Qualification.Category.values) == set(QUALIFICATION_CATEGORIES)
    assert {c for c, _n, _x in ALL_CATEGORIES} == set(QUALIFICATION_CATEGORIES)


def test_the_demo_is_idempotent_and_its_assessment_waits_for_an_attack_simulation_qualification(
    make_user, firm_profile
):
    from zhengan.web.assessments import demo, services
    from zhengan.web.assessments.models import Assessment, Assessor

    users = {"external_assessor": make_user("external_assessor"), "compliance_officer": make_user()}
    demo.seed(users)
    demo.seed(users)
    assessment = Assessment.objects.get(title=demo.DEMO_TITLE)
    assert Assessor.objects.count() == 1 and assessment.team.get().user == users["external_assessor"]
    assert assessment.systems.count() >= 1 and "AP-4.1.1" in assessment.control_ids
    check = services.team_check(assessment)
    assert not check.may_start and any("AP-7.2.3" in p.zh for p in check.problems)


def test_completion_waits_for_every_section_4_item_on_every_system(client, make_user, planned, assessor_user):
    # AP-4: 「第一類、第二類及第三類資通系統應依前項評估項目全部納入」. One pair left without a result (and
    # one recorded as "not assessed") keeps the assessment open; the page says how many are missing.
    from zhengan.web.assessments.models import Result
    from zhengan.web.firm.policies import current_policies

    trade = planned.systems.get()
    _start(planned)
    record_section_4(planned, assessor_user, skip={("AP-4.7.4", trade.pk), ("AP-4.1.1", trade.pk)})
    Result.objects.create(assessment=planned, control_id="AP-4.1.1", system=trade, value="not_assessed")
    officer = make_user("compliance_officer")
    sign_in_fully(client, officer)
    page = client.get(reverse("assessments:detail", args=[planned.pk])).content.decode()
    assert 'id="section-4-missing"' in page and "尚有 2 組" in page
    refused = client.post(reverse("assessments:complete", args=[planned.pk]), follow=True)
    planned.refresh_from_db()
    assert planned.status == "in_progress"
    text = refused.content.decode()
    assert "AP-4.1.1 @ " in text and "AP-4.7.4 @ " in text and "2 item-system pairs" in text

    Result.objects.filter(assessment=planned, control_id="AP-4.1.1").update(
        value="not_applicable", note="本系統無對外邊界設備"
    )
    Result.objects.create(assessment=planned, control_id="AP-4.7.4", system=trade, value="compliant")
    client.post(reverse("assessments:complete", args=[planned.pk]))
    planned.refresh_from_db()
    assert planned.status == "completed"
    assert current_policies().assessment.completion_requires_section_4  # the default


def test_a_firm_may_complete_with_items_not_assessed(client, make_user, planned):
    from zhengan.policies import FirmPolicies
    from zhengan.web.firm.policies import save_policies

    policies = FirmPolicies()
    policies.assessment.completion_requires_section_4 = False
    save_policies(policies, None)
    _start(planned)
    sign_in_fully(client, make_user("compliance_officer"))
    client.post(reverse("assessments:complete", args=[planned.pk]))
    planned.refresh_from_db()
    assert planned.status == "completed"
