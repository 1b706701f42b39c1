"""The firm's policies: defaults, YAML editing with line and field errors, the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import sign_in_fully
from zhengan.policies import DEFAULT_POLICIES, firm_choices, from_yaml, to_yaml
from zhengan.schedule import SamplingReading
from zhengan.web.audit.models import AuditEvent
from zhengan.web.firm.policies import current_policies
from zhengan.yamlutil import InputFileError

pytestmark = pytest.mark.django_db


def test_round_trip_and_firm_choices():
    assert from_yaml(to_yaml(DEFAULT_POLICIES)) == DEFAULT_POLICIES
    assert firm_choices(DEFAULT_POLICIES) == []
    strict = from_yaml(to_yaml(DEFAULT_POLICIES).replace("reading: either", "reading: both"))
    assert strict.sampling.reading == SamplingReading.BOTH
    assert firm_choices(strict) == ["sampling.reading"]
    assert strict.sampling.size(2500).size == 250
    assert DEFAULT_POLICIES.sampling.size(2500).size == 100


def test_errors_name_line_and_field():
    with pytest.raises(InputFileError) as caught:
        from_yaml("sampling:\n  reading: either\n  percent: 5\n")
    ((line, field, message),) = caught.value.problems
    assert (line, field) == (3, "sampling.percent")
    assert "數值過小" in message


def test_officer_edits_and_the_change_is_audited(client, make_user):
    officer = make_user("compliance_officer")
    sign_in_fully(client, officer)
    text = to_yaml(DEFAULT_POLICIES).replace("floor: 100", "floor: 120")
    bad = client.post(reverse("firm:policies_edit"), {"policies": text.replace("floor: 120", "floor: 99")})
    assert bad.status_code == 200 and "sampling.floor" in bad.content.decode()
    assert current_policies() == DEFAULT_POLICIES
    response = client.post(reverse("firm:policies_edit"), {"policies": text})
    assert response.url == reverse("firm:policies")
    assert current_policies().sampling.floor == 120
    event = AuditEvent.objects.get(event_type="firm_policies_updated")
    assert event.before["sampling"]["floor"] == 100 and event.after["sampling"]["floor"] == 120
    assert "sampling.floor" in client.get(reverse("firm:policies")).content.decode()
