"""Findings (AP-8.1, AP-8.2, AP-8.3, SR-9.1): deadlines from the firm's policy, the workflow and who may
do each step, risk acceptance expiry, board follow-up, fingerprints of check findings, lists, dashboard,
reminders and demo data."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import sign_in_fully
from zhengan.checks.identity import password_policy
from zhengan.checks.result import Status
from zhengan.policies import from_yaml
from zhengan.web.audit.models import AuditEvent
from zhengan.web.evidence.models import EvidenceItem
from zhengan.web.findings import reminders, services
from zhengan.web.findings.models import Finding, FindingEvent, FollowUpReport, RiskAcceptance
from zhengan.web.firm.policies import save_policies

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "data"
WEAK_POLICY = DATA / "identity" / "secedit" / "fs02-weak.inf"


def _raise(user, **fields) -> Finding:
    values = {
        "title": "帳號鎖定未設定 lockout not set",
        "description": "FS02 never locks accounts.",
        "category": "technical",
        "topic": "身分鑑別 identity",
        "severity": "high",
        "risk": "brute force",
        "recommendation": "lock after 5 failures",
        "control_ids": ["SR-6.5"],
        "raised_on": date(2026, 3, 1),
        "owner": user,
    }
    values.update(fields)
    return services.create_finding(user=user, **values)


def _form(**fields) -> dict:
    data = {
        "title": "防火牆規則未覆核 Firewall rules not reviewed",
        "description": "No review record for 2026.",
        "category": "management",
        "topic": "網路安全 network",
        "severity": "medium",
        "risk": "stale rules stay open",
        "recommendation": "review the rules twice a year",
        "control_ids": "SR-6.5, AP-8.2",
        "raised_on": "2026-04-01",
    }
    data.update(fields)
    return data


@pytest.fixture
def officer(make_user):
    return make_user("compliance_officer")


@pytest.fixture
def auditor(make_user):
    return make_user("internal_auditor")


# --- deadlines ----------------------------------------------------------------------------------------


def test_the_deadline_follows_the_default_policy_with_its_basis(officer):
    finding = _raise(officer, severity="high", raised_on=date(2026, 3, 1))
    assert finding.deadline == date(2026, 3, 31)
    assert "high: 30" in finding.deadline_basis and "zhengan default" in finding.deadline_basis
    assert "zhengan 預設" in finding.deadline_basis  # said in both languages
    assert "AP-8.2" in finding.deadline_basis and "SR-9.1" in finding.deadline_basis
    critical = _raise(officer, severity="critical", raised_on=date(2026, 3, 1))
    assert critical.deadline == date(2026, 3, 16)
    assert critical.reference == "F-2026-002" and finding.reference == "F-2026-001"


def test_a_changed_policy_changes_new_deadlines_and_says_it_is_the_firms(officer):
    before = _raise(officer, severity="high", raised_on=date(2026, 3, 1))
    save_policies(from_yaml("severity:\n  deadlines_days:\n    high: 7\n"), officer)
    after = _raise(officer, severity="high", raised_on=date(2026, 3, 1))
    assert after.deadline == date(2026, 3, 8)
    assert "firm policy" in after.deadline_basis and "high: 7" in after.deadline_basis
    before.refresh_from_db()
    assert before.deadline == date(2026, 3, 31)  # a deadline already set does not move silently
    edited = services.update_finding(before, user=officer, severity="medium")
    assert edited.deadline == date(2026, 3, 1) + timedelta(days=90)


def test_policies_stored_with_the_earlier_english_only_default_source_still_read_as_the_default(officer):
    save_policies(
        from_yaml("severity:\n  source: zhengan default (SR-9.1, AP-8.2 leave the times to the firm)\n"),
        officer,
    )
    finding = _raise(officer, severity="high", raised_on=date(2026, 3, 1))
    assert "firm policy" not in finding.deadline_basis and "zhengan 預設" in finding.deadline_basis


def test_raising_through_the_page_stores_audits_and_shows_the_deadline(client, officer):
    sign_in_fully(client, officer)
    page = client.get(reverse("findings:create"))
    assert b"critical 15" in page.content
    evidence = SimpleUploadedFile("fw.txt", b"no review record", content_type="text/plain")
    response = client.post(reverse("findings:create"), _form(file=evidence))
    finding = Finding.objects.get()
    assert response.url == reverse("findings:detail", kwargs={"pk": finding.pk})
    assert finding.control_ids == ["SR-6.5", "AP-8.2"] and finding.source == "manual"
    assert finding.deadline == date(2026, 6, 30)  # medium: 90 days
    item = finding.evidence.get()
    assert "AP-8.4" in item.control_ids  # AP-8.4: remediation documents kept five years
    assert item.retention_until >= item.effective_on.replace(year=item.effective_on.year + 5)
    assert AuditEvent.objects.filter(event_type="finding_raised", object_id=str(finding.pk)).exists()
    assert finding.events.get().kind == FindingEvent.Kind.RAISED
    detail = client.get(response.url).content.decode()
    assert "2026-06-30" in detail and "medium: 90" in detail


def test_an_auditors_finding_is_an_audit_finding(client, auditor):
    sign_in_fully(client, auditor)
    client.post(reverse("findings:create"), _form())
    assert Finding.objects.get().source == "audit"


def test_unknown_control_ids_are_refused_by_name(client, officer):
    sign_in_fully(client, officer)
    response = client.post(reverse("findings:create"), _form(control_ids="SR-6.5 XX-99"))
    assert response.status_code == 200
    assert "XX-99" in response.content.decode()
    assert not Finding.objects.exists()


# --- the workflow ---------------------------------------------------------------------------------------


def test_plan_remediate_and_verify_with_history_and_audit(client, make_user, officer, auditor):
    engineer = make_user("it_security")
    finding = _raise(officer)
    sign_in_fully(client, engineer)
    client.post(
        reverse("findings:plan", kwargs={"pk": finding.pk}),
        {"plan": "set lockout", "planned_on": "2026-03-20"},
    )
    finding.refresh_from_db()
    assert finding.status == "planned" and finding.planned_on == date(2026, 3, 20)

    no_evidence = client.post(
        reverse("findings:remediate", kwargs={"pk": finding.pk}),
        {"remediation": "GPO updated", "remediated_on": "2026-03-18"},
    )
    assert "evidence" in no_evidence.content.decode()
    finding.refresh_from_db()
    assert finding.status == "planned"

    upload = SimpleUploadedFile("gpo.txt", b"LockoutBadCount = 5", content_type="text/plain")
    client.post(
        reverse("findings:remediate", kwargs={"pk": finding.pk}),
        {"remediation": "GPO updated", "remediated_on": "2026-03-18", "file": upload},
    )
    finding.refresh_from_db()
    assert finding.status == "remediated"
    item = finding.evidence.get()
    assert "AP-8.4" in item.control_ids and item.retention_until.year >= item.effective_on.year + 5

    # Nobody but the internal auditor verifies (AP-8.2).
    assert (
        client.post(
            reverse("findings:verify", kwargs={"pk": finding.pk}), {"outcome": "verified"}
        ).status_code
        == 403
    )
    with pytest.raises(services.WorkflowRefused):
        services.verify(finding, user=officer, accepted=True, note="")
    client.logout()
    sign_in_fully(client, auditor)
    client.post(
        reverse("findings:verify", kwargs={"pk": finding.pk}), {"outcome": "verified", "note": "sampled"}
    )
    finding.refresh_from_db()
    assert finding.status == "verified" and finding.verified_on == timezone.localdate()
    kinds = list(finding.events.values_list("kind", "user__username"))
    assert kinds == [
        ("raised", officer.username),
        ("planned", engineer.username),
        ("remediated", engineer.username),
        ("verified", auditor.username),
    ]
    audited = set(AuditEvent.objects.filter(object_type="finding").values_list("event_type", flat=True))
    assert {"finding_planned", "finding_remediated", "finding_verified"} <= audited


def test_the_auditor_may_send_back_only_with_a_reason(client, officer, auditor):
    finding = _raise(officer)
    upload = SimpleUploadedFile("x.txt", b"x")
    from zhengan.web.evidence.services import add_evidence

    item = add_evidence(
        upload, user=officer, title="x", effective_on=date(2026, 3, 2), control_ids=["SR-6.5"]
    )
    services.remediate(
        finding, user=officer, what_was_done="done", remediated_on=date(2026, 3, 2), evidence=[item]
    )
    sign_in_fully(client, auditor)
    url = reverse("findings:verify", kwargs={"pk": finding.pk})
    client.post(url, {"outcome": "returned", "note": ""})
    finding.refresh_from_db()
    assert finding.status == "remediated"
    client.post(url, {"outcome": "returned", "note": "lockout still 0 on FS02"})
    finding.refresh_from_db()
    assert finding.status == "open"
    event = finding.events.last()
    assert event.kind == "returned" and event.note == "lockout still 0 on FS02" and event.user == auditor


@pytest.mark.parametrize("role", ["administrator", "it_security", "board_viewer", "external_assessor"])
def test_other_roles_cannot_verify(client, make_user, officer, role):
    finding = _raise(officer)
    sign_in_fully(client, make_user(role))
    response = client.post(reverse("findings:verify", kwargs={"pk": finding.pk}), {"outcome": "verified"})
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


def test_a_step_out_of_order_is_refused_and_nothing_changes(client, officer):
    finding = _raise(officer)
    finding.status = "verified"
    finding.save()
    sign_in_fully(client, officer)
    response = client.post(
        reverse("findings:plan", kwargs={"pk": finding.pk}), {"plan": "again", "planned_on": "2026-05-01"}
    )
    assert response.status_code == 200 and "verified" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "verified" and finding.plan == ""
    upload = SimpleUploadedFile("late.txt", b"too late", content_type="text/plain")
    refused = client.post(
        reverse("findings:remediate", kwargs={"pk": finding.pk}),
        {"remediation": "again", "remediated_on": "2026-05-01", "file": upload},
    )
    assert refused.status_code == 200
    assert not EvidenceItem.objects.exists()  # the refused step keeps no evidence row


# --- risk acceptance ----------------------------------------------------------------------------------


def test_risk_acceptance_needs_approver_reason_and_future_expiry(client, officer):
    finding = _raise(officer)
    sign_in_fully(client, officer)
    url = reverse("findings:accept_risk", kwargs={"pk": finding.pk})
    past = client.post(
        url,
        {
            "approver_name": "王董事長",
            "approver_role": "board",
            "reason": "legacy",
            "expires_on": "2020-01-01",
        },
    )
    assert past.status_code == 200
    assert not RiskAcceptance.objects.exists()
    expires = timezone.localdate() + timedelta(days=60)
    client.post(
        url,
        {
            "approver_name": "王董事長",
            "approver_role": "board",
            "reason": "系統年底汰換",
            "expires_on": expires.isoformat(),
        },
    )
    finding.refresh_from_db()
    assert finding.status == "risk_accepted"
    acceptance = RiskAcceptance.objects.get()
    assert (acceptance.approver_name, acceptance.approver_role, acceptance.expires_on) == (
        "王董事長",
        "board",
        expires,
    )
    assert AuditEvent.objects.filter(event_type="finding_risk_accepted").exists()
    assert finding not in services.overdue(date(2099, 1, 1))


def test_an_expired_acceptance_reopens_the_finding(client, officer):
    finding = _raise(officer)
    expires = timezone.localdate() + timedelta(days=10)
    services.accept_risk(
        finding,
        user=officer,
        approver_name="陳經理",
        approver_role="authorised_manager",
        reason="r",
        expires_on=expires,
    )
    assert services.reopen_expired(expires) == []  # still valid on its expiry day
    reopened = services.reopen_expired(expires + timedelta(days=1))
    assert [f.pk for f in reopened] == [finding.pk]
    finding.refresh_from_db()
    assert finding.status == "open"
    assert finding.events.last().kind == "acceptance_expired" and finding.events.last().user is None
    assert RiskAcceptance.objects.get().ended_at is not None
    assert AuditEvent.objects.filter(
        event_type="finding_acceptance_expired", object_id=str(finding.pk)
    ).exists()
    assert services.reopen_expired(expires + timedelta(days=2)) == []  # once only


def test_a_past_expiry_shows_as_reopened_when_read(client, officer):
    finding = _raise(officer)
    services.accept_risk(
        finding,
        user=officer,
        approver_name="陳經理",
        approver_role="authorised_manager",
        reason="r",
        expires_on=timezone.localdate() + timedelta(days=1),
    )
    RiskAcceptance.objects.update(expires_on=date(2026, 1, 1))  # as if the expiry had passed
    sign_in_fully(client, officer)
    page = client.get(reverse("findings:detail", kwargs={"pk": finding.pk})).content.decode()
    assert 'data-status="open"' in page
    finding.refresh_from_db()
    assert finding.status == "open"


# --- AP-8.3 follow-up -----------------------------------------------------------------------------------


def test_a_follow_up_report_keeps_the_status_at_the_time(client, officer, auditor):
    first = _raise(officer, raised_on=date(2026, 1, 2))  # high: due 2026-02-01
    second = _raise(officer, title="second", raised_on=timezone.localdate())
    sign_in_fully(client, auditor)
    minutes = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 board minutes", content_type="application/pdf")
    response = client.post(
        reverse("findings:followup_create"),
        {
            "reported_on": "2026-03-01",
            "recipient": "board",
            "recipient_name": "第5屆第3次董事會",
            "findings": [first.pk, second.pk],
            "note": "two open",
            "file": minutes,
        },
    )
    report = FollowUpReport.objects.get()
    assert response.url == reverse("findings:followup_detail", kwargs={"pk": report.pk})
    assert report.minutes is not None and "AP-8.3" in report.minutes.control_ids
    lines = {line.finding_id: line for line in report.lines.all()}
    assert lines[first.pk].status == "open" and lines[first.pk].overdue
    assert not lines[second.pk].overdue
    services.plan(first, user=officer, plan_text="p", planned_on=date(2026, 4, 1))
    lines[first.pk].refresh_from_db()
    assert lines[first.pk].status == "open"  # as reported, not as now
    page = client.get(response.url).content.decode()
    assert "第5屆第3次董事會" in page and first.reference in page
    assert AuditEvent.objects.filter(event_type="finding_followup_reported").exists()


def test_a_follow_up_report_needs_findings(client, auditor):
    sign_in_fully(client, auditor)
    response = client.post(
        reverse("findings:followup_create"), {"reported_on": "2026-03-01", "recipient": "board"}
    )
    assert response.status_code == 200 and not FollowUpReport.objects.exists()


# --- findings from check results ------------------------------------------------------------------------


def _weak_lockout():
    result = password_policy.run([WEAK_POLICY], ["securities"])
    observation = next(o for o in result.observations if o.rule == "password.sr.lockout_threshold")
    assert observation.status is Status.FAIL
    return result, observation


def test_the_same_check_issue_found_twice_is_one_finding(officer):
    result, observation = _weak_lockout()
    finding, created = services.finding_from_observation(result, observation, user=officer, owner=officer)
    assert created
    assert finding.source == "check" and finding.category == "technical"
    assert finding.control_ids == ["SR-6.5", "AP-4.6.1"] and finding.severity == "high"
    assert "fs02-weak" in finding.title

    again_result, again = _weak_lockout()  # a new run of the check on the same file
    same, created = services.finding_from_observation(again_result, again, user=officer)
    assert not created and same.pk == finding.pk and same.seen_count == 2
    assert same.events.last().kind == "seen_again"
    assert Finding.objects.count() == 1

    other = next(o for o in result.observations if o.rule == "password.sr.min_length")
    different, created = services.finding_from_observation(result, other, user=officer)
    assert created and different.pk != finding.pk


def test_a_passing_observation_is_not_a_finding(officer):
    result = password_policy.run([WEAK_POLICY.with_name("dc01-compliant.inf")], ["securities"])
    passing = next(o for o in result.observations if o.status is Status.PASS)
    with pytest.raises(services.WorkflowRefused):
        services.finding_from_observation(result, passing, user=officer)
    assert not Finding.objects.exists()


def test_a_verified_check_finding_found_again_reopens(officer):
    result, observation = _weak_lockout()
    finding, _ = services.finding_from_observation(result, observation, user=officer)
    Finding.objects.filter(pk=finding.pk).update(status="verified")
    again, created = services.finding_from_observation(result, observation, user=officer)
    assert not created and again.status == "open"


# --- lists, dashboard, reminders, demo --------------------------------------------------------------------


def test_lists_and_filters(client, officer):
    today = timezone.localdate()
    late = _raise(officer, title="late one", severity="high", raised_on=today - timedelta(days=40))
    fresh = _raise(officer, title="fresh one", severity="low", category="management", raised_on=today)
    done = _raise(officer, title="done one", severity="high", raised_on=today - timedelta(days=40))
    Finding.objects.filter(pk=done.pk).update(status="verified")
    sign_in_fully(client, officer)

    def titles(url, **params):
        response = client.get(reverse(url), params)
        return {f.title for f in response.context["findings"]}

    assert titles("findings:list") == {"late one", "fresh one", "done one"}
    assert titles("findings:list", severity="high") == {"late one", "done one"}
    assert titles("findings:list", category="management") == {"fresh one"}
    assert titles("findings:list", status="verified") == {"done one"}
    assert titles("findings:list", overdue="1") == {"late one"}
    assert titles("findings:overdue") == {"late one"}
    assert titles("findings:list", q=fresh.reference) == {"fresh one"}
    assert titles("findings:list", severity="bogus") == {"late one", "fresh one", "done one"}
    listing = client.get(reverse("findings:list")).content.decode()
    assert "overdue-mark" in listing and late.reference in listing


def test_the_dashboard_shows_overdue_findings_and_expiring_acceptances(client, make_user, officer):
    today = timezone.localdate()
    late = _raise(officer, title="late one", raised_on=today - timedelta(days=40))
    accepted = _raise(officer, title="accepted one", raised_on=today)
    services.accept_risk(
        accepted,
        user=officer,
        approver_name="董事會",
        approver_role="board",
        reason="r",
        expires_on=today + timedelta(days=20),
    )
    sign_in_fully(client, officer)
    page = client.get(reverse("catalogue:dashboard")).content.decode()
    assert 'id="findings-panel"' in page and late.reference in page and "late one" in page
    assert 'id="expiring-acceptances"' in page and accepted.reference in page
    client.logout()
    sign_in_fully(client, make_user("external_assessor"))
    assert 'id="findings-panel"' not in client.get(reverse("catalogue:dashboard")).content.decode()


def test_the_reminder_provider_mails_overdue_findings_once_a_week(make_user, officer):
    engineer = make_user("it_security", email="eng@example.com.tw")
    late = _raise(officer, owner=engineer, raised_on=date(2026, 3, 1))  # due 2026-03-31
    ownerless = _raise(officer, owner=None, raised_on=date(2026, 3, 1))
    remediated = _raise(officer, raised_on=date(2026, 3, 1))
    Finding.objects.filter(pk=remediated.pk).update(status="remediated")

    assert reminders.provider(date(2026, 3, 31)) == []  # due today: not yet overdue
    monday = reminders.provider(date(2026, 4, 6))
    by_finding = {m["key"].split(":")[1]: m for m in monday}
    assert set(by_finding) == {str(late.pk), str(ownerless.pk)}
    message = by_finding[str(late.pk)]
    assert message["recipients"] == ["eng@example.com.tw"]
    assert officer.email in by_finding[str(ownerless.pk)]["recipients"]
    assert "缺失逾期" in message["subject"] and "overdue" in message["subject"]
    assert "逾期 6 天" in message["body"] and "6 days overdue" in message["body"]
    sunday = {m["key"] for m in reminders.provider(date(2026, 4, 12))}
    next_monday = {m["key"] for m in reminders.provider(date(2026, 4, 13))}
    assert sunday == {m["key"] for m in monday}  # same week, same keys: a daily run does not repeat
    assert next_monday.isdisjoint(sunday)


def test_demo_findings_are_idempotent_with_one_overdue(make_user):
    from zhengan.web.findings import demo

    users = {role: make_user(role) for role in ("compliance_officer", "it_security", "internal_auditor")}
    demo.seed(users)
    demo.seed(users)
    assert Finding.objects.count() == 3
    assert set(Finding.objects.values_list("status", flat=True)) == {"verified", "planned", "open"}
    assert services.overdue().count() == 1
