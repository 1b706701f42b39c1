"""`zhengan createuser`, `zhengan demo`, and `check --deploy` on the production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from zhengan.cli import app
from zhengan.web.accounts.models import User
from zhengan.web.audit.chain import verify
from zhengan.web.audit.models import AuditEvent
from zhengan.web.firm.models import FirmProfileRecord

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_createuser_prints_a_one_time_password():
    result = runner.invoke(
        app,
        [
            "createuser",
            "tsai.compliance",
            "--email",
            "tsai@example.com.tw",
            "--name",
            "蔡法遵",
            "--role",
            "compliance_officer",
        ],
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="tsai.compliance")
    password = result.output.split("one-time initial password:")[1].split()[0]
    assert user.check_password(password)
    assert user.must_change_password and not user.mfa_enrolled
    assert AuditEvent.objects.filter(event_type="user_created", object_id=str(user.pk)).exists()


def test_createuser_refuses_shared_accounts():
    result = runner.invoke(
        app,
        ["createuser", "admin", "--email", "a@example.com.tw", "--name", "Admin", "--role", "administrator"],
    )
    assert result.exit_code == 2
    assert "SR-6.1" in result.output
    assert not User.objects.filter(username="admin").exists()


def test_createuser_refuses_unknown_roles():
    result = runner.invoke(
        app,
        ["createuser", "ho.someone", "--email", "h@example.com.tw", "--name", "Ho", "--role", "superuser"],
    )
    assert result.exit_code == 2 and "role" in result.output


def test_demo_loads_the_firm_and_one_user_per_role(monkeypatch):
    from zhengan.web.accounts.roles import ROLES

    monkeypatch.chdir(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    first = runner.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert FirmProfileRecord.objects.get(id=1).data["securities_category"] == "first"
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(ROLES)
    lin = User.objects.get(username="lin.compliance")
    line = next(line for line in first.output.splitlines() if "lin.compliance" in line)
    password = line.split("│")[3].strip()
    assert lin.check_password(password) and lin.must_change_password
    # Running it again keeps the firm and the users; unused passwords are replaced.
    second = runner.invoke(app, ["demo", "--no-serve"])
    assert second.exit_code == 0
    assert User.objects.count() == len(ROLES)
    lin.refresh_from_db()
    assert not lin.check_password(password)
    assert verify().ok


def test_check_deploy_is_clean_for_production(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhengan.web.settings_production",
        "ZHENGAN_DATA_DIR": str(tmp_path),
        "ZHENGAN_SECRET_KEY": "",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in tests only
    result = subprocess.run(
        [sys.executable, "-m", "zhengan.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    key = tmp_path / "secret_key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_text()) >= 50


def test_development_settings_keep_debug_off(settings):
    assert settings.DEBUG is False
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.mark.parametrize(
    "command",
    [["remind", "--dry-run"], ["audit", "verify"], ["audit", "anchor"], ["findings", "import", "x.json"]],
)
def test_record_commands_refuse_an_unmigrated_database(tmp_path, command):
    env = {**os.environ, "ZHENGAN_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "from zhengan.cli import app; app()", *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not migrated" in result.stderr and "zhengan manage migrate" in result.stderr
    assert "Traceback" not in result.stderr
