"""The firm's profile and its statement of applicability, for the views. No HTTP here."""

from __future__ import annotations

import json
from functools import lru_cache

from django.db import transaction

from zhengan.applicability import Statement, statement
from zhengan.catalog.loader import load_catalog
from zhengan.profile import FirmProfile
from zhengan.web.firm.models import FirmProfileRecord


def current_profile() -> FirmProfile | None:
    record = FirmProfileRecord.objects.filter(id=1).first()
    return FirmProfile.model_validate(record.data) if record else None


@lru_cache(maxsize=8)
def _statement_for(profile_json: str) -> Statement:
    return statement(load_catalog(), FirmProfile.model_validate_json(profile_json))


def statement_for(profile: FirmProfile) -> Statement:
    return _statement_for(profile.model_dump_json())


def current_statement() -> Statement | None:
    profile = current_profile()
    return statement_for(profile) if profile else None


def applies_by_id(profile: FirmProfile | None) -> dict[str, bool]:
    if profile is None:
        return {}
    return {d.control_id: d.applies for d in statement_for(profile).decisions}


def save_profile(profile: FirmProfile, user) -> tuple[dict | None, dict]:
    """Store the profile; return (before, after) as plain JSON for the audit trail."""
    after = json.loads(profile.model_dump_json())
    with transaction.atomic():
        record = FirmProfileRecord.objects.select_for_update().filter(id=1).first()
        before = record.data if record else None
        FirmProfileRecord.objects.update_or_create(id=1, defaults={"data": after, "updated_by": user})
    return before, after


def changes(before: FirmProfile | None, after: FirmProfile) -> dict[str, list[str]]:
    """Which controls started or stopped applying because of an edit."""
    old = applies_by_id(before)
    new = applies_by_id(after)
    return {
        "now_apply": [cid for cid, yes in new.items() if yes and not old.get(cid, False)],
        "no_longer_apply": [cid for cid, yes in new.items() if not yes and old.get(cid, False)],
    }
