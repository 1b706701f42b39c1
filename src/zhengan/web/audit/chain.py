"""Append to and verify the hash chain of the audit trail (SR-4)."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction

from zhengan.timeutil import utc_now
from zhengan.web.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64
_append_lock = threading.Lock()  # SQLite has no row locks; serialise appends within the process too


def _canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    user_id: int | None,
    username: str,
    source_ip: str | None,
    event_type: str,
    object_type: str,
    object_id: str,
    before: Any,
    after: Any,
    detail: Any,
) -> str:
    body = {
        "seq": seq,
        "at": _canonical_time(at),
        "user_id": user_id,
        "username": username,
        "source_ip": source_ip,
        "event_type": event_type,
        "object_type": object_type,
        "object_id": object_id,
        "before": before,
        "after": after,
        "detail": detail,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return record_hash(
        prev_hash=event.prev_hash,
        seq=event.seq,
        at=event.at,
        user_id=event.user_id,
        username=event.username,
        source_ip=event.source_ip,
        event_type=event.event_type,
        object_type=event.object_type,
        object_id=event.object_id,
        before=event.before,
        after=event.after,
        detail=event.detail,
    )


def _plain(value: Any) -> Any:
    """JSON-safe and stable: what is hashed must be what the database gives back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def append(
    event_type: str,
    *,
    user=None,
    username: str = "",
    source_ip: str | None = None,
    obj_type: str = "",
    obj_id: str | int = "",
    before: Any = None,
    after: Any = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Add one record at the end of the chain, inside the caller's transaction if there is one."""
    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    if user_id and not username:
        username = user.get_username()
    with _append_lock, transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=utc_now(),
            user_id=user_id,
            username=username[:150],
            source_ip=source_ip,
            event_type=event_type,
            object_type=obj_type,
            object_id=str(obj_id),
            before=_plain(before),
            after=_plain(after),
            detail=_plain(detail or {}),
            prev_hash=head.hash,
        )
        event.hash = _hash_of(event)
        event.save()
        ChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    records: int
    broken_seq: int | None = None
    problem_zh: str = ""
    problem_en: str = ""

    def message(self) -> str:
        if self.ok:
            return (
                f"稽核紀錄鏈完整，共 {self.records} 筆。 / The audit chain is intact: {self.records} records."
            )
        return f"{self.problem_zh} / {self.problem_en}"


def verify() -> Verification:
    """Walk the chain in order; report the first record that was altered, removed or inserted."""
    previous_hash = GENESIS
    expected_seq = 1
    count = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if event.seq != expected_seq:
            return Verification(
                False,
                count,
                expected_seq,
                f"第 {expected_seq} 筆紀錄遺失（下一筆為第 {event.seq} 筆）",
                f"record {expected_seq} is missing (the next is {event.seq})",
            )
        if event.prev_hash != previous_hash:
            return Verification(
                False,
                count,
                event.seq,
                f"第 {event.seq} 筆紀錄之前一雜湊值不符，鏈於此斷裂",
                f"record {event.seq} does not carry the previous record's hash: the chain breaks here",
            )
        if _hash_of(event) != event.hash:
            return Verification(
                False,
                count,
                event.seq,
                f"第 {event.seq} 筆紀錄內容遭修改（雜湊值不符）",
                f"record {event.seq} was altered (its hash does not match its content)",
            )
        previous_hash = event.hash
        expected_seq += 1
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != previous_hash):
        return Verification(
            False,
            count,
            expected_seq,
            f"最新之紀錄遭移除：鏈首記載第 {head.seq} 筆，現存最後為第 {expected_seq - 1} 筆",
            f"the newest records were removed: the head says {head.seq}, the last present is {expected_seq - 1}",
        )
    return Verification(True, count)
