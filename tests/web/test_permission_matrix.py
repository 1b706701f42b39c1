"""Least privilege (SR-3.8): every view with every role, against the documented permission matrix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web import matrix
from tests.web.conftest import sign_in_fully
from zhengan.web.accounts.roles import PERMISSIONS, PUBLIC, ROLES, SIGNED_IN
from zhengan.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

POST_ONLY = {"accounts:user_reset_mfa", "accounts:user_reset_password", "accounts:user_unlock"}
POST_ONLY |= matrix.post_only()
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += _names(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


def test_every_view_is_in_exactly_one_list():
    names = _names(get_resolver())
    assert len(names) == len(set(names))
    for name in names:
        places = [name in PERMISSIONS, name in SIGNED_IN, name in PUBLIC]
        assert places.count(True) == 1, f"{name} must be in exactly one of PERMISSIONS, SIGNED_IN, PUBLIC"
    assert set(PERMISSIONS) | SIGNED_IN | PUBLIC == set(names)


def _url(name: str, target_pk: int, control_id: str, kwargs: dict[str, dict] | None = None) -> str:
    if kwargs and name in kwargs:
        return reverse(name, kwargs=kwargs[name])
    if name in {"accounts:user_edit", "accounts:user_reset_mfa", "accounts:user_reset_password"} | {
        "accounts:user_unlock"
    }:
        return reverse(name, kwargs={"pk": target_pk})
    if name == "catalogue:control":
        return reverse(name, kwargs={"control_id": control_id})
    return reverse(name)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_the_matrix(client, make_user, firm_profile, catalog, role):
    target = make_user("board_viewer", username="target.person")
    control_id = next(iter(catalog.controls))
    user = make_user(role)
    sign_in_fully(client, user)
    kwargs = matrix.url_kwargs(make_user, user)
    for name, roles in sorted(PERMISSIONS.items()):
        url = _url(name, target.pk, control_id, kwargs)
        response = client.post(url) if name in POST_ONLY else client.get(url)
        if role in roles:
            assert response.status_code in (200, 302), f"{role} should reach {name}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} must not reach {name}: {response.status_code}"
            assert b"E403" in response.content
    denied = sum(1 for roles in PERMISSIONS.values() if role not in roles)
    assert AuditEvent.objects.filter(event_type="access_denied", user=user).count() == denied


def test_signed_in_views_are_open_to_every_role(client, make_user):
    for role in ROLES:
        user = make_user(role)
        sign_in_fully(client, user)
        for name in ("accounts:profile", "accounts:password_change", "accounts:recovery_codes"):
            assert client.get(reverse(name)).status_code == 200, (role, name)
        client.logout()


def test_anonymous_visitors_are_sent_to_sign_in(client, make_user, catalog):
    target = make_user()
    control_id = next(iter(catalog.controls))
    kwargs = matrix.url_kwargs(make_user, target)
    for name in sorted(set(PERMISSIONS) | (SIGNED_IN - {"accounts:logout"})):
        url = _url(name, target.pk, control_id, kwargs)
        response = client.post(url) if name in POST_ONLY else client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), name


def test_the_documented_matrix_is_the_enforced_one():
    """docs/web.md (and each app's own doc) carry the matrix as tables: one row per view, ✔ per role."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^\| `([a-z_]+:[a-z_]+)` \|(.*)\|\s*$", line)
        if match:
            cells = [c.strip() for c in match.group(2).split("|")]
            rows[match.group(1)] = frozenset(r for r, c in zip(ROLES, cells, strict=True) if c == "✔")
    assert rows == dict(PERMISSIONS)
