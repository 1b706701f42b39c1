"""Browser tests: Playwright drives Debian's chromium against a live server.

A failing test saves a screenshot under test-artifacts/web/.
"""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.web.conftest import sign_in, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_sign_in_forces_a_new_password_and_mfa_enrolment(page, db):
    from zhengan.web.accounts.models import User
    from zhengan.web.accounts.passwords import set_initial_password

    user = User(
        username="lin.compliance", full_name="林法遵", email="lin@example.com.tw", role="compliance_officer"
    )
    initial = set_initial_password(user)

    page.goto("/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.get_attribute("#id_password", "type") == "password"
    sign_in(page, "lin.compliance", initial)
    page.wait_for_url(re.compile(r"/accounts/me/password/"))
    assert "首次登入" in page.content()
    page.fill("#id_old_password", initial)
    page.fill("#id_new_password1", "Lin-Own-Choice-2026")
    page.fill("#id_new_password2", "Lin-Own-Choice-2026")
    page.click("#change-password")

    page.wait_for_url(re.compile(r"/accounts/me/mfa/"))
    assert page.locator(".qr svg").count() == 1
    secret = page.inner_text("#totp-secret").strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("#enrol")
    codes = page.locator("#recovery-codes li")
    assert codes.count() == 10
    page.click("#continue")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("h1").inner_text() == "總覽"

    page.click("text=法規目錄")
    page.fill("#q", "帳戶鎖定")
    page.click("button:has-text('搜尋')")
    page.wait_for_selector("a[href='/catalogue/SR-6.5/']")
    page.click("a[href='/catalogue/SR-6.5/']")
    assert "帳戶鎖定機制" in page.inner_text("#verbatim")

    user.refresh_from_db()
    assert user.mfa_enrolled and not user.must_change_password


def test_five_failures_lock_the_account(page, make_user):
    user = make_user()
    for attempt in range(5):
        sign_in(page, user.username, f"Wrong-Guess-{attempt}x")
        page.wait_for_selector(".errors")
    sign_in(page, user.username)  # the right password, too late
    page.wait_for_selector(".errors")
    assert "/accounts/login/code/" not in page.url
    assert "鎖定" in page.inner_text(".errors")
    user.refresh_from_db()
    assert user.is_locked()


def test_language_switch(page, make_user):
    user = make_user()
    sign_in_with_code(page, user)
    assert page.locator("h1").inner_text() == "總覽"
    page.click("#switch-language")
    page.wait_for_selector("h1:text('Dashboard')")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#switch-language")
    page.wait_for_selector("h1:text('總覽')")


def test_statement_of_applicability_page(page, make_user, firm_profile):
    user = make_user("compliance_officer")
    sign_in_with_code(page, user)
    page.goto("/firm/")
    assert firm_profile.name in page.inner_text("#firm-name")
    rows_before = page.locator("#soa tbody tr").count()
    assert rows_before > 0
    page.click("#edit-profile")
    page.select_option("#id_securities_category", "second")
    page.click("#save-profile")
    page.wait_for_selector("#soa-changes")
    assert "不再適用" in page.inner_text("#soa-changes")
    assert page.locator("#soa tbody tr").count() < rows_before
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename == "statement-of-applicability.xlsx"
