"""`zhengan check password-policy | accounts | mfa` through the real Typer application."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from zhengan.cli import app

from .conftest import PROFILES

runner = CliRunner()
ENV = {"COLUMNS": "200"}


def test_check_help_lists_identity_commands_in_both_languages() -> None:
    result = runner.invoke(app, ["check", "--help"], env=ENV)
    assert result.exit_code == 0
    for name, zh, en in [
        ("password-policy", "檢查密碼與帳戶鎖定原則", "Check password and lockout policy."),
        ("accounts", "半年度帳號審查", "Review accounts, write the record."),
        ("mfa", "檢查多因子認證", "Check multi-factor authentication."),
    ]:
        line = next(line for line in result.output.splitlines() if f" {name} " in line)
        assert zh in line and en in line


def test_password_policy_command(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(
        app,
        ["check", "password-policy", str(data / "secedit/fs02-weak.inf"),
         "--profile", str(PROFILES / "first_category_securities.yaml"), "--json", str(out)],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "不符合" in result.output and "SR-6.5" in result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["check"] == "identity.password_policy" and saved["parameters"]["kinds"] == ["securities"]


def test_password_policy_command_passing(data: Path) -> None:
    result = runner.invoke(
        app,
        ["check", "password-policy", str(data / "secedit/dc01-compliant.inf"),
         "--profile", str(PROFILES / "second_category_securities.yaml"), "--show-passed"],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "符合 pass" in result.output


def test_futures_profile_applies_futures_rules(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "r.json"
    runner.invoke(
        app,
        ["check", "password-policy", str(data / "secedit/dc01-compliant.inf"),
         "--profile", str(PROFILES / "futures_internet.yaml"), "--json", str(out)],
        env=ENV,
    )  # fmt: skip
    rules = {o["rule"] for o in json.loads(out.read_text(encoding="utf-8"))["observations"]}
    assert "password.fc.lockout_threshold" in rules and not any(r.startswith("password.sr.") for r in rules)


def test_accounts_command_writes_the_record(tmp_path: Path, data: Path) -> None:
    output = tmp_path / "review.xlsx"
    result = runner.invoke(
        app,
        ["check", "accounts", str(data / "accounts/zhengan/order-system.csv"), "--roster", str(data / "hr/roster.csv"),
         "--profile", str(PROFILES / "first_category_securities.yaml"), "-o", str(output), "--as-of", "2026-06-30"],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert output.exists() and "審查紀錄已寫入" in result.output
    assert "order-system.csv:15 [enabled]" in result.output  # the quarantined row, named
    assert load_workbook(output)["帳號審查 Review"].max_row == 14


def test_accounts_command_bad_date(tmp_path: Path, data: Path) -> None:
    result = runner.invoke(
        app,
        ["check", "accounts", str(data / "accounts/zhengan/order-system.csv"),
         "--profile", str(PROFILES / "first_category_securities.yaml"), "-o", str(tmp_path / "r.xlsx"),
         "--as-of", "30/06/2026"],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 2 and "yyyy-mm-dd" in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_mfa_command(data: Path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            "mfa",
            str(data / "mfa/securities-channels.yaml"),
            "--profile",
            str(PROFILES / "first_category_securities.yaml"),
        ],
        env=ENV,
    )
    assert result.exit_code == 1
    assert "CC17010-5.1" in result.output and "api-ordering" in result.output


def test_bad_profile_exits_2(tmp_path: Path, data: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("name: x\nkinds: [banking]\n", encoding="utf-8")
    result = runner.invoke(
        app, ["check", "mfa", str(data / "mfa/securities-channels.yaml"), "--profile", str(profile)], env=ENV
    )
    assert result.exit_code == 2
    assert "p.yaml" in result.output


def test_bad_thresholds_exits_2(tmp_path: Path, data: Path) -> None:
    limits = tmp_path / "t.yaml"
    limits.write_text("accounts:\n  idle_days: -5\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["check", "mfa", str(data / "mfa/securities-channels.yaml"),
         "--profile", str(PROFILES / "first_category_securities.yaml"), "--thresholds", str(limits)],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 2 and "accounts.idle_days" in result.output
