from __future__ import annotations

from pathlib import Path

import pytest

from zhengan.checks.identity.thresholds import IdentityThresholds, load_thresholds

DATA = Path(__file__).resolve().parents[2] / "data" / "identity"
PROFILES = Path(__file__).resolve().parents[3] / "examples" / "profiles"


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture
def thresholds() -> IdentityThresholds:
    return load_thresholds()
