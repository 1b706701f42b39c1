"""What every per-document applicability test asserts, written once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from zhengan.applicability import Decision, decide
from zhengan.catalog.loader import load_catalog
from zhengan.profile import FirmProfile, load_profile

PROFILES = Path(__file__).resolve().parents[2] / "examples" / "profiles"


@cache
def profile(name: str) -> FirmProfile:
    """An example profile from examples/profiles/, by file stem."""
    return load_profile(PROFILES / f"{name}.yaml")


def decision(profile_name: str, control_id: str) -> Decision:
    return decide(load_catalog(), control_id, profile(profile_name))


def assert_applies(profile_name: str, control_id: str, applies: bool) -> None:
    """The decision, and a reason in both languages that says so."""
    result = decision(profile_name, control_id)
    assert result.applies is applies
    assert result.reason.zh.startswith("適用" if applies else "不適用")
    assert result.reason.en.startswith("Applies" if applies else "Does not apply")


def assert_refusal_names(profile_name: str, control_id: str, condition: str) -> None:
    """The control does not apply, and the reason quotes the condition the firm does not meet."""
    result = decision(profile_name, control_id)
    assert not result.applies
    assert f"「{condition}」" in result.reason.zh
