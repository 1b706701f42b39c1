from __future__ import annotations

POST_ONLY: set[str] = set()


def url_kwargs(make_user, user) -> dict[str, dict]:
    return {}
