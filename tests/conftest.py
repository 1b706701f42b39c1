"""Shared fixtures for the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROFILES = REPO / "examples" / "profiles"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def catalog():
    from zhengan.catalog.loader import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def profiles():
    from zhengan.profile import load_profile

    return {p.stem: load_profile(p) for p in sorted(PROFILES.glob("*.yaml"))}
