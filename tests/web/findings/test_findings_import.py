"""Importing check results into findings (AP-8.1, AP-8.2, SR-9.1): `zhengan findings import` and the page.

The result files are real: the checks run on the sample files under tests/data and write their JSON, as a
firm would run them; nothing is mocked.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from tests.web.conftest import REPO, sign_in_fully
from zhengan.checks.identity import password_policy
from zhengan.cli import app
from zhengan.web.audit.models import AuditEvent, ChainHead
from zhengan.web.findings import imports
from zhengan.web.findings.models import Finding, FindingEvent
from zhengan.web.register.models import InformationSystem

pytestmark = pytest.mark.django_db
runner = CliRunner()
DATA = Path(__file__).resolve().parents[2] / "data"
WEAK_POLICY = DATA / "identity" / "secedit" / "fs02-weak.inf"
TRIVY = DATA / "scans" / "trivy" / "order-api-2.3.1.json"
PROFILE = REPO / "examples" / "profiles" / "first_category_securities.yaml"
# fs02-weak.inf: seven requirements fail, one (reversible encryption) is a warning.
FAILS, WARNS = 7, 1


@pytest.fixture
def password_result(tmp_path) -> Path:
    """`zhengan check password-policy fs02-weak.inf --json …`, as a firm runs it."""
    out = tmp_path / "fs02-password-policy.json"
    ran = runner.invoke(
        app, ["check", "password-policy", str(WEAK_POLICY), "-p", str(PROFILE), "--json", str(out)]
    )
    assert ran.exit_code == 1, ran.output  # 1: requirements fail
    return out


@pytest.fixture
def scans_result(tmp_path) -> Path:
    """`zhengan check scans order-api.json --output …`: the Trivy sample, judged on a fixed day."""
    out = tmp_path / "order-api-scans.json"
    state = tmp_path / "scan-state.json"
    ran = runner.invoke(
        app,
        ["check", "scans", str(TRIVY), "--state", str(state), "--as-of", "2025-07-01", "--output", str(out)],
    )
    assert ran.exit_code == 1, ran.output
    return out


@pytest.fixture
def engineer(make_user):
    return make_user("it_security", username="wang.itsec")


@pytest.fixture
def system(db):
    return InformationSystem.objects.create(name="檔案伺服器 FS02", owner="資訊部")


def _import(*args: str):
    return runner.invoke(app, ["findings", "import", *args])


def _nothing_written(head_before) -> None:
    assert not Finding.objects.exists()
    assert not FindingEvent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="findings_imported").exists()
    assert ChainHead.objects.filter(id=1).first() == head_before


# --- the command ---------------------------------------------------------------------------------------


def test_import_creates_findings_with_severity_controls_and_deadlines(password_result, engineer, system):
    ran = _import(str(password_result), "--owner", "wang.itsec", "--system", system.name)
    assert ran.exit_code == 0, ran.output
    today = timezone.localdate()
    findings = Finding.objects.all()
    assert findings.count() == FAILS  # the warning is not a finding by default
    assert "warn 1" in ran.output and "warnings were not imported" in ran.output
    assert f"新增缺失 {FAILS} 項" in ran.output and f"{FAILS} new finding(s)" in ran.output

    lockout = Finding.objects.get(title__contains="lockout threshold")
    assert lockout.severity == "high" and lockout.control_ids == ["SR-6.5", "AP-4.6.1"]
    assert lockout.raised_on == today and lockout.deadline == today + timedelta(days=30)
    assert "high: 30" in lockout.deadline_basis and "SR-9.1" in lockout.deadline_basis
    assert lockout.source == "check" and lockout.category == "technical"
    assert lockout.owner == engineer and list(lockout.systems.all()) == [system]
    history = Finding.objects.get(title__contains="maximum password age")
    assert history.severity == "medium" and history.deadline == today + timedelta(days=90)
    assert lockout.reference in ran.output and "新增 new" in ran.output

    audit = AuditEvent.objects.get(event_type="findings_imported")
    assert audit.username.startswith("zhengan findings import")
    assert audit.detail["files"][0]["name"] == str(password_result)
    assert audit.detail["files"][0]["check"] == "identity.password_policy"
    assert audit.detail["owner"] == "wang.itsec" and audit.detail["systems"] == [system.name]
    assert sorted(line["reference"] for line in audit.after["lines"]) == sorted(
        findings.values_list("reference", flat=True)
    )


def test_scan_findings_take_the_scanners_severity(scans_result):
    ran = _import(str(scans_result))
    assert ran.exit_code == 0, ran.output
    critical = Finding.objects.filter(severity="critical")
    assert critical.count() == 2 and Finding.objects.filter(severity="high").count() == 1
    assert all("SR-9.1" in f.control_ids and "SR-7.10" in f.control_ids for f in critical)
    assert critical.first().deadline == timezone.localdate() + timedelta(days=15)
    assert "info 1" in ran.output  # the import summary line is not a finding


def test_importing_the_same_file_again_creates_nothing_new(password_result):
    assert _import(str(password_result)).exit_code == 0
    references = set(Finding.objects.values_list("reference", flat=True))
    again = _import(str(password_result))
    assert again.exit_code == 0, again.output
    assert set(Finding.objects.values_list("reference", flat=True)) == references
    assert set(Finding.objects.values_list("seen_count", flat=True)) == {2}
    assert FindingEvent.objects.filter(kind="seen_again").count() == FAILS
    assert f"再次發現 {FAILS} 項" in again.output and f"{FAILS} seen again" in again.output
    assert "新增缺失 0 項" in again.output
    assert AuditEvent.objects.filter(event_type="findings_imported").count() == 2


def test_a_verified_finding_found_again_is_reopened(password_result):
    assert _import(str(password_result)).exit_code == 0
    lockout = Finding.objects.get(title__contains="lockout threshold")
    Finding.objects.filter(pk=lockout.pk).update(status="verified")
    again = _import(str(password_result))
    assert again.exit_code == 0, again.output
    lockout.refresh_from_db()
    assert lockout.status == "open" and lockout.seen_count == 2
    assert "重新開啟 1 項" in again.output and "1 reopened" in again.output
    event = lockout.events.last()
    assert (event.kind, event.from_status, event.to_status) == ("seen_again", "verified", "open")


def test_warnings_are_imported_when_asked(password_result):
    ran = _import(str(password_result), "--include-warnings")
    assert ran.exit_code == 0, ran.output
    assert Finding.objects.count() == FAILS + WARNS
    reversible = Finding.objects.get(title__contains="reversible")
    assert reversible.severity == "medium" and reversible.control_ids == ["SR-6.11"]


def test_dry_run_writes_nothing(password_result, scans_result):
    head = ChainHead.objects.filter(id=1).first()
    ran = _import(str(password_result), str(scans_result), "--dry-run")
    assert ran.exit_code == 0, ran.output
    assert "試算（未寫入）" in ran.output and "Dry run (nothing written)" in ran.output
    assert f"新增缺失 {FAILS + 3} 項" in ran.output
    assert "F-" in ran.output  # the references the import would give
    _nothing_written(head)


def test_a_truncated_file_names_itself_and_nothing_is_imported(password_result, tmp_path):
    head = ChainHead.objects.filter(id=1).first()
    truncated = tmp_path / "truncated.json"
    truncated.write_text(password_result.read_text(encoding="utf-8")[:400], encoding="utf-8")
    ran = _import(str(password_result), str(truncated))  # the good file first: it is not imported either
    assert ran.exit_code == 2
    assert str(truncated) in ran.output.replace("\n", "")
    assert "不是有效的 JSON" in ran.output and "not valid JSON" in ran.output and "line" in ran.output
    assert "未匯入任何檔案 / nothing was imported" in ran.output
    _nothing_written(head)


def test_a_missing_field_is_named_and_nothing_is_imported(password_result, tmp_path):
    head = ChainHead.objects.filter(id=1).first()
    data = json.loads(password_result.read_text(encoding="utf-8"))
    del data["observations"][2]["control_ids"]
    broken = tmp_path / "no-controls.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    ran = _import(str(password_result), str(broken))
    assert ran.exit_code == 2
    output = ran.output.replace("\n", "")
    assert str(broken) in output and "observations[2].control_ids" in output
    assert "缺少必要欄位" in output and "Field required" in output
    _nothing_written(head)

    del data["check"]
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(imports.ImportRefused) as refused:
        imports.read_results([("no-check.json", broken.read_bytes())])
    assert "no-check.json" in str(refused.value) and "field check:" in str(refused.value)


def test_unknown_systems_and_owners_are_refused(password_result, engineer):
    head = ChainHead.objects.filter(id=1).first()
    ran = _import(str(password_result), "--system", "沒有這個系統")
    assert ran.exit_code == 2 and "not in the system register: 沒有這個系統" in ran.output
    ran = _import(str(password_result), "--owner", "nobody")
    assert ran.exit_code == 2 and "no such active user: nobody" in ran.output
    engineer.is_active = False
    engineer.save()
    assert _import(str(password_result), "--owner", engineer.username).exit_code == 2
    _nothing_written(head)


def test_a_control_id_not_in_the_catalogue_refuses_the_whole_import(password_result, tmp_path):
    head = ChainHead.objects.filter(id=1).first()
    data = json.loads(password_result.read_text(encoding="utf-8"))
    data["observations"][-2]["control_ids"] = ["SR-99.99"]  # a fail after six others that import fine
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    ran = _import(str(edited))
    assert ran.exit_code == 2 and "SR-99.99" in ran.output
    _nothing_written(head)


# --- the page ------------------------------------------------------------------------------------------


def _upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/json")


def test_the_page_previews_then_imports_on_confirmation(client, engineer, system, password_result):
    sign_in_fully(client, engineer)
    assert b'id="import-findings"' in client.get(reverse("findings:list")).content
    assert client.get(reverse("findings:import")).status_code == 200
    head = ChainHead.objects.filter(id=1).first()
    preview = client.post(
        reverse("findings:import"),
        {"files": [_upload(password_result)], "systems": [system.pk], "owner": engineer.pk},
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert 'id="import-lines"' in text and text.count('data-outcome="new"') == FAILS
    assert "帳戶鎖定閾值" in text and "fs02-password-policy.json" in text
    _nothing_written(head)  # the preview is a dry run

    token = client.session[imports_session_key()]["token"]
    done = client.post(reverse("findings:import"), {"confirm": "1", "token": token})
    assert done.status_code == 302 and done.url == reverse("findings:list")
    assert Finding.objects.count() == FAILS
    assert set(Finding.objects.values_list("owner", flat=True)) == {engineer.pk}
    assert all(list(f.systems.all()) == [system] for f in Finding.objects.all())
    assert set(Finding.objects.values_list("created_by", flat=True)) == {engineer.pk}
    audit = AuditEvent.objects.get(event_type="findings_imported")
    assert audit.user == engineer and audit.source_ip == "127.0.0.1"
    assert audit.detail["files"][0]["name"] == "fs02-password-policy.json"
    listed = client.get(reverse("findings:list")).content.decode()
    assert f"新增缺失 {FAILS} 項" in listed  # the summary message
    assert all(ref in listed for ref in Finding.objects.values_list("reference", flat=True))

    # the same confirmation again does nothing: the preview was used
    again = client.post(reverse("findings:import"), {"confirm": "1", "token": token})
    assert again.status_code == 302 and again.url == reverse("findings:import")
    assert (
        Finding.objects.count() == FAILS
        and AuditEvent.objects.filter(event_type="findings_imported").count() == 1
    )


def test_the_page_shows_a_bad_file_and_imports_nothing(client, engineer, password_result, tmp_path):
    sign_in_fully(client, engineer)
    head = ChainHead.objects.filter(id=1).first()
    data = json.loads(password_result.read_text(encoding="utf-8"))
    data["observations"][0]["status"] = "broken"
    bad = tmp_path / "bad-status.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    response = client.post(reverse("findings:import"), {"files": [_upload(password_result), _upload(bad)]})
    assert response.status_code == 200
    text = response.content.decode()
    assert "bad-status.json" in text and "observations[0].status" in text
    assert "未匯入任何資料" in text and 'id="import-lines"' not in text
    assert imports_session_key() not in client.session
    _nothing_written(head)

    # without a preview in the session, a confirmation imports nothing
    response = client.post(reverse("findings:import"), {"confirm": "1", "token": "guess"})
    assert response.status_code == 302 and response.url == reverse("findings:import")
    _nothing_written(head)


def test_the_page_imports_warnings_when_asked_and_shows_found_again(client, engineer, password_result):
    sign_in_fully(client, engineer)
    assert _import(str(password_result)).exit_code == 0
    preview = client.post(
        reverse("findings:import"), {"files": [_upload(password_result)], "include_warnings": "on"}
    )
    text = preview.content.decode()
    assert text.count('data-outcome="seen_again"') == FAILS and text.count('data-outcome="new"') == WARNS
    token = client.session[imports_session_key()]["token"]
    client.post(reverse("findings:import"), {"confirm": "1", "token": token})
    assert Finding.objects.count() == FAILS + WARNS


def test_cancelling_a_preview_drops_its_files(client, engineer, password_result):
    sign_in_fully(client, engineer)
    client.post(reverse("findings:import"), {"files": [_upload(password_result)]})
    token = client.session[imports_session_key()]["token"]
    client.get(reverse("findings:import"))  # the preview's 「cancel」 link
    assert imports_session_key() not in client.session
    response = client.post(reverse("findings:import"), {"confirm": "1", "token": token})
    assert response.url == reverse("findings:import") and not Finding.objects.exists()


def test_who_may_import(client, make_user):
    board = make_user("board_viewer")
    sign_in_fully(client, board)
    assert b'id="import-findings"' not in client.get(reverse("findings:list")).content
    assert client.get(reverse("findings:import")).status_code == 403


def imports_session_key() -> str:
    from zhengan.web.findings.views import IMPORT_SESSION_KEY

    return IMPORT_SESSION_KEY


def test_the_service_reads_a_result_written_by_the_check_function(engineer, tmp_path):
    """The check function's own JSON (no CLI) imports the same way, outcome by outcome."""
    result = password_policy.run([WEAK_POLICY], ["securities"])
    files = imports.read_results([("fs02.json", result.to_json().encode("utf-8"))])
    first = imports.run_import(files, user=engineer)
    assert [line.outcome for line in first.lines] == ["new"] * FAILS
    assert first.left_aside == {"warn": WARNS}
    second = imports.run_import(files, user=engineer, dry_run=True)
    assert [line.outcome for line in second.lines] == ["seen_again"] * FAILS
    assert set(Finding.objects.values_list("seen_count", flat=True)) == {1}  # the dry run wrote nothing


