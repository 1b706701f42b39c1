"""Production settings: served over TLS behind a reverse proxy; `check --deploy` is clean (docs/web.md)."""

from __future__ import annotations

import os

from zhengan.web.settings import *  # noqa: F403

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("ZHENGAN_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("ZHENGAN_HSTS_PRELOAD", "1") == "1"
# The proxy in front says the request came over TLS; only trust it when it strips the client's header.
if os.environ.get("ZHENGAN_BEHIND_PROXY", "1") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
