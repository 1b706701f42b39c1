"""Dashboard, catalogue browser, control page, firm profile with its statement of applicability and
exports, the language switch, error pages and security headers."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from tests.web.conftest import sign_in_fully
from zhengan.web.audit.models import AuditEvent
from zhengan.web.firm.models import FirmProfileRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, make_user):
    user = make_user("compliance_officer")
    sign_in_fully(client, user)
    return user


def test_dashboard_counts_applicable_controls_by_document_and_strength(
    client, officer, firm_profile, catalog
):
    from zhengan.applicability import statement

    page = client.get("/")
    assert page.status_code == 200
    rows = {row["document"].prefix: row for row in page.context["documents"]}
    assert set(rows) == {d.prefix for d in catalog.documents}
    soa = statement(catalog, firm_profile)
    expected_sr = sum(1 for d in soa.applicable() if d.control_id.startswith("SR-"))
    assert rows["SR"]["applicable"] == expected_sr > 0
    # A first-category securities firm is not a futures firm: FC does not bind it.
    assert rows["FC"]["applicable"] == 0 and rows["FC"]["total"] > 0
    assert "?doc=SR&strength=must&applies=yes" in page.content.decode()


def test_catalogue_search_in_chinese_and_english(client, officer, firm_profile):
    chinese = client.get(reverse("catalogue:browse"), {"q": "帳戶鎖定"})
    assert "SR-6.5" in [c.id for c, _ in chinese.context["controls"]]
    english = client.get(reverse("catalogue:browse"), {"q": "lockout"})
    assert "SR-6.5" in [c.id for c, _ in english.context["controls"]]


def test_catalogue_filters(client, officer, firm_profile, catalog):
    page = client.get(reverse("catalogue:browse"), {"doc": "AP", "strength": "must"})
    controls = [c for c, _ in page.context["controls"]]
    assert controls and all(c.id.startswith("AP-") and c.strength.value == "must" for c in controls)
    tagged = client.get(reverse("catalogue:browse"), {"tag": "access_control"})
    assert all("access_control" in c.tags for c, _ in tagged.context["controls"])
    half_yearly = client.get(reverse("catalogue:browse"), {"period": "half_yearly"})
    assert half_yearly.context["controls"]
    assert all(c.period.value == "half_yearly" for c, _ in half_yearly.context["controls"])
    not_applying = client.get(reverse("catalogue:browse"), {"applies": "no", "doc": "FC"})
    assert len(not_applying.context["controls"]) == len(catalog.document("FC").controls)


def test_htmx_gets_only_the_results(client, officer):
    partial = client.get(reverse("catalogue:browse"), {"q": "lockout"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "SR-6.5" in html and "<html" not in html


def test_control_page_has_text_english_related_and_the_reason(client, officer, firm_profile, catalog):
    control = catalog.control("SR-6.5")
    page = client.get(reverse("catalogue:control", kwargs={"control_id": "SR-6.5"}))
    html = page.content.decode()
    assert control.text[:30] in html
    assert control.text_en[:30] in html
    for related in catalog.related("SR-6.5"):
        assert f'href="/catalogue/{related}/"' in html
    assert page.context["decision"].applies
    assert page.context["decision"].reason.zh in html
    assert client.get(reverse("catalogue:control", kwargs={"control_id": "SR-99.9"})).status_code == 404


def _form(profile, **changes):
    from zhengan.web.firm.forms import FirmProfileForm

    data = FirmProfileForm.initial_from(profile)
    data.update(changes)
    post = {}
    for key, value in data.items():
        if isinstance(value, bool):
            if value:
                post[key] = "on"
        elif value is not None:
            post[key] = value
    return post


def test_editing_the_profile_changes_the_statement(client, officer, firm_profile):
    before = FirmProfileRecord.objects.get(id=1).data
    response = client.post(reverse("firm:edit"), _form(firm_profile, securities_category="second"))
    assert response.url == reverse("firm:profile")
    assert FirmProfileRecord.objects.get(id=1).data["securities_category"] == "second"
    page = client.get(reverse("firm:profile"))
    changes = page.context["changes"]
    assert changes["no_longer_apply"], "first-category-only controls stop applying"
    assert not changes["now_apply"]
    event = AuditEvent.objects.get(event_type="firm_profile_updated")
    assert event.before == before and event.after["securities_category"] == "second"
    assert event.user_id == officer.pk


def test_profile_errors_are_shown_in_both_languages(client, officer, firm_profile):
    response = client.post(reverse("firm:edit"), _form(firm_profile, securities_category=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "證券商須填第一類(first)或第二類(second)" in html
    assert "a securities firm must say first or second" in html
    assert FirmProfileRecord.objects.get(id=1).data["securities_category"] == "first"
    response = client.post(reverse("firm:edit"), _form(firm_profile, name=""))
    assert response.status_code == 200 and FirmProfileRecord.objects.get(id=1).data["name"]


def test_soa_exports(client, officer, firm_profile, catalog):
    xlsx = client.get(reverse("firm:export_xlsx"))
    assert xlsx.status_code == 200
    assert "statement-of-applicability.xlsx" in xlsx["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book.worksheets
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert "SR-6.5" in cells
    csv_response = client.get(reverse("firm:export_csv"))
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    ids = {row[0] for row in rows[1:]}
    assert set(catalog.controls) <= ids
    assert AuditEvent.objects.filter(event_type="soa_exported").count() == 2


def test_soa_page_lists_decisions_with_reasons(client, officer, firm_profile):
    page = client.get(reverse("firm:profile"))
    assert page.status_code == 200
    decisions = [d for d, _ in page.context["rows"]]
    assert decisions and all(d.applies for d in decisions)
    everything = client.get(reverse("firm:profile"), {"show": "all"})
    assert len(everything.context["rows"]) > len(decisions)


def test_chinese_is_the_default_and_english_one_click_away(client, officer):
    page = client.get("/").content.decode()
    assert "總覽" in page and 'lang="zh-Hant-TW"' in page
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.url == "/"
    english = client.get("/").content.decode()
    assert "Dashboard" in english and 'lang="en"' in english
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert "總覽" in client.get("/").content.decode()


def test_catalogue_text_follows_the_language(client, officer, catalog):
    control = catalog.control("SR-6.5")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("catalogue:browse"), {"doc": "SR"}).content.decode()
    document = catalog.document("SR")
    assert escape(document.title.en) in page and document.title.zh not in page
    assert control.id in page


@override_settings(ROOT_URLCONF="tests.web.urls_broken")
def test_error_pages_show_a_code_never_a_trace(make_user):
    client = Client(raise_request_exception=False)
    sign_in_fully(client, make_user())
    page = client.get("/broken/")
    html = page.content.decode()
    assert page.status_code == 500
    assert "E500" in html and "參考編號" in html
    assert "hunter2" not in html and "Traceback" not in html and "RuntimeError" not in html
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404 and "E404" in missing.content.decode()


def test_csrf_failure_is_a_short_page(make_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403 and "E403-CSRF" in response.content.decode()


def test_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_login_page_does_not_authenticate_in_the_browser(client):
    """SR-3.10: the page carries no script that checks credentials; the form posts to the server."""
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<form method="post"' in html
    assert "<script>" not in html  # only the vendored htmx file, no inline script


def test_profile_json_is_validated_on_the_way_in(officer, firm_profile):
    from zhengan.profile import FirmProfile

    stored = FirmProfileRecord.objects.get(id=1).data
    assert FirmProfile.model_validate(stored) == firm_profile
    assert json.loads(json.dumps(stored)) == stored


def test_a_browser_asking_for_english_still_starts_in_chinese(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登入" in page


def test_static_files_are_found():
    from django.contrib.staticfiles import finders

    assert finders.find("zhengan/htmx.min.js") and finders.find("zhengan/site.css")
