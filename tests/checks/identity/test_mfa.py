"""Multi-factor authentication: two of three categories (CC17010-4, SR-6.2) and certificate factors (CC17010-5.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengan.checks.identity import mfa
from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.thresholds import IdentityThresholds
from zhengan.checks.result import Status


def by_channel(result, rule: str) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {o.subject.removeprefix("channel "): o.status for o in result.observations if o.rule == rule}


@pytest.fixture
def declaration(data: Path) -> Path:
    return data / "mfa/securities-channels.yaml"


def test_two_of_three_categories(declaration: Path, thresholds: IdentityThresholds) -> None:
    result = mfa.run(declaration, ["securities"], True, thresholds)
    login = by_channel(result, "mfa.login_categories")
    assert login["web-ordering"] is Status.PASS  # password + order certificate
    assert login["mobile-app"] is Status.PASS  # three categories
    assert login["staff-vpn"] is Status.PASS
    assert login["voice-ordering"] is Status.PASS  # a custom inherence factor
    assert login["api-ordering"] is Status.FAIL  # password + PIN: one category
    assert login["branch-terminal"] is Status.INFO  # not over the internet
    api = next(
        o
        for o in result.observations
        if o.subject == "channel api-ordering" and o.rule == "mfa.login_categories"
    )
    assert "count once" in api.message.en
    assert api.control_ids == ["CC17010-4", "SR-6.2", "CC17010-3.3"]
    assert api.source is not None and api.source.line == 23
    vpn = next(o for o in result.observations if o.subject == "channel staff-vpn")
    assert "CC17010-3.3" not in vpn.control_ids  # staff channel: not customer internet ordering


def test_certificate_factors_differ_from_login(declaration: Path, thresholds: IdentityThresholds) -> None:
    result = mfa.run(declaration, ["securities"], True, thresholds)
    cert = by_channel(result, "mfa.certificate_factors")
    assert cert["web-ordering"] is Status.PASS  # adds an SMS OTP not used at login
    assert cert["mobile-app"] is Status.FAIL  # the same factors as login
    assert cert["api-ordering"] is Status.ERROR  # not declared
    assert cert["voice-ordering"] is Status.PASS
    assert "staff-vpn" not in cert
    assert not result.passed


def test_all_different_reading(declaration: Path, thresholds: IdentityThresholds) -> None:
    strict = thresholds.model_copy(
        update={"mfa": thresholds.mfa.model_copy(update={"certificate_factors": "all_different"})}
    )
    cert = by_channel(mfa.run(declaration, ["securities"], True, strict), "mfa.certificate_factors")
    assert cert["web-ordering"] is Status.FAIL  # the password is shared with login
    assert cert["voice-ordering"] is Status.FAIL


def test_certificate_factors_must_be_multi_factor(tmp_path: Path, thresholds: IdentityThresholds) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "channels:\n  - id: web\n    internet: true\n    audience: customer\n    ordering: true\n"
        "    login_factors: [password, order_certificate]\n    certificate_factors: [sms_otp]\n",
        encoding="utf-8",
    )
    observation = next(
        o
        for o in mfa.run(path, ["securities"], True, thresholds).observations
        if o.rule == "mfa.certificate_factors"
    )
    assert observation.status is Status.FAIL and "not multi-factor" in observation.message.en


def test_certificate_rule_binds_only_internet_ordering_securities(
    declaration: Path, thresholds: IdentityThresholds
) -> None:
    result = mfa.run(declaration, ["securities"], False, thresholds)
    assert all(s is Status.INFO for s in by_channel(result, "mfa.certificate_factors").values())


def test_futures_only_firm_is_informed(declaration: Path, thresholds: IdentityThresholds) -> None:
    result = mfa.run(declaration, ["futures"], False, thresholds)
    assert {o.status for o in result.observations} == {Status.INFO}
    assert all(not any(c.startswith(("SR-", "CC17010")) for c in o.control_ids) for o in result.observations)


def test_unknown_factor_names_its_line(data: Path) -> None:
    with pytest.raises(ReadError) as caught:
        mfa.read_declaration(data / "mfa/unknown-factor.yaml")
    assert caught.value.source.line == 6
    assert caught.value.source.field == "channels.0.login_factors.1"
    assert "magic_link" in caught.value.message.zh


def test_invalid_declaration_is_an_error_in_the_result(data: Path, thresholds: IdentityThresholds) -> None:
    result = mfa.run(data / "mfa/bad-audience.yaml", ["securities"], True, thresholds)
    assert result.observations == [] and not result.passed
    assert (result.errors[0].source.line, result.errors[0].source.field) == (4, "channels.0.audience")
