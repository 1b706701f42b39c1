"""The firm's obligations, computed by the pure core from what is stored. No HTTP here.

`current_obligations()` = `zhengan.obligations.derive_obligations` over the statement of applicability,
the register's active systems (name and `system_scopes`) and the firm's PeriodPolicy, plus
`record_event` for every recorded event and every register incident (AP-3.3), then the stored owners and
completions applied in date order with `complete`.

Daily controls (SR-3.6, SR-4.3, CC17010-3.2) are routine work, not calendar events: the views list them
apart and leave them out of the overdue and due lists, the month view, the feed and the reminders
(`routine()`), as `zhengan.reminders.ReminderPolicy.include_daily` does by default.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhengan import obligations as core
from zhengan.catalog.loader import load_catalog
from zhengan.ical import new_feed_token, token_matches
from zhengan.obligations import Obligation, ObligationError, Owner, SystemRef
from zhengan.text import Text
from zhengan.web.accounts.models import User
from zhengan.web.accounts.roles import ROLE_CHOICES
from zhengan.web.firm.policies import current_policies
from zhengan.web.firm.services import current_statement
from zhengan.web.obligations.models import (
    CalendarStart,
    Completion,
    FeedToken,
    OwnerAssignment,
    RecordedEvent,
)
from zhengan.web.register.models import Incident
from zhengan.web.register.services import active_systems

# A register incident (AP-3.3: 個資外洩 or 駭客攻擊, confirmed) is the vocabulary's `major_incident` event.
INCIDENT_TRIGGER = "major_incident"


class CompletionRefused(ValueError):
    """A completion the calendar cannot take (already done, earlier than the last one, in the future)."""


def ref_of(key: str) -> str:
    """The obligation's id in URLs: keys hold @, #, : and system names, so a short hash stands for them."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def counting_from() -> date:
    """The day the calendar started counting (stored the first time it is computed)."""
    start, _created = CalendarStart.objects.get_or_create(
        id=1, defaults={"counting_from": timezone.localdate()}
    )
    return start.counting_from


def owners() -> dict[str, Owner]:
    """Stored assignments as the pure core's owners: users by user name, roles by role code."""
    result = {}
    for row in OwnerAssignment.objects.select_related("user"):
        if row.user is not None:
            result[row.key] = Owner(kind="user", name=row.user.username)
        else:
            result[row.key] = Owner(kind="role", name=row.role)
    return result


def _system_ref(system) -> SystemRef:
    return SystemRef(name=system.name, scopes=system.scopes)


def _event_obligations(statement, owner_map) -> list[Obligation]:
    found: list[Obligation] = []
    for event in RecordedEvent.objects.select_related("system"):
        found += core.record_event(
            statement,
            event.trigger,
            event.occurred_on,
            event.reference,
            system=_system_ref(event.system) if event.system else None,
            owners=owner_map,
        )
    for incident in Incident.objects.select_related("system"):
        found += core.record_event(
            statement,
            INCIDENT_TRIGGER,
            incident.confirmed_on,
            incident.reference,
            system=_system_ref(incident.system),
            owners=owner_map,
        )
    unique = {o.key: o for o in found}  # an incident also recorded here as an event counts once
    return list(unique.values())


def current_obligations() -> list[Obligation]:
    """Every obligation of the firm with its owner and completion history, sorted by due date."""
    statement = current_statement()
    if statement is None:
        return []
    owner_map = owners()
    derived = core.derive_obligations(
        statement,
        counting_from(),
        current_policies().periods,
        systems=[_system_ref(s) for s in active_systems()],
        owners=owner_map,
    )
    everything = derived + _event_obligations(statement, owner_map)
    completions: dict[str, list[Completion]] = {}
    for row in Completion.objects.select_related("by").prefetch_related("evidence"):
        completions.setdefault(row.obligation_key, []).append(row)
    result = []
    for obligation in everything:
        for row in completions.get(obligation.key, ()):
            if obligation.done:
                break
            obligation = core.complete(
                obligation,
                row.done_on,
                row.note,
                sorted({e.sha256 for e in row.evidence.all()}),
                row.by.username if row.by else None,
            )
        result.append(obligation)
    return core.sort_by_due(result)


def routine(obligation: Obligation) -> bool:
    """A daily control: routine work, listed apart rather than as a calendar event."""
    return obligation.recurring and obligation.interval_months == 0 and obligation.interval_days == 1


def calendar_obligations(obligations: list[Obligation]) -> list[Obligation]:
    return [o for o in obligations if not routine(o)]


def find(obligations: list[Obligation], ref: str) -> Obligation | None:
    return next((o for o in obligations if ref_of(o.key) == ref), None)


def mine(obligations: list[Obligation], user) -> list[Obligation]:
    """What this user answers for, in person or through their role (also the content of their feed)."""
    return core.owned_by(obligations, user.username, [user.role])


# Owners -----------------------------------------------------------------------------------------

ROLE_LABELS = dict(ROLE_CHOICES)


def owner_label(owner: Owner | None) -> str:
    """The owner as people read it: the user's full name, or the role's name in the page language."""
    if owner is None:
        return ""
    if owner.kind == "role":
        return str(ROLE_LABELS.get(owner.name, owner.name))
    user = User.objects.filter(username=owner.name).first()
    return f"{user.full_name} ({user.username})" if user else owner.name


