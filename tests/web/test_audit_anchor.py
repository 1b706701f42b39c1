"""Anchors outside the database catch what the hash chain alone cannot: a chain rewritten from end to end."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from zhengan.cli import app
from zhengan.web.audit import anchor
from zhengan.web.audit.chain import _hash_of, append, verify
from zhengan.web.audit.models import AuditEvent

from .test_audit_chain import _raw, _three

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _rewrite_from(seq: int, username: str) -> None:
    """What a database administrator could do: change one record and recompute every hash after it."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    previous = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in events:
        if event.seq == seq:
            event.username = username
        event.prev_hash = previous
        event.hash = _hash_of(event)
        _raw(
            "UPDATE audit_auditevent SET username = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [event.username, event.prev_hash, event.hash, event.seq],
        )
        previous = event.hash
    _raw("UPDATE audit_chainhead SET hash = %s WHERE id = 1", [previous])


def test_a_rewritten_chain_verifies_but_breaks_its_anchor(tmp_path):
    _three()
    anchors = tmp_path / "anchors.jsonl"
    taken = anchor.take()
    anchor.append_to(anchors, taken)
    assert taken.seq == 3 and taken.hash == AuditEvent.objects.get(seq=3).hash
    assert anchor.check(anchor.read(anchors)).ok

    _rewrite_from(2, "someone.else")
    assert verify().ok  # the chain alone cannot tell
    checked = anchor.check(anchor.read(anchors))
    assert not checked.ok
    assert "record 3 no longer has the anchored hash" in checked.message()
    assert "第 3 筆紀錄之雜湊值與錨點" in checked.message()


def test_truncation_back_to_an_older_state_breaks_the_anchor(tmp_path):
    _three()
    newest = anchor.take()
    _raw("DELETE FROM audit_auditevent WHERE seq = 3")
    _raw(
        "UPDATE audit_chainhead SET seq = 2, hash = %s WHERE id = 1",
        [AuditEvent.objects.get(seq=2).hash],
    )
    assert verify().ok
    checked = anchor.check([newest])
    assert not checked.ok and "record 3 of the anchor" in checked.message()


def test_no_anchor_for_a_broken_or_empty_chain():
    with pytest.raises(anchor.AnchorError, match="empty"):
        anchor.take()
    _three()
    _raw("UPDATE audit_auditevent SET username = %s WHERE seq = 2", ["x"])
    with pytest.raises(anchor.AnchorError, match="record 2 was altered"):
        anchor.take()


def test_cli_anchor_then_verify_against_file_and_mailed_value(tmp_path):
    _three()
    anchors = tmp_path / "worm" / "anchors.jsonl"
    taken = runner.invoke(app, ["audit", "anchor", "--to", str(anchors)])
    assert taken.exit_code == 0, taken.output
    line = json.loads(anchors.read_text().splitlines()[0])
    assert line["seq"] == 3 and f"3:{line['hash']}" in taken.output
    recorded = AuditEvent.objects.get(event_type="audit_anchor_taken")
    assert recorded.seq == 4 and recorded.detail["hash"] == line["hash"]

    ok = runner.invoke(app, ["audit", "verify", "--anchors", str(anchors), "--anchor", f"3:{line['hash']}"])
    assert ok.exit_code == 0, ok.output
    assert "agrees with 2 anchors" in ok.output

    _rewrite_from(1, "nobody")
    broken = runner.invoke(app, ["audit", "verify", "--anchors", str(anchors)])
    assert broken.exit_code == 1
    assert "intact" in broken.output and "record 3 no longer has the anchored hash" in broken.output


def test_cli_names_the_bad_line_of_an_anchor_file(tmp_path):
    _three()
    anchors = tmp_path / "anchors.jsonl"
    anchor.append_to(anchors, anchor.take())
    with anchors.open("a") as handle:
        handle.write('{"seq": "four", "hash": "x", "at": "2026-11-22T00:00:00+00:00"}\n')
    result = runner.invoke(app, ["audit", "verify", "--anchors", str(anchors)])
    assert result.exit_code == 2
    assert f"{anchors}:2" in result.output and "field seq" in result.output
    assert runner.invoke(app, ["audit", "verify", "--anchor", "3:abc"]).exit_code == 2


def test_anchor_mailed_to_the_internal_auditors(make_user, smtp_server):
    auditor = make_user("internal_auditor", email="audit@example.com.tw")
    make_user("internal_auditor", email="former@example.com.tw", is_active=False)
    _three()
    result = runner.invoke(app, ["audit", "anchor", "--mail-auditors", "--mail", "cso@example.com.tw"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert sorted(message["To"].replace(" ", "").split(",")) == ["audit@example.com.tw", "cso@example.com.tw"]
    assert auditor.email in message["To"] and "former@" not in message["To"]
    body = message.get_payload(decode=True).decode("utf-8")
    head = AuditEvent.objects.get(seq=3).hash
    assert f"zhengan audit verify --anchor 3:{head}" in body
    assert "雜湊值" in body and "Newest record: 3" in body


def test_mail_to_auditors_refused_when_none_has_an_address(tmp_path):
    append("login", username="x")
    result = runner.invoke(app, ["audit", "anchor", "--mail-auditors"])
    assert result.exit_code == 1 and "no internal auditor" in result.output
    assert not AuditEvent.objects.filter(event_type="audit_anchor_taken").exists()
