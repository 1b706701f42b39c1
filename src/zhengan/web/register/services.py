"""The register read through the rules: a system's class, its next assessment and its sample size.

Also the register's writes that views call: class overrides (AP-3.1), AP-3.2 samples from device lists,
imports of register files (in one transaction, audited), and the assessment plan (AP-2.2). No HTTP here
beyond the request handed to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from zhengan import device_list, register_io
from zhengan.catalog.loader import load_catalog
from zhengan.catalog.schema import Control
from zhengan.register_io import RegisterRow
from zhengan.schedule import Due, Incident, SampleSize, next_assessment_due
from zhengan.web.firm.policies import current_policies
from zhengan.web.firm.services import current_profile, current_statement
from zhengan.web.register.models import AssessmentPlan, DeviceSample, InformationSystem

SOON_DAYS = 90  # "due soon" on the list and the dashboard


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


# The list -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemRow:
    system: InformationSystem
    due: Due | None  # None for a decommissioned system: it owes nothing
    overdue: bool
    soon: bool
    sample: SampleSize


def register_rows(*, include_decommissioned: bool = False, today: date | None = None) -> list[SystemRow]:
    today = today or timezone.localdate()
    systems = InformationSystem.objects.all() if include_decommissioned else active_systems(today)
    rows = []
    for system in systems.prefetch_related("incidents", "device_groups"):
        due = assessment_due(system) if system.active else None
        rows.append(
            SystemRow(
                system,
                due,
                overdue=bool(due and due.due < today),
                soon=bool(due and today <= due.due <= today + timedelta(days=SOON_DAYS)),
                sample=sample_size(system),
            )
        )
    return rows


# AP-3.2 -------------------------------------------------------------------------------------------


def sampled_devices(system: InformationSystem) -> int:
    """The devices AP-3.2 lets the firm sample: those the firm owns (「財產權歸屬於公司之設備」).

    Devices the firm does not own are outside the sample and assessed in full (docs/register.md).
    """
    total = system.device_groups.filter(firm_owned=True).aggregate(n=Sum("count"))["n"]
    return total or 0


def sample_size(system: InformationSystem) -> SampleSize:
    return current_policies().sampling.size(sampled_devices(system))


class SampleRefused(ValueError):
    """A sample that cannot be drawn (bad list, size below the minimum or above the list)."""


def draw_sample(
    system: InformationSystem,
    data: bytes,
    filename: str,
    *,
    user,
    size: int | None = None,
    seed: int | None = None,
) -> DeviceSample:
    """Read the device list, draw at least the AP-3.2 minimum with a fresh (or given) seed, and record it.

    Raises zhengan.yamlutil.InputFileError for a bad list and SampleRefused for a bad size.
    """
    devices = device_list.read_device_list(data, filename)
    policy = current_policies().sampling
    minimum = policy.size(len(devices.devices))
    size = minimum.size if size is None else size
    if size < minimum.size:
        raise SampleRefused(
            f"抽樣數 {size} 小於 AP-3.2 最低 {minimum.size} 台 / a sample of {size} is below the AP-3.2 "
            f"minimum of {minimum.size}"
        )
    if size > len(devices.devices):
        raise SampleRefused(
            f"抽樣數 {size} 大於清單中的 {len(devices.devices)} 台 / a sample of {size} exceeds the "
            f"{len(devices.devices)} devices listed"
        )
    seed = device_list.new_seed() if seed is None else seed
    drawn = device_list.sample(devices, size, seed)
    return DeviceSample.objects.create(
        system=system,
        list_filename=filename[:255],
        list_sha256=devices.sha256,
        identifier_column=devices.column[:100],
        device_count=len(devices.devices),
        minimum=minimum.size,
        arithmetic=minimum.arithmetic.model_dump(),
        reading=policy.reading.value,
        size=size,
        seed=str(seed),
        devices=drawn,
        drawn_by=user,
    )


def redraw(sample: DeviceSample, data: bytes, filename: str) -> tuple[bool, list[str]]:
    """Draw again from a device list with the sample's recorded seed: (same list?, the devices drawn)."""
    devices = device_list.read_device_list(data, filename)
    if devices.sha256 != sample.list_sha256:
        return False, []
    return True, device_list.sample(devices, sample.size, int(sample.seed))


# Controls binding a system -------------------------------------------------------------------------


@dataclass(frozen=True)
class BindingControl:
    control: Control
    applies: bool | None  # None: no firm profile yet, the SoA cannot say


def binding_controls(system: InformationSystem) -> list[BindingControl]:
    """Catalogue controls about a kind of system (non-empty `system_scope`, all of whose scopes this system
    has) that apply to the firm by its statement of applicability."""
    catalog = load_catalog()
    soa = current_statement()
    applies = {d.control_id: d.applies for d in soa.decisions} if soa else None
    scopes = system.scopes
    rows = []
    for control in catalog.controls.values():
        if not control.system_scope or not set(control.system_scope) <= scopes:
            continue
        if applies is None:
            rows.append(BindingControl(control, None))
        elif applies.get(control.id):
            rows.append(BindingControl(control, True))
    return rows


# Import and export -------------------------------------------------------------------------------

FIELDS = [key for key in register_io.KEYS]


def to_row(system: InformationSystem) -> RegisterRow:
    return RegisterRow(**{key: getattr(system, key) for key in FIELDS})


def export_rows() -> list[RegisterRow]:
    return [to_row(system) for system in InformationSystem.objects.all()]


def import_rows(rows: list[RegisterRow], request) -> tuple[int, int]:
    """Create or update (by name) every row in one transaction; each change audited with before and after."""
    from zhengan.web.audit.events import log

    created = updated = 0
    with transaction.atomic():
        for row in rows:
            values = row.model_dump()
            if values["registered_on"] is None:
                values.pop("registered_on")
            system = InformationSystem.objects.select_for_update().filter(name=row.name).first()
            if system is None:
                system = InformationSystem.objects.create(**values)
                log(request, "system_imported", obj_type="system", obj_id=system.pk, after=system.snapshot())
                created += 1
                continue
            before = system.snapshot()
            for key, value in values.items():
                setattr(system, key, value)
            system.save()
            after = system.snapshot()
            if after != before:
                log(
                    request,
                    "system_imported",
                    obj_type="system",
                    obj_id=system.pk,
                    before=before,
                    after=after,
                )
                updated += 1
    return created, updated


# AP-2.2 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStatus:
    plan: AssessmentPlan | None
    next_review: date | None
    overdue: bool
    soon: bool

    @property
    def missing(self) -> bool:
        return self.plan is None


def plan_status(today: date | None = None) -> PlanStatus:
    today = today or timezone.localdate()
    plan = AssessmentPlan.objects.first()
    if plan is None:
        return PlanStatus(None, None, False, False)
    review = plan.next_review
    return PlanStatus(plan, review, review < today, today <= review <= today + timedelta(days=SOON_DAYS))