def recipients(owner: Owner | None) -> list[str]:
    """E-mail addresses of an owner: the user's, or every active user's of the role."""
    if owner is None:
        return []
    if owner.kind == "user":
        users = User.objects.filter(username=owner.name, is_active=True)
    else:
        users = User.objects.filter(role=owner.name, is_active=True)
    return sorted({u.email for u in users if u.email})


def assign(key: str, owner: str, by) -> tuple[dict | None, dict | None]:
    """Assign (`user:<name>`, `role:<code>`) or clear (``) the owner of an obligation key or control id.

    Returns (before, after) for the audit trail.
    """
    with transaction.atomic():
        row = OwnerAssignment.objects.select_for_update().filter(key=key).first()
        before = row.snapshot() if row else None
        if not owner:
            if row:
                row.delete()
            return before, None
        kind, _sep, name = owner.partition(":")
        user, role = None, ""
        if kind == "user":
            user = User.objects.get(username=name, is_active=True)
        elif kind == "role" and name in ROLE_LABELS:
            role = name
        else:
            raise ValueError(f"負責人不正確 / not an owner: {owner}")
        row, _created = OwnerAssignment.objects.update_or_create(
            key=key, defaults={"user": user, "role": role, "assigned_by": by, "assigned_at": timezone.now()}
        )
        return before, row.snapshot()


def owner_choices() -> list[tuple[str, str]]:
    roles = [(f"role:{code}", str(label)) for code, label in ROLE_CHOICES]
    users = [
        (f"user:{u.username}", f"{u.full_name} ({u.username})")
        for u in User.objects.filter(is_active=True).order_by("username")
    ]
    return roles + users


def owner_value(owner: Owner | None) -> str:
    return f"{owner.kind}:{owner.name}" if owner else ""


# Completing -------------------------------------------------------------------------------------


def complete(obligation: Obligation, *, done_on: date, note: str, uploads, user) -> Completion:
    """Record a completion with its evidence files (each stored by SHA-256 via the evidence app, under the
    obligation's control id). The pure core checks it first, so nothing is stored for a refused one."""
    from zhengan.web.evidence.services import add_evidence

    if done_on > timezone.localdate():
        raise CompletionRefused("完成日不得晚於今日 / the completion date cannot be in the future")
    try:
        core.complete(obligation, done_on, note, by=user.username)
    except ObligationError as error:
        raise CompletionRefused(str(error)) from error
    with transaction.atomic():
        completion = Completion.objects.create(
            obligation_key=obligation.key,
            control_id=obligation.control_id,
            done_on=done_on,
            note=note,
            by=user,
        )
        for upload in uploads:
            item = add_evidence(
                upload,
                user=user,
                owner=user,
                title=f"{obligation.control_id} {obligation.title.zh}（{done_on.isoformat()}）",
                description=note,
                effective_on=done_on,
                control_ids=[obligation.control_id],
            )
            completion.evidence.add(item)
    return completion


def history(obligation: Obligation) -> list[Completion]:
    return list(
        Completion.objects.filter(obligation_key=obligation.key)
        .select_related("by")
        .prefetch_related("evidence")
    )


# Events -----------------------------------------------------------------------------------------


def triggers() -> list[tuple[str, Text]]:
    catalog = load_catalog()
    return [(key, catalog.trigger_label(key)) for key in catalog.vocabulary.triggers]


def record_event(
    *, trigger: str, occurred_on: date, reference: str, system, user
) -> tuple[RecordedEvent, list]:
    """Store an event and return it with the obligations it brings (the pure core checks the trigger)."""
    statement = current_statement()
    if statement is None:
        raise ValueError("尚未設定公司資料 / the firm profile is not set yet")
    brought = core.record_event(
        statement,
        trigger,
        occurred_on,
        reference,
        system=_system_ref(system) if system else None,
    )
    event, _created = RecordedEvent.objects.get_or_create(
        trigger=trigger,
        occurred_on=occurred_on,
        reference=reference.strip(),
        system=system,
        defaults={"recorded_by": user},
    )
    return event, brought


# The iCalendar feed token -----------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def regenerate_feed_token(user) -> str:
    """A new token for the user's feed; only its SHA-256 is stored, and the old URL stops working."""
    token = new_feed_token()
    FeedToken.objects.update_or_create(
        user=user, defaults={"token_sha256": _digest(token), "created_at": timezone.now()}
    )
    return token


def feed_user(user_id: int, token: str):
    """The active user whose feed this is, if the token is theirs: the SHA-256 of the presented token is
    compared with the stored one in constant time (`zhengan.ical.token_matches`)."""
    row = FeedToken.objects.select_related("user").filter(user_id=user_id).first()
    if row is None or not token_matches(_digest(token), row.token_sha256) or not row.user.is_active:
        return None
    return row.user


def feed_created(user):
    row = FeedToken.objects.filter(user=user).first()
    return row.created_at if row else None


@dataclass(frozen=True)
class Row:
    """An obligation as a page row: the obligation, its URL id, owner label and status."""

    obligation: Obligation
    ref: str
    owner: str
    status: str
    days: int | None  # days left (negative when overdue)

    @property
    def late(self) -> int:
        return -self.days if self.days is not None and self.days < 0 else 0


def rows(obligations: list[Obligation], today: date) -> list[Row]:
    labels: dict[Owner | None, str] = {}
    result = []
    for o in obligations:
        if o.owner not in labels:
            labels[o.owner] = owner_label(o.owner)
        days = (o.next_due - today).days if o.next_due else None
        result.append(Row(o, ref_of(o.key), labels[o.owner], core.status(o, today).value, days))
    return result
