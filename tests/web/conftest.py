"""Fixtures of the web tests. Django is configured here, for tests/web only.

The same tests run on SQLite (default: a throw-away data directory) and on PostgreSQL when DATABASE_URL
is set, e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test (the test database is
`test_zhengan_web`, created and dropped by pytest-django).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

import pyotp
import pytest

os.environ.setdefault("ZHENGAN_DATA_DIR", tempfile.mkdtemp(prefix="zhengan-web-test-"))
os.environ.setdefault("ZHENGAN_SECRET_KEY", "test-only-secret-key-not-for-production-" + "x" * 20)
os.environ["DJANGO_SETTINGS_MODULE"] = "zhengan.web.settings"
# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "web"
PASSWORD = "Kx7!harbour-Lantern"  # passes the policy; not used outside tests


def pytest_configure(config):
    """Set Django up here (pytest-django found no settings at start-up: they are ours, for tests/web)."""
    import django.apps
    from django.conf import settings
    from pytest_django.plugin import _setup_django

    settings.INSTALLED_APPS  # noqa: B018  (loads the settings module)
    if not django.apps.apps.ready:
        _setup_django(config)


def next_code(secret: str) -> str:
    """A valid TOTP code not yet used: the next step's (accepted with one step of drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def make_user(db):
    from django.utils import timezone

    from zhengan.web.accounts.models import User

    counter = {"n": 0}

    def make(role: str = "compliance_officer", *, enrolled: bool = True, must_change: bool = False, **fields):
        counter["n"] += 1
        username = fields.pop("username", f"{role.replace('_', '.')}{counter['n']}")
        user = User(
            username=username,
            full_name=fields.pop("full_name", f"Test {role}"),
            email=fields.pop("email", f"{username}@example.com.tw"),
            role=role,
            **fields,
        )
        user.set_password(PASSWORD)
        user.must_change_password = must_change
        if enrolled:
            user.totp_secret = pyotp.random_base32()
            user.mfa_enrolled_at = timezone.now()
        user.save()
        return user

    return make


def sign_in_fully(client, user) -> None:
    """A session that passed both factors (for tests that are not about signing in)."""
    client.force_login(user)
    session = client.session
    session["mfa_verified"] = True
    session.save()


@pytest.fixture
def firm_profile(db):
    """The demo firm: the first-category example profile."""
    import json

    from zhengan.profile import load_profile
    from zhengan.web.firm.models import FirmProfileRecord

    profile = load_profile(REPO / "examples" / "profiles" / "first_category_securities.yaml")
    FirmProfileRecord.objects.create(id=1, data=json.loads(profile.model_dump_json()))
    return profile


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    """Each test stores evidence files in a directory of its own."""
    settings.ZHENGAN_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.ZHENGAN_EVIDENCE_DIR


# --- Browser tests: Playwright driving Debian's chromium against a live server -----------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def sign_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#sign-in")


def sign_in_with_code(page, user):
    sign_in(page, user.username)
    page.wait_for_url(re.compile(r"/accounts/login/code/"))
    page.fill("#id_code", next_code(user.totp_secret))
    page.click("#verify")
    page.wait_for_url(re.compile(r"/$"))


# --- A real SMTP server on loopback (aiosmtpd), with Django's mail pointed at it ---------------------


class Inbox:
    """An aiosmtpd handler keeping every message received."""

    def __init__(self):
        from aiosmtpd.handlers import Message

        class _Handler(Message):
            def handle_message(handler, message):
                self.messages.append(message)

        self.messages = []
        self.handler = _Handler()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Yield the inbox of an SMTP server on 127.0.0.1 that Django's e-mail settings point at."""
    from aiosmtpd.controller import Controller
    from django.test import override_settings

    inbox = Inbox()
    controller = Controller(inbox.handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        DEFAULT_FROM_EMAIL="zhengan@example.com.tw",
    ):
        yield inbox
    controller.stop()
