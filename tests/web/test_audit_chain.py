"""The audit trail is append-only and hash-chained; `zhengan audit verify` names the first broken link."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from typer.testing import CliRunner

from zhengan.cli import app
from zhengan.web.audit.chain import GENESIS, append, verify
from zhengan.web.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _three():
    append("login", username="lin.compliance", source_ip="10.1.2.3")
    append(
        "firm_profile_updated",
        username="lin.compliance",
        obj_type="firm_profile",
        obj_id=1,
        before={"swift": False},
        after={"swift": True},
    )
    append("logout", username="lin.compliance", source_ip="10.1.2.3")


def _raw(sql: str, params=()):
    """Tamper as someone with database access would: around the ORM and, on PostgreSQL, the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off (superuser)
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_records_link_to_the_previous_hash():
    _three()
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert events[1].before == {"swift": False} and events[1].after == {"swift": True}
    assert events[0].at.utcoffset().total_seconds() == 0  # stored in UTC
    result = verify()
    assert result.ok and result.records == 3


def test_an_altered_record_is_the_first_broken_link():
    _three()
    _raw("UPDATE audit_auditevent SET username = %s WHERE seq = 2", ["someone.else"])
    result = verify()
    assert not result.ok
    assert result.broken_seq == 2
    assert "第 2 筆" in result.message() and "record 2 was altered" in result.message()


def test_a_removed_record_is_reported():
    _three()
    _raw("DELETE FROM audit_auditevent WHERE seq = 2")
    result = verify()
    assert not result.ok and result.broken_seq == 2
    assert "missing" in result.problem_en


def test_removing_the_newest_record_is_reported():
    _three()
    _raw("DELETE FROM audit_auditevent WHERE seq = 3")
    result = verify()
    assert not result.ok
    assert "newest records were removed" in result.problem_en


def test_a_recomputed_record_still_breaks_the_next_link():
    _three()
    event = AuditEvent.objects.get(seq=2)
    from zhengan.web.audit.chain import _hash_of

    event.username = "forger"
    forged = _hash_of(event)
    _raw("UPDATE audit_auditevent SET username = %s, hash = %s WHERE seq = 2", ["forger", forged])
    result = verify()
    assert not result.ok and result.broken_seq == 3


def test_the_orm_refuses_updates_and_deletes():
    _three()
    event = AuditEvent.objects.get(seq=1)
    event.username = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify().ok


@pytest.mark.postgres
def test_postgresql_refuses_updates_in_the_database():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; run with DATABASE_URL set")
    _three()
    from django.db import DatabaseError

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET username = 'x' WHERE seq = 1")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 1")
    assert verify().ok


def test_cli_audit_verify_exit_code():
    _three()
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 records" in ok.output
    _raw("UPDATE audit_auditevent SET event_type = %s WHERE seq = 1", ["nothing_happened"])
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "record 1 was altered" in broken.output


def test_no_url_deletes_or_edits_audit_records():
    from django.urls import get_resolver

    names = [p.name for p in get_resolver().url_patterns[3].url_patterns]  # the audit app
    assert names == ["list"]
