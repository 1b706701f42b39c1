"""The firm's policies (periods, assessment cycles, sampling, reminders, remediation deadlines), stored."""

from __future__ import annotations

import json

from django.db import transaction

from zhengan.policies import DEFAULT_POLICIES, FirmPolicies
from zhengan.web.firm.models import FirmPolicyRecord


def current_policies() -> FirmPolicies:
    """The firm's stored policies, or zhengan's documented defaults when none are stored."""
    record = FirmPolicyRecord.objects.filter(id=1).first()
    return FirmPolicies.model_validate(record.data) if record else DEFAULT_POLICIES


def save_policies(policies: FirmPolicies, user) -> tuple[dict, dict]:
    """Store; return (before, after) as plain JSON for the audit trail."""
    after = json.loads(policies.model_dump_json())
    with transaction.atomic():
        record = FirmPolicyRecord.objects.select_for_update().filter(id=1).first()
        before = record.data if record else json.loads(DEFAULT_POLICIES.model_dump_json())
        FirmPolicyRecord.objects.update_or_create(id=1, defaults={"data": after, "updated_by": user})
    return before, after
