"""Browser tests of the register: create a system and see its class and due date; record an incident and see
the date move; upload a device list and draw a sample."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.web.conftest import sign_in_with_code
from zhengan.schedule import add_months

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).resolve().parents[2] / "data" / "register"


def _english(page):
    page.click("#switch-language")
    page.wait_for_selector("h1:text('Dashboard')")


def test_register_a_system_record_an_incident_and_draw_a_sample(page, make_user, firm_profile):
    officer = make_user("compliance_officer")
    sign_in_with_code(page, officer)
    page.click("#nav-register")
    page.wait_for_selector("h1:text('資通系統')")
    page.click("#add-system")
    page.fill("#id_name", "電子下單系統")
    page.fill("#id_owner", "資訊部 交易系統科")
    page.check("#id_customer_internet_service")
    page.check("#id_core")
    page.fill("#id_core_functions", "交易、報價")
    page.check("#id_stores_customer_data")
    page.fill("#id_registered_on", "2024-01-15")
    last = timezone.localdate() - timedelta(days=30)
    page.fill("#id_last_assessed_on", last.isoformat())
    page.click("#save-system")
    page.wait_for_url(re.compile(r"/register/\d+/$"))
    assert "第一類（AP-3.1）" in page.inner_text("#system-class")
    regular = add_months(last, 12)  # security tier 1: the firm's 12 months
    assert page.inner_text("#due-date") == regular.isoformat()

    # A confirmed hacking attack: due within three months of the confirmation (AP-3.3).
    confirmed = timezone.localdate() - timedelta(days=3)
    page.click("#record-incident")
    page.select_option("#id_incident-kind", "hacking")
    page.fill("#id_incident-confirmed_on", confirmed.isoformat())
    page.fill("#id_incident-reference", "INC-2026-007")
    page.click("#save-incident")
    page.wait_for_selector("#incidents :text('INC-2026-007')")
    assert page.inner_text("#due-date") == add_months(confirmed, 3).isoformat()
    assert "AP-3.3" in page.inner_text("#due-reason")

    # Devices: 250 endpoints the firm owns -> at least 25 by the default reading.
    page.click("#add-devices")
    page.select_option("#id_device-kind", "endpoint")
    page.fill("#id_device-count", "250")
    page.click("#save-devices")
    page.wait_for_selector("#sample-size strong:text('25')")
    assert "⌈250 × 10%⌉ = 25" in page.inner_text("#sample-size")

    page.click("#draw-sample")
    page.set_input_files("#id_file", str(DATA / "devices_good.csv"))
    page.click("#draw")
    page.wait_for_url(re.compile(r"/register/samples/\d+/$"))
    assert page.locator("#drawn-devices li").count() == 25
    seed = page.inner_text("#seed")
    assert seed.isdigit()

    # Check: the same list again gives the same sample with the recorded seed.
    page.set_input_files("#id_file", str(DATA / "devices_good.csv"))
    page.click("#check")
    page.wait_for_selector("#check-result")
    assert "同一清單" in page.inner_text("#check-result")
    with page.expect_download() as download:
        page.click("#download-sample")
    assert download.value.suggested_filename.endswith(".csv")


def test_board_viewer_reads_but_cannot_edit(page, make_user):
    from zhengan.web.register.models import InformationSystem

    system = InformationSystem.objects.create(name="帳務系統", owner="資訊部", core=True)
    viewer = make_user("board_viewer")
    sign_in_with_code(page, viewer)
    page.goto(f"/register/{system.pk}/")
    assert "第一類" in page.inner_text("#system-class")
    assert page.locator("#edit-system").count() == 0
    assert page.locator("#override-form").count() == 0
    assert page.locator("#incident-form").count() == 0
