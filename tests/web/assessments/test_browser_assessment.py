"""Browser: the main path of issue 6 — plan, be stopped by a missing qualification, add it, start, record a
result with evidence (as the external assessor), complete, issue the report and download the PDF."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from tests.web.assessments.conftest import ALL_CATEGORIES, make_assessor, record_section_4
from tests.web.conftest import sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_start_record_complete_issue_and_download(page, browser, live_server, make_user, firm_profile):
    from zhengan.web.assessments.models import Assessment
    from zhengan.web.findings.models import Finding
    from zhengan.web.register.models import InformationSystem

    system = InformationSystem.objects.create(
        name="網路下單系統 e-Trade", owner="電子交易部", core=True, customer_internet_service=True
    )
    officer = make_user("compliance_officer", username="lin.compliance", full_name="林法遵")
    outsider = make_user("external_assessor", username="wu.assessor", full_name="吳評估")
    assessor = make_assessor(outsider, categories=[c for c in ALL_CATEGORIES if c[0] != "AP-7.2.3"])

    # The compliance officer plans the assessment.
    sign_in_with_code(page, officer)
    page.click("#nav-assessments")
    page.click("#plan-assessment")
    page.fill("#id_title", "2026 年度網路下單系統資安評估")
    page.check(f"input[name=systems][value='{system.pk}']")
    page.fill("#id_period_start", "2026-01-01")
    page.fill("#id_period_end", "2026-12-31")
    page.select_option("#id_unit_kind", "external")
    page.fill("#id_unit_name", "安信資安顧問股份有限公司")
    page.check(f"input[name=team][value='{assessor.pk}']")
    page.click("#save-plan")
    page.wait_for_selector("#assessment-title")
    assessment = Assessment.objects.get()
    assert "AP-7.2.3" in page.inner_text("#team-problems")

    # Starting is refused, and the message names the missing category.
    page.click("#start")
    page.wait_for_selector(".messages .error")
    assert "AP-7.2.3" in page.inner_text(".messages .error")
    assert page.get_attribute("#status", "data-status") == "planned"

    # Add the attack-simulation qualification, then start.
    page.goto(f"/assessments/assessors/{assessor.pk}/")
    page.select_option("#id_q-category", "AP-7.2.3")
    page.fill("#id_q-name", "CEH")
    page.fill("#id_q-certificate_number", "ECC-55310")
    page.fill("#id_q-expires_on", "2030-06-30")
    page.click("#add-qualification")
    page.wait_for_selector("#qualifications >> text=ECC-55310")
    page.goto(f"/assessments/{assessment.pk}/")
    page.wait_for_selector("#team-ok")
    page.click("#start")
    page.wait_for_selector("#status[data-status='in_progress']")

    # The external assessor on the team records a result with evidence, in a browser of their own.
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    other = context.new_page()
    other.set_default_timeout(15000)
    sign_in_with_code(other, outsider)
    other.click("#nav-assessments")
    other.click(f"a[href='/assessments/{assessment.pk}/']")
    other.click(f"tr[data-control='AP-4.1.1'][data-system='{system.pk}'] a.record-link")
    other.select_option("#id_value", "not_applicable")
    other.click("#save-result")
    other.wait_for_selector(".errors, .errorlist")  # not applicable needs a reason
    other.select_option("#id_value", "non_compliant")
    other.fill("#id_note", "外部防火牆允許 any 來源連線 3389/tcp")
    other.fill("#id_evidence_title", "防火牆規則匯出")
    other.set_input_files(
        "#id_evidence_file",
        files=[{"name": "fw-rules.txt", "mimeType": "text/plain", "buffer": b"rule 17 permit any any 3389"}],
    )
    other.click("#save-result")
    row = other.locator(f"tr[data-control='AP-4.1.1'][data-system='{system.pk}']")
    row.locator("text=防火牆規則匯出").wait_for()
    assert "3389/tcp" in row.inner_text()
    context.close()

    # A finding raised in the assessment (the findings app's pages are another helper's).
    Finding.objects.create(
        reference="F-2026-001",
        title="外部防火牆開放遠端桌面",
        description="規則 17 允許任意來源連線 3389/tcp",
        category="technical",
        topic="網路安全",
        severity="high",
        risk="遠端桌面服務直接暴露於網際網路",
        recommendation="移除規則 17",
        control_ids=["AP-4.1.1"],
        assessment=assessment,
        fingerprint="browser-f-2026-001",
        deadline=date(2026, 12, 5),
        deadline_basis="high",
    )

    # The compliance officer completes the assessment and issues the report: first refused while section 4
    # items have no result (AP-4), then, once the team has recorded them all, completed.
    page.reload()
    assert page.locator("#section-4-missing").is_visible()
    page.click("#complete")
    page.wait_for_selector("ul.messages li.error")
    assert "AP-4" in page.content() and page.locator("#status").get_attribute("data-status") == "in_progress"
    record_section_4(assessment, outsider)
    page.reload()
    assert page.locator("#section-4-missing").count() == 0
    page.click("#complete")
    page.wait_for_selector("#status[data-status='completed']")
    system.refresh_from_db()
    assert system.last_assessed_on is not None
    page.click("#issue")
    page.wait_for_selector("#frozen", timeout=60000)
    with page.expect_download() as download_info:
        page.click("#reports a[data-filename$='.pdf']")
    path = download_info.value.path()
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(path).pages)
    for needle in ["資通系統資通安全評估報告", "ECC-55310", "外部防火牆開放遠端桌面", "六、社交工程演練結果"]:
        assert needle in text, needle
    assert re.search(r"/assessments/\d+/$", page.url)
    assert page.locator("#start, #complete, #issue, a.record-link").count() == 0
