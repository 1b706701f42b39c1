"""Browser tests of the calendar pages: the overdue list, the month view, and completing an obligation
with an evidence file, after which the next due date moves."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.web.conftest import sign_in_with_code
from zhengan.schedule import add_months

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overdue_list_month_view_and_completing_with_evidence(
    page, make_user, firm_profile, calendar_from, tmp_path
):
    today = timezone.localdate()
    calendar_from(add_months(today, -7))  # SR-3.3 (every half year) was due a month ago
    user = make_user("it_security")
    sign_in_with_code(page, user)

    page.click("header nav a[href='/obligations/']")
    page.wait_for_url(re.compile(r"/obligations/$"))
    overdue = page.locator("#overdue tr[data-key='SR-3.3']")
    assert overdue.count() == 1
    assert add_months(today, -1).isoformat() in overdue.inner_text()
    assert "逾期" in overdue.locator("strong.overdue").inner_text()

    page.click("#obligation-tabs a[href='/obligations/month/']")
    assert f"{today:%Y-%m}" in page.inner_text("#month-title")
    page.click("#previous-month")
    due = add_months(today, -1)
    page.wait_for_url(re.compile(rf"month={due:%Y-%m}"))
    cell = page.locator(f"#month td[data-day='{due.isoformat()}']")
    assert "SR-3.3" in cell.inner_text()
    page.click("#next-month")
    page.wait_for_url(re.compile(rf"month={today:%Y-%m}"))

    page.goto("/obligations/")
    page.click("#overdue tr[data-key='SR-3.3'] td:nth-child(3) a")
    assert page.inner_text("#next-due") == due.isoformat()
    assert "SR-3.3" in page.inner_text("#obligation-title")
    evidence = tmp_path / "account-review.csv"
    evidence.write_text("帳號,結果\nold.contractor,停用\n", encoding="utf-8")
    page.fill("#id_done_on", today.isoformat())
    page.fill("#id_note", "半年度帳號審查完成")
    page.set_input_files("#id_files", str(evidence))
    page.click("#complete")
    page.wait_for_selector(".messages")
    assert page.inner_text("#next-due") == add_months(today, 6).isoformat()
    assert "account-review.csv" in page.inner_text("#history")

    page.goto("/obligations/")
    assert page.locator("#overdue tr[data-key='SR-3.3']").count() == 0


def test_the_feed_page_shows_the_address_once(page, make_user, firm_profile, calendar_from):
    calendar_from(timezone.localdate())
    sign_in_with_code(page, make_user("compliance_officer"))
    page.goto("/obligations/feed/")
    assert page.locator("#feed-none").count() == 1
    page.click("#new-feed")
    url = page.inner_text("#feed-url")
    assert re.search(r"/obligations/feed/\d+/[A-Za-z0-9_-]+\.ics$", url)
    page.goto("/obligations/feed/")
    assert page.locator("#feed-exists").count() == 1 and page.locator("#feed-url").count() == 0
