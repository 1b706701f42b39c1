"""Per-app additions to tests/web/test_permission_matrix.py.

Each module here (one per app) defines `POST_ONLY` (view names reached by POST) and
`url_kwargs(make_user, user) -> {view name: reverse() kwargs}`, creating the objects its parametrised URLs
need. `user` is the signed-in user of the role under test: an app with object-level rules (an external
assessor sees only the assessments assigned to them) gives that user access to the objects it creates.
"""

from __future__ import annotations

from importlib import import_module

APPS = ["evidence", "register", "obligations", "assessments", "findings"]


def hooks():
    return [import_module(f"tests.web.matrix.{app}") for app in APPS]


def post_only() -> set[str]:
    return {name for hook in hooks() for name in hook.POST_ONLY}


def url_kwargs(make_user, user) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for hook in hooks():
        found.update(hook.url_kwargs(make_user, user))
    return found
