"""Browser: raise a finding, plan and remediate it with an evidence file, and the internal auditor verifies."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_raise_plan_remediate_and_verify(page, make_user, tmp_path):
    from zhengan.web.findings.models import Finding

    engineer = make_user("it_security")
    auditor = make_user("internal_auditor")
    sign_in_with_code(page, engineer)
    page.click("nav >> text=缺失")
    page.click("#raise-finding")
    assert "critical 15" in page.inner_text("#policy")
    page.fill("#id_title", "交易主機未設定帳戶鎖定")
    page.fill("#id_description", "TRADE01 的網域原則未設定帳戶鎖定閾值。")
    page.select_option("#id_category", "technical")
    page.fill("#id_topic", "身分鑑別")
    page.select_option("#id_severity", "high")
    page.fill("#id_risk", "密碼可被暴力破解")
    page.fill("#id_recommendation", "設定 5 次失敗鎖定 15 分鐘")
    page.fill("#id_control_ids", "SR-6.5")
    page.click("#save-finding")
    page.wait_for_url(re.compile(r"/findings/\d+/$"))
    assert page.get_attribute("#finding-status", "data-status") == "open"
    assert "high: 30" in page.inner_text("#deadline-basis")

    page.click("#plan")
    page.fill("#id_plan", "更新 GPO 並重新套用")
    page.fill("#id_planned_on", "2030-01-31")
    page.click("#save-step")
    page.wait_for_selector("#finding-status[data-status='planned']")

    evidence = tmp_path / "gpo-change.txt"
    evidence.write_text("LockoutBadCount = 5\nLockoutDuration = 15\n", encoding="utf-8")
    page.click("#remediate")
    page.fill("#id_remediation", "GPO 已更新，TRADE01 重新套用")
    page.set_input_files("#id_file", str(evidence))
    page.click("#save-step")
    page.wait_for_selector("#finding-status[data-status='remediated']")
    assert "gpo-change.txt" in page.inner_text("#evidence")
    assert page.locator("#verify").count() == 0  # the engineer cannot verify
    page.click("#logout")

    sign_in_with_code(page, auditor)
    finding = Finding.objects.get()
    page.goto(f"/findings/{finding.pk}/")
    page.click("#verify")
    page.check("#id_outcome_0")
    page.fill("#id_note", "抽查 TRADE01 設定無誤")
    page.click("#save-step")
    page.wait_for_selector("#finding-status[data-status='verified']")
    history = page.inner_text("#history")
    assert "抽查 TRADE01 設定無誤" in history and auditor.full_name in history
    finding.refresh_from_db()
    assert finding.status == "verified" and finding.evidence.count() == 1


def test_import_a_check_result_and_see_the_findings_listed(page, make_user, tmp_path):
    """The IT security engineer uploads a password-policy result the check wrote, previews, confirms."""
    from pathlib import Path

    from zhengan.checks.identity import password_policy
    from zhengan.web.findings.models import Finding

    weak = Path(__file__).resolve().parents[2] / "data" / "identity" / "secedit" / "fs02-weak.inf"
    result_file = tmp_path / "fs02-password-policy.json"
    result_file.write_text(password_policy.run([weak], ["securities"]).to_json(), encoding="utf-8")

    engineer = make_user("it_security")
    sign_in_with_code(page, engineer)
    page.click("nav >> text=缺失")
    page.click("#import-findings")
    page.set_input_files("#id_files", str(result_file))
    page.click("#preview-import")
    page.wait_for_selector("#import-lines")
    assert page.locator("#import-lines tr[data-outcome='new']").count() == 7
    assert not Finding.objects.exists()  # the preview wrote nothing
    page.click("#confirm-import")
    page.wait_for_url(re.compile(r"/findings/$"))
    listed = page.inner_text("#findings")
    references = list(Finding.objects.values_list("reference", flat=True))
    assert len(references) == 7 and all(reference in listed for reference in references)
    assert "帳戶鎖定閾值" in listed
    assert "7" in page.inner_text(".messages")
