"""The register read through the rules: a system's class, its next assessment and its sample size."""

from __future__ import annotations

from datetime import date

from zhengan.schedule import Due, Incident, next_assessment_due
from zhengan.web.firm.policies import current_policies
from zhengan.web.firm.services import current_profile
from zhengan.web.register.models import InformationSystem


def security_tier() -> int:
    profile = current_profile()
    return profile.security_tier if profile else 1


def assessment_due(system: InformationSystem) -> Due:
    """The next assessment due date and why (AP-3.1 by class, AP-3.3 after a confirmed incident).

    Counted from `system.last_assessed_on` (entered for assessments before zhengan, and set by the
    assessments app when an assessment covering the system is completed), else from registration.
    """
    incidents = [Incident(i.kind, i.confirmed_on) for i in system.incidents.all()]
    return next_assessment_due(
        system.system_class,
        security_tier(),
        current_policies().assessment,
        system.last_assessed_on,
        system.registered_on,
        incidents,
    )


def active_systems(today: date | None = None):
    """Systems not decommissioned (a decommissioned system is kept, with its history, but owes nothing)."""
    from django.db.models import Q
    from django.utils import timezone

    today = today or timezone.localdate()
    return InformationSystem.objects.filter(
        Q(decommissioned_on__isnull=True) | Q(decommissioned_on__gt=today)
    )