def test_deadlines_run_from_the_day_the_check_ran_not_the_import(password_result, engineer):
    # A result imported twenty days after the check ran keeps the deadline it had on the day it ran
    # (SR-9.1, AP-8.2 count from discovery); --raised-on sets another day explicitly.
    from datetime import datetime

    from zhengan.checks.result import CheckResult

    result = CheckResult.from_json(password_result.read_text(encoding="utf-8"))
    ran_on = timezone.localdate() - timedelta(days=20)
    result.started_at = datetime(
        ran_on.year, ran_on.month, ran_on.day, 1, 0, tzinfo=timezone.get_current_timezone()
    )
    password_result.write_text(result.to_json(), encoding="utf-8")
    assert _import(str(password_result)).exit_code == 0
    lockout = Finding.objects.get(title__contains="lockout threshold")
    assert lockout.raised_on == ran_on and lockout.deadline == ran_on + timedelta(days=30)
    detail = AuditEvent.objects.get(event_type="findings_imported").detail
    assert detail["files"][0]["raised_on"] == ran_on.isoformat()

    Finding.objects.all().delete()
    chosen = timezone.localdate() - timedelta(days=3)
    assert _import(str(password_result), "--raised-on", chosen.isoformat()).exit_code == 0
    assert Finding.objects.get(title__contains="lockout threshold").raised_on == chosen
    refused = _import(str(password_result), "--raised-on", "22/11/2026")
    assert refused.exit_code == 2 and "--raised-on" in refused.output


def test_the_result_file_is_kept_once_as_evidence_of_its_findings(password_result, engineer):
    from zhengan.web.evidence.models import EvidenceItem
    from zhengan.web.evidence.services import read_bytes

    assert _import(str(password_result), "--dry-run").exit_code == 0
    assert not EvidenceItem.objects.exists()  # a dry run keeps nothing
    assert _import(str(password_result), "--owner", "wang.itsec").exit_code == 0
    evidence = EvidenceItem.objects.get()
    assert read_bytes(evidence) == password_result.read_bytes()
    assert evidence.filename == password_result.name and evidence.owner == engineer
    assert "SR-6.5" in evidence.control_ids
    assert all(list(f.evidence.all()) == [evidence] for f in Finding.objects.all())
    assert _import(str(password_result)).exit_code == 0  # imported again: seen again, same evidence
    assert EvidenceItem.objects.count() == 1
    detail = AuditEvent.objects.filter(event_type="findings_imported").last().detail
    assert detail["files"][0]["evidence_id"] == evidence.pk
