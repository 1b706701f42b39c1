"""The firm facts the identity checks need, from the firm profile (src/zhengan/profile.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zhengan.profile import FirmProfile, load_profile


@dataclass(frozen=True)
class FirmFacts:
    kinds: tuple[str, ...]  # securities, futures or both: which rule set applies
    securities_internet_ordering: bool  # CC17010-3.3 and CC17010-5.1 bind
    foreign_standard: str | None  # a foreign firm's declared better standard (SR-6.5, SR-6.7)

    @classmethod
    def of(cls, profile: FirmProfile) -> FirmFacts:
        return cls(
            kinds=tuple(profile.kinds),
            securities_internet_ordering=profile.internet_ordering_for("securities"),
            foreign_standard=profile.better_group_standard if profile.foreign else None,
        )


def load_firm(path: Path) -> FirmFacts:
    """Read the profile with zhengan.profile.load_profile; its errors name file, line and field."""
    return FirmFacts.of(load_profile(path))
