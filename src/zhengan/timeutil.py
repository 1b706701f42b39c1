"""Time is stored in UTC and shown in Asia/Taipei."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_taipei(moment: datetime) -> datetime:
    """Show an aware UTC moment in Taipei time; a naive moment is refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: declare its zone before showing it / 未標示時區的時間")
    return moment.astimezone(TAIPEI)


def format_taipei(moment: datetime) -> str:
    return to_taipei(moment).strftime("%Y-%m-%d %H:%M:%S %z")
