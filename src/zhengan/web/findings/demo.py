"""Demo data for `zhengan demo` (called by zhengan.web.bootstrap.load_demo inside its transaction)."""

from __future__ import annotations


def seed(users: dict) -> None:
    """`users`: role -> the demo User of that role. Must be idempotent (run on every `zhengan demo`)."""
