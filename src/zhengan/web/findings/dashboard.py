"""What this app puts on the dashboard: a dict for templates/dashboard panel, or None for nothing."""

from __future__ import annotations


def panel(request) -> dict | None:
    return None
