"""The obligations calendar through the Django test client: derived obligations, completing with
evidence, owners, events (and register incidents, AP-3.3), the views, the dashboard panel."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import sign_in_fully
from zhengan.schedule import add_months
from zhengan.web.audit.models import AuditEvent
from zhengan.web.obligations import services
from zhengan.web.obligations.models import Completion, OwnerAssignment

pytestmark = pytest.mark.django_db


def _get(key: str):
    return next(o for o in services.current_obligations() if o.key == key)


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_obligations_come_from_the_statement_the_register_and_the_policy(
    firm_profile, calendar_from, core_system
):
    start = calendar_from(date(2026, 1, 31))
    obligations = services.current_obligations()
    review = _get("SR-3.3")  # 至少每半年一次: the text's period
    assert review.next_due == date(2026, 7, 31) and not review.firm_choice
    firm = [o for o in obligations if o.firm_choice]
    assert firm, "定期 without a period is the firm's choice (default 12 months)"
    assert all(o.interval_months == 12 for o in firm if o.period.value == "firm_defined")
    # A control scoped to core systems becomes one obligation per core system of the register.
    assert any(o.system == "集中交易主機" and o.key.endswith("@集中交易主機") for o in obligations)
    assert min(o.next_due for o in obligations if o.next_due) > start


def test_completing_with_evidence_moves_the_next_due_date(client, make_user, firm_profile, calendar_from):
    today = timezone.localdate()
    calendar_from(add_months(today, -7))
    officer = make_user("it_security")
    sign_in_fully(client, officer)
    review = _get("SR-3.3")
    assert review.is_overdue(today)
    ref = services.ref_of("SR-3.3")
    assert "SR-3.3" in client.get(reverse("obligations:overdue")).content.decode()

    response = client.post(
        reverse("obligations:complete", kwargs={"ref": ref}),
        {
            "done_on": today.isoformat(),
            "note": "審查完成 reviewed",
            "files": [_upload("review.csv", b"a,b\n1,2\n"), _upload("sign-off.txt", b"approved")],
        },
    )
    assert response.status_code == 302
    after = _get("SR-3.3")
    assert after.next_due == add_months(today, 6) and len(after.completions) == 1
    completion = Completion.objects.get()
    items = list(completion.evidence.all())
    assert sorted(i.filename for i in items) == ["review.csv", "sign-off.txt"]
    assert all(i.control_ids == ["SR-3.3"] for i in items)
    event = AuditEvent.objects.get(event_type="obligation_completed")
    assert event.after["next_due"] == add_months(today, 6).isoformat()
    page = client.get(reverse("obligations:detail", kwargs={"ref": ref})).content.decode()
    assert "review.csv" in page and add_months(today, 6).isoformat() in page

    # Earlier than the last completion: refused, nothing stored.
    response = client.post(
        reverse("obligations:complete", kwargs={"ref": ref}),
        {
            "done_on": (today - timedelta(days=3)).isoformat(),
            "note": "x",
            "files": [_upload("late.txt", b"x")],
        },
    )
    assert response.status_code == 200 and "早於前次完成日" in response.content.decode()
    assert Completion.objects.count() == 1


def test_a_completion_needs_a_file_and_a_past_date(client, make_user, firm_profile, calendar_from):
    calendar_from(date(2026, 1, 1))
    sign_in_fully(client, make_user("compliance_officer"))
    url = reverse("obligations:complete", kwargs={"ref": services.ref_of("SR-3.3")})
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        url, {"done_on": tomorrow.isoformat(), "note": "x", "files": [_upload("a.txt", b"a")]}
    )
    assert response.status_code == 200 and Completion.objects.count() == 0
    response = client.post(url, {"done_on": timezone.localdate().isoformat(), "note": "x"})
    assert response.status_code == 200 and Completion.objects.count() == 0


def test_owners_by_obligation_or_control_and_mine(
    client, make_user, firm_profile, calendar_from, core_system
):
    calendar_from(date(2026, 1, 1))
    officer = make_user("compliance_officer")
    engineer = make_user("it_security", full_name="王資安")
    sign_in_fully(client, officer)
    url = reverse("obligations:assign", kwargs={"ref": services.ref_of("SR-3.3")})
    client.post(url, {"owner": f"user:{engineer.username}", "apply_to": "obligation"})
    assert _get("SR-3.3").owner.name == engineer.username
    scoped = next(
        o for o in services.current_obligations() if o.system == "集中交易主機" and not services.routine(o)
    )
    client.post(
        reverse("obligations:assign", kwargs={"ref": services.ref_of(scoped.key)}),
        {"owner": "role:it_security", "apply_to": "control"},
    )
    assert OwnerAssignment.objects.get(key=scoped.control_id).role == "it_security"
    assert AuditEvent.objects.filter(event_type="obligation_owner_assigned").count() == 2

    sign_in_fully(client, engineer)
    mine = client.get(reverse("obligations:owners") + "?mine=1").content.decode()
    assert "SR-3.3" in mine and scoped.control_id in mine
    everyone = client.get(reverse("obligations:owners")).content.decode()
    assert "王資安" in everyone
    # Only the compliance officer assigns.
    assert client.post(url, {"owner": "", "apply_to": "obligation"}).status_code == 403


def test_recording_an_event_makes_its_obligations_appear(client, make_user, firm_profile, calendar_from):
    calendar_from(date(2026, 1, 1))
    sign_in_fully(client, make_user("compliance_officer"))
    before = {o.key for o in services.current_obligations()}
    response = client.post(
        reverse("obligations:record_event"),
        {"trigger": "before_release", "occurred_on": "2026-03-02", "reference": "app v3.2", "system": ""},
        follow=True,
    )
    assert "ET-6.3.1.1" in response.content.decode()
    new = [o for o in services.current_obligations() if o.key not in before]
    assert "ET-6.3.1.1#before_release:2026-03-02:app v3.2" in {o.key for o in new}
    assert all(o.next_due == date(2026, 3, 2) and o.event.reference == "app v3.2" for o in new)
    assert AuditEvent.objects.filter(event_type="obligation_event_recorded").count() == 1
    # The event's obligation is done once completed.
    client.post(
        reverse("obligations:complete", kwargs={"ref": services.ref_of(new[0].key)}),
        {"done_on": "2026-03-02", "note": "上架前檢測完成", "files": [_upload("test.txt", b"passed")]},
    )
    assert _get(new[0].key).done


def test_a_register_incident_brings_the_ap_3_3_reassessment(firm_profile, calendar_from, core_system):
    from zhengan.web.register.models import Incident

    calendar_from(date(2026, 1, 1))
    Incident.objects.create(
        system=core_system, kind="hacking", confirmed_on=date(2026, 11, 30), reference="INC-7"
    )
    due = [o for o in services.current_obligations() if o.control_id == "AP-3.3"]
    assert [(o.system, o.next_due) for o in due] == [("集中交易主機", date(2027, 2, 28))]


def test_the_views(client, make_user, firm_profile, calendar_from):
    today = timezone.localdate()
    calendar_from(add_months(today, -7))
    sign_in_fully(client, make_user("board_viewer"))
    overdue = client.get(reverse("obligations:overdue")).content.decode()
    assert 'id="overdue"' in overdue and "SR-3.3" in overdue and 'id="daily"' in overdue
    soon = client.get(reverse("obligations:upcoming") + "?days=90")
    assert soon.context["days"] == 90
    assert all(today <= r.obligation.next_due <= today + timedelta(days=90) for r in soon.context["rows"])
    month = client.get(reverse("obligations:month") + "?month=2026-02")
    assert month.context["previous"] == "2026-01" and month.context["following"] == "2026-03"
    december = client.get(reverse("obligations:month") + "?month=2026-12").context
    assert december["following"] == "2027-01"
    due_month = add_months(today, -1)
    shown = client.get(reverse("obligations:month") + f"?month={due_month:%Y-%m}").content.decode()
    assert f'data-day="{add_months(today, -1).isoformat()}"' in shown and "SR-3.3" in shown
    dashboard = client.get(reverse("catalogue:dashboard")).content.decode()
    assert 'id="obligations-panel"' in dashboard and "SR-3.3" in dashboard
    # The board reads the calendar but does not complete.
    ref = services.ref_of("SR-3.3")
    assert (
        'id="complete-form"'
        not in client.get(reverse("obligations:detail", kwargs={"ref": ref})).content.decode()
    )


def test_the_calendar_says_which_periods_are_the_firms_choice(client, make_user, firm_profile, calendar_from):
    calendar_from(date(2026, 1, 1))
    sign_in_fully(client, make_user("compliance_officer"))
    chosen = next(o for o in services.current_obligations() if o.firm_choice)
    page = client.get(
        reverse("obligations:detail", kwargs={"ref": services.ref_of(chosen.key)})
    ).content.decode()
    assert 'id="firm-choice"' in page
    month = client.get(reverse("obligations:month") + f"?month={chosen.next_due:%Y-%m}").content.decode()
    assert "★" in month


def test_demo_seed_is_idempotent_and_shows_one_overdue_item(firm_profile, make_user):
    from zhengan.web.obligations import demo

    users = {role: make_user(role) for role in ("it_security", "compliance_officer")}
    demo.seed(users)
    demo.seed(users)
    assert Completion.objects.count() == 1
    today = timezone.localdate()
    late = [o for o in services.calendar_obligations(services.current_obligations()) if o.is_overdue(today)]
    assert [o.key for o in late] == ["SR-3.3"]
    assert late[0].owner.name == users["it_security"].username
