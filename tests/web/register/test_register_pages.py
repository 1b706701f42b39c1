"""The register pages through the Django test client: classes, overrides, incidents, samples, files, plan."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import sign_in_fully
from zhengan import register_io
from zhengan.policies import FirmPolicies
from zhengan.schedule import SamplingReading, add_months
from zhengan.web.audit.models import AuditEvent
from zhengan.web.firm.policies import save_policies
from zhengan.web.register import services
from zhengan.web.register.models import AssessmentPlan, DeviceGroup, DeviceSample, Incident, InformationSystem

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "data" / "register"


@pytest.fixture
def officer(client, make_user):
    user = make_user("compliance_officer")
    sign_in_fully(client, user)
    return user


def _system_data(**overrides) -> dict:
    data = {
        "name": "電子下單系統",
        "owner": "資訊部 交易系統科",
        "description": "",
        "sourcing": "outsourced",
        "vendor": "凱衛資訊",
        "customer_internet_service": "on",
        "core": "on",
        "core_functions": "交易、報價",
        "stores_customer_data": "on",
        "stores_personal_data": "on",
        "e_trading": "on",
        "internet_facing": "on",
        "registered_on": "2024-01-15",
        "last_assessed_on": "2025-06-30",
        "decommissioned_on": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_create_shows_class_reason_and_due_date(client, officer, firm_profile):
    response = client.post(reverse("register:create"), _system_data())
    system = InformationSystem.objects.get()
    assert response.url == reverse("register:detail", kwargs={"pk": system.pk})
    assert system.core_functions == ["交易", "報價"] and system.system_class == 1
    # The demo firm is security tier 1: class 1 every 12 months from the last assessment.
    page = client.get(response.url).content.decode()
    assert "第一類（AP-3.1）：提供與客戶相關之網際網路服務、核心系統" in page
    assert "2026-06-30" in page
    event = AuditEvent.objects.get(event_type="system_created")
    assert event.after["name"] == "電子下單系統"
    listing = client.get(reverse("register:list")).content.decode()
    assert "電子下單系統" in listing and "2026-06-30" in listing


def test_classes_two_and_three_and_their_ceilings(client, officer, firm_profile):
    client.post(
        reverse("register:create"),
        _system_data(name="客戶資料庫", customer_internet_service=None, core=None, e_trading=None),
    )
    client.post(
        reverse("register:create"),
        _system_data(
            name="內部郵件系統",
            customer_internet_service=None,
            core=None,
            stores_customer_data=None,
            stores_personal_data=None,
            e_trading=None,
            last_assessed_on="",
        ),
    )
    data = InformationSystem.objects.get(name="客戶資料庫")
    mail = InformationSystem.objects.get(name="內部郵件系統")
    assert data.system_class == 2 and "存放客戶資料" in data.class_reason.zh
    assert mail.system_class == 3
    # Tier 1 (12 months) is stricter than the ceilings, so both are yearly; from registration when never assessed.
    assert services.assessment_due(data).due == date(2026, 6, 30)
    assert services.assessment_due(mail).due == date(2025, 1, 15)


def test_override_requires_a_reason_and_is_audited(client, officer, firm_profile):
    system = InformationSystem.objects.create(name="官方網站", owner="行銷部", internet_facing=True)
    url = reverse("register:override", kwargs={"pk": system.pk})
    client.post(url, {"class_override": "2", "reason": "  "})
    system.refresh_from_db()
    assert system.class_override is None
    assert not AuditEvent.objects.filter(event_type="system_class_set").exists()

    client.post(url, {"class_override": "2", "reason": "存有客戶留言資料，從嚴列管"})
    system.refresh_from_db()
    assert system.system_class == 2 and system.derived_class[0] == 3
    assert "公司設定為第二類" in system.class_reason.zh and "從嚴列管" in system.class_reason.zh
    event = AuditEvent.objects.get(event_type="system_class_set")
    assert event.before["class_override"] is None and event.after["class_override"] == 2
    assert event.after["class_override_reason"] == "存有客戶留言資料，從嚴列管"

    client.post(url, {"class_override": "", "reason": ""})
    system.refresh_from_db()
    assert system.system_class == 3 and system.class_override_reason == ""
    cleared = AuditEvent.objects.get(event_type="system_class_cleared")
    assert cleared.before["class_override"] == 2 and cleared.after["class_override"] is None


def test_incident_moves_the_due_date_to_within_three_months(client, officer, firm_profile):
    today = timezone.localdate()
    last = today - timedelta(days=30)
    system = InformationSystem.objects.create(
        name="內部郵件系統", owner="資訊部", registered_on=date(2024, 1, 15), last_assessed_on=last
    )
    regular = add_months(last, 12)  # tier 1: the firm's 12 months
    assert services.assessment_due(system).due == regular
    confirmed = today - timedelta(days=10)
    client.post(
        reverse("register:incident", kwargs={"pk": system.pk}),
        {
            "incident-kind": "hacking",
            "incident-confirmed_on": confirmed.isoformat(),
            "incident-reference": "INC-2026-007",
        },
    )
    incident = Incident.objects.get()
    assert incident.recorded_by == officer
    due = services.assessment_due(system)
    assert due.due == add_months(confirmed, 3) < regular
    assert "AP-3.3" in due.reason.zh
    page = client.get(reverse("register:detail", kwargs={"pk": system.pk})).content.decode()
    assert "INC-2026-007" in page and due.due.isoformat() in page
    event = AuditEvent.objects.get(event_type="incident_recorded")
    assert (
        event.before["due"]["due"] == regular.isoformat() and event.after["due"]["due"] == due.due.isoformat()
    )


def test_incident_in_the_future_is_refused(client, officer):
    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("register:incident", kwargs={"pk": system.pk}),
        {
            "incident-kind": "hacking",
            "incident-confirmed_on": tomorrow.isoformat(),
            "incident-reference": "X",
        },
    )
    assert response.status_code == 302 and not Incident.objects.exists()


@pytest.mark.parametrize(
    ("reading", "size", "words"),
    [(SamplingReading.EITHER, 25, "取其小"), (SamplingReading.BOTH, 100, "取其大")],
)
def test_sample_size_arithmetic_in_both_readings(client, officer, make_user, reading, size, words):
    save_policies(FirmPolicies(sampling={"reading": reading}), officer)
    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部")
    DeviceGroup.objects.create(system=system, kind="endpoint", count=200, firm_owned=True)
    DeviceGroup.objects.create(system=system, kind="server", count=50, firm_owned=True)
    DeviceGroup.objects.create(system=system, kind="network", count=40, firm_owned=False)  # not sampled
    assert services.sampled_devices(system) == 250
    page = client.get(reverse("register:detail", kwargs={"pk": system.pk})).content.decode()
    assert f"<strong>{size}</strong>" in page
    assert "⌈250 × 10%⌉ = 25" in page and words in page
    assert ("「擇一」" if reading == SamplingReading.EITHER else "「從嚴」") in page


def test_device_group_added_and_removed_audited(client, officer):
    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部")
    client.post(
        reverse("register:device_group", kwargs={"pk": system.pk}),
        {"device-kind": "server", "device-count": "12", "device-firm_owned": "on", "device-note": "機房 A"},
    )
    group = DeviceGroup.objects.get()
    assert (group.count, group.firm_owned) == (12, True)
    client.post(reverse("register:device_group_delete", kwargs={"pk": group.pk}))
    assert not DeviceGroup.objects.exists()
    assert (
        AuditEvent.objects.filter(event_type__in=["device_group_added", "device_group_removed"]).count() == 2
    )


def _devices(name="devices_good.csv"):
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


def test_csv_sample_is_reproducible_and_downloadable(client, officer):
    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部")
    response = client.post(reverse("register:sample_draw", kwargs={"pk": system.pk}), {"file": _devices()})
    sample = DeviceSample.objects.get()
    assert response.url == reverse("register:sample", kwargs={"pk": sample.pk})
    assert (sample.device_count, sample.minimum, sample.size) == (250, 25, 25)
    assert len(set(sample.devices)) == 25 and sample.reading == "either"
    # Redrawing with the same list and the recorded seed gives the same sample.
    data = (DATA / "devices_good.csv").read_bytes()
    same, drawn = services.redraw(sample, data, "devices_good.csv")
    assert same and drawn == sample.devices
    again = services.draw_sample(system, data, "again.csv", user=officer, seed=int(sample.seed))
    assert again.devices == sample.devices and again.list_sha256 == sample.list_sha256
    page = client.post(reverse("register:sample_redraw", kwargs={"pk": sample.pk}), {"file": _devices()})
    assert "Same list, same seed" in page.content.decode() or "同一清單" in page.content.decode()
    download = client.get(reverse("register:sample_csv", kwargs={"pk": sample.pk}))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == sample.devices and rows[1][2] == sample.seed
    assert AuditEvent.objects.get(event_type="sample_drawn").after["seed"] == sample.seed


def test_bad_device_list_names_the_lines_and_stores_nothing(client, officer):
    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部")
    response = client.post(
        reverse("register:sample_draw", kwargs={"pk": system.pk}), {"file": _devices("devices_bad.csv")}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "devices_bad.csv:3" in page and "devices_bad.csv:5" in page
    assert not DeviceSample.objects.exists()


def test_sample_below_the_minimum_is_refused(client, officer):
    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部")
    response = client.post(
        reverse("register:sample_draw", kwargs={"pk": system.pk}), {"file": _devices(), "size": "10"}
    )
    assert "below the AP-3.2 minimum of 25" in response.content.decode()
    assert not DeviceSample.objects.exists()


def _upload_register(client, name):
    return client.post(
        reverse("register:import"), {"file": SimpleUploadedFile(name, (DATA / name).read_bytes())}
    )


def test_import_good_file_after_preview(client, officer):
    preview = _upload_register(client, "register_good.xlsx")
    assert preview.status_code == 200 and not InformationSystem.objects.exists()
    token = preview.context["token"]
    client.post(reverse("register:import"), {"action": "confirm", "token": token})
    assert InformationSystem.objects.count() == 4
    site = InformationSystem.objects.get(name="官方網站")
    assert site.class_override == 2 and site.system_class == 2
    assert AuditEvent.objects.filter(event_type="system_imported").count() == 4
    assert AuditEvent.objects.get(event_type="register_imported").detail["created"] == 4


def test_import_with_errors_needs_confirmation_of_the_valid_rows(client, officer):
    preview = _upload_register(client, "register_bad.csv")
    page = preview.content.decode()
    assert "register_bad.csv 第 4 行 line 4" in page and "core" in page
    token = preview.context["token"]
    client.post(reverse("register:import"), {"action": "confirm", "token": token})
    assert not InformationSystem.objects.exists()  # errors, not confirmed
    client.post(reverse("register:import"), {"action": "confirm", "token": token, "valid_only": "yes"})
    assert list(InformationSystem.objects.values_list("name", flat=True)) == ["電子下單系統"]
    assert AuditEvent.objects.get(event_type="register_imported").detail["rows_skipped"] == [3, 4, 5, 6, 7]


def test_import_is_one_transaction(client, officer, monkeypatch):
    """A failure at the third row (injected: the database refusing it) leaves nothing imported, no audit."""
    rows = [r for _l, r in register_io.read_csv((DATA / "register_good.csv").read_bytes()).rows]
    original = InformationSystem.save

    def refuse_third(self, *args, **kwargs):
        if self.name == rows[2].name:
            raise RuntimeError("refused by the database")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(InformationSystem, "save", refuse_third)
    request = client.get(reverse("register:list")).wsgi_request
    with pytest.raises(RuntimeError):
        services.import_rows(rows, request)
    assert not InformationSystem.objects.exists()
    assert not AuditEvent.objects.filter(event_type="system_imported").exists()


def test_export_round_trips_through_import(client, officer):
    _upload_register(client, "register_good.csv")
    token = client.session["register_import"]["token"]
    client.post(reverse("register:import"), {"action": "confirm", "token": token})
    before = {s.name: s.snapshot() for s in InformationSystem.objects.all()}
    for name, suffix in (("export_xlsx", "xlsx"), ("export_csv", "csv")):
        exported = client.get(reverse(f"register:{name}"))
        assert exported["Content-Disposition"].endswith(f'.{suffix}"')
        preview = client.post(
            reverse("register:import"), {"file": SimpleUploadedFile(f"back.{suffix}", exported.content)}
        )
        result = preview.context["result"]
        assert result.errors == [] and len(result.rows) == 4
        client.post(reverse("register:import"), {"action": "confirm", "token": preview.context["token"]})
        after = {s.name: s.snapshot() for s in InformationSystem.objects.all()}
        assert after == before
    # Nothing changed, so re-importing logged no system change.
    assert AuditEvent.objects.filter(event_type="system_imported").count() == 4


def test_decommissioned_system_owes_nothing_and_is_hidden(client, officer):
    system = InformationSystem.objects.create(name="舊行情系統", owner="資訊部")
    client.post(
        reverse("register:decommission", kwargs={"pk": system.pk}),
        {"decommissioned_on": timezone.localdate().isoformat()},
    )
    system.refresh_from_db()
    assert not system.active
    assert "舊行情系統" not in client.get(reverse("register:list")).content.decode()
    assert "舊行情系統" in client.get(reverse("register:list") + "?show=all").content.decode()
    assert AuditEvent.objects.get(event_type="system_decommissioned").after["decommissioned_on"]


def test_binding_controls_follow_scopes_and_the_soa(client, officer, firm_profile, catalog):
    system = InformationSystem.objects.create(name="電子下單系統", owner="資訊部", core=True, e_trading=True)
    ids = {row.control.id for row in services.binding_controls(system)}
    assert ids
    for cid in ids:
        assert set(catalog.control(cid).system_scope) <= system.scopes
    mail = InformationSystem.objects.create(name="郵件", owner="資訊部")
    assert all(
        set(catalog.control(c.control.id).system_scope) <= {"non_core"}
        for c in services.binding_controls(mail)
    )
    page = client.get(reverse("register:detail", kwargs={"pk": system.pk})).content.decode()
    assert f'href="/catalogue/{sorted(ids)[0]}/"' in page


def test_plan_approval_with_document_and_review_date(client, officer):
    response = client.post(
        reverse("register:plan_record"),
        {
            "title": "資通安全評估計畫 2026",
            "approver": "board",
            "approver_name": "董事會 第 12 屆第 5 次會議",
            "approved_on": "2023-03-15",
            "note": "",
            "document_file": SimpleUploadedFile(
                "minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf"
            ),
        },
    )
    assert response.url == reverse("register:plan")
    plan = AssessmentPlan.objects.get()
    assert plan.next_review == date(2026, 3, 15)
    assert plan.document.control_ids == ["AP-2.2"] and plan.document.effective_on == date(2023, 3, 15)
    status = services.plan_status(today=date(2026, 3, 16))
    assert status.overdue
    page = client.get(reverse("register:plan")).content.decode()
    assert "2026-03-15" in page
    assert AuditEvent.objects.get(event_type="assessment_plan_approved").after["approver"] == "board"


def test_dashboard_panel_lists_overdue_systems_and_missing_plan(client, officer):
    InformationSystem.objects.create(
        name="帳務系統",
        owner="資訊部",
        core=True,
        registered_on=date(2020, 1, 1),
        last_assessed_on=date(2021, 1, 1),
    )
    InformationSystem.objects.create(name="新系統", owner="資訊部")  # due a year from today: not listed
    page = client.get(reverse("catalogue:dashboard")).content.decode()
    assert 'id="register-panel"' in page and "帳務系統" in page and "新系統" not in page
    assert "AP-2.2" in page


def test_external_assessor_sees_no_register(client, make_user):
    sign_in_fully(client, make_user("external_assessor"))
    assert client.get(reverse("register:list")).status_code == 403
    assert 'id="register-panel"' not in client.get(reverse("catalogue:dashboard")).content.decode()


def test_demo_register_is_idempotent_and_classified(make_user):
    from zhengan.web.register import demo

    users = {"compliance_officer": make_user("compliance_officer")}
    demo.seed(users)
    demo.seed(users)
    assert InformationSystem.objects.count() == 4 and DeviceGroup.objects.count() == 7
    assert AssessmentPlan.objects.count() == 1
    classes = {s.name: int(s.system_class) for s in InformationSystem.objects.all()}
    assert classes == {"電子下單系統": 1, "帳務系統": 1, "內部郵件系統": 3, "官方網站": 3}
    mail = InformationSystem.objects.get(name="內部郵件系統")
    assert services.sampled_devices(mail) == 350 and services.sample_size(mail).size == 35
