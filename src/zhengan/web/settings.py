"""Settings of the zhengan web application.

Safe by default: DEBUG is off unless ZHENGAN_DEBUG=1, the secret comes from the environment or the data
directory, and every security threshold below may only be made stricter (see accounts/checks.py).
`settings_production` adds what serving over TLS needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from zhengan.web.datadir import data_dir, field_keys, secret_key

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
# Fernet keys encrypting fields at rest (the TOTP secrets, fieldcrypt.py), newest first: the first encrypts,
# all decrypt. From ZHENGAN_FIELD_KEYS, else generated once into <data>/field_keys (mode 0600). Never in
# the database; in production keep them off the database host or at least out of its backups (docs/web.md).
ZHENGAN_FIELD_KEYS = field_keys(DATA_DIR)
DEBUG = os.environ.get("ZHENGAN_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ZHENGAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "zhengan.web.ui",
    "zhengan.web.audit",
    "zhengan.web.accounts",
    "zhengan.web.catalogue",
    "zhengan.web.firm",
    "zhengan.web.evidence",
    # --- register (issue 5) ---
    "zhengan.web.register",
    # --- obligations calendar (issue 5) ---
    "zhengan.web.obligations",
    # --- assessments (issue 6) ---
    "zhengan.web.assessments",
    # --- findings (issue 6) ---
    "zhengan.web.findings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhengan.web.ui.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhengan.web.ui.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhengan.web.accounts.middleware.AccessPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zhengan.web.urls"
WSGI_APPLICATION = "zhengan.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengan.web.accounts.roles.navigation",
            ],
        },
    }
]

# SQLite in the data directory by default; PostgreSQL (or any URL dj-database-url knows) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'zhengan.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A name of our own so that other suites on the same server never collide with ours.
    DATABASES["default"]["TEST"]["NAME"] = os.environ.get("ZHENGAN_TEST_DB_NAME", "test_zhengan_web")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts: unique personal accounts (SR-6.1), Argon2 only (SR-6.11) ---------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalogue:dashboard"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# The security policy; each value may be made stricter, never weaker (accounts/checks.py refuses).
ZHENGAN_POLICY = {
    "LOCKOUT_THRESHOLD": _int("ZHENGAN_LOCKOUT_THRESHOLD", 5),  # SR-6.5: at most 5 failures
    "LOCKOUT_MINUTES": _int("ZHENGAN_LOCKOUT_MINUTES", 15),  # SR-6.5: at least 15 minutes
    "PASSWORD_MIN_LENGTH": _int("ZHENGAN_PASSWORD_MIN_LENGTH", 12),
    "PASSWORD_MIN_CLASSES": _int("ZHENGAN_PASSWORD_MIN_CLASSES", 3),
    "PASSWORD_MAX_AGE_DAYS": _int("ZHENGAN_PASSWORD_MAX_AGE_DAYS", 90),  # SR-6.7
    "PASSWORD_MIN_AGE_DAYS": _int("ZHENGAN_PASSWORD_MIN_AGE_DAYS", 1),  # SR-6.7
    "PASSWORD_HISTORY": _int("ZHENGAN_PASSWORD_HISTORY", 3),  # SR-6.7
    "IDLE_MINUTES": _int("ZHENGAN_IDLE_MINUTES", 15),  # SR-3.5
    "IP_FAILURE_LIMIT": _int("ZHENGAN_IP_FAILURE_LIMIT", 20),  # SR-6.8: failures per address per window
    "IP_WINDOW_MINUTES": _int("ZHENGAN_IP_WINDOW_MINUTES", 15),
    "MFA_STEP_MINUTES": _int("ZHENGAN_MFA_STEP_MINUTES", 5),  # time allowed between password and code
}
_policy = ZHENGAN_POLICY

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": _policy["PASSWORD_MIN_LENGTH"]},
    },
    {
        "NAME": "zhengan.web.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": _policy["PASSWORD_MIN_CLASSES"]},
    },
    {"NAME": "zhengan.web.accounts.validators.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "zhengan.web.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"history": _policy["PASSWORD_HISTORY"]},
    },
    {
        "NAME": "zhengan.web.accounts.validators.MinimumAgeValidator",
        "OPTIONS": {"days": _policy["PASSWORD_MIN_AGE_DAYS"]},
    },
]

# --- Sessions: idle sessions end (SR-3.5) ----------------------------------------------------------
SESSION_COOKIE_AGE = _policy["IDLE_MINUTES"] * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "zhengan_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "zhengan_csrftoken"
CSRF_FAILURE_VIEW = "zhengan.web.ui.errors.csrf_failure"

# A reset link is one-time (the token hashes the password) and expires after an hour (SR-6.9).
PASSWORD_RESET_TIMEOUT = _int("ZHENGAN_PASSWORD_RESET_TIMEOUT", 3600)

# --- Security headers --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ZHENGAN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# Behind a TLS-terminating proxy the cookies must be Secure (settings_production sets them).
if os.environ.get("ZHENGAN_TLS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- E-mail: SMTP when configured, otherwise files in the data directory (demo) -----------------
if os.environ.get("ZHENGAN_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["ZHENGAN_EMAIL_HOST"]
    EMAIL_PORT = _int("ZHENGAN_EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("ZHENGAN_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("ZHENGAN_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("ZHENGAN_EMAIL_TLS") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("ZHENGAN_EMAIL_FROM", "zhengan@localhost")

# --- Language and time: Traditional Chinese first; stored in UTC, shown in Asia/Taipei ------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "zhengan_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Taipei"

# --- Evidence: files by SHA-256 under the data directory (zhengan.evidence_store) -------------------
ZHENGAN_EVIDENCE_DIR = Path(os.environ.get("ZHENGAN_EVIDENCE_DIR") or DATA_DIR / "evidence")
ZHENGAN_EVIDENCE_MAX_BYTES = _int("ZHENGAN_EVIDENCE_MAX_BYTES", 200 * 1024 * 1024)
# Evidence serving no control with a stated retention is kept three years (the log retention of SR-4.1).
ZHENGAN_EVIDENCE_DEFAULT_RETENTION = os.environ.get("ZHENGAN_EVIDENCE_DEFAULT_RETENTION", "P3Y")
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Dashboard panels: each app adds what needs attention (a function request -> dict | None) -------
ZHENGAN_DASHBOARD_PANELS = [
    # --- register (issue 5) ---
    "zhengan.web.register.dashboard.panel",
    # --- obligations calendar (issue 5) ---
    "zhengan.web.obligations.dashboard.panel",
    # --- findings (issue 6) ---
    "zhengan.web.findings.dashboard.panel",
    # --- assessments (issue 6) ---
    "zhengan.web.assessments.dashboard.panel",
]

# --- Reminders: `zhengan remind` (cron, daily) mails what each provider returns (provider(today) ->
# list of {key, recipients, subject, body}); each key is sent once (obligations.ReminderSent) -------
ZHENGAN_REMINDER_PROVIDERS = [
    # --- obligations calendar (issue 5) ---
    "zhengan.web.obligations.reminders.provider",
    # --- findings (issue 6) ---
    "zhengan.web.findings.reminders.provider",
]
# The address users reach zhengan at (https://zhengan.example.com.tw), for links in reminder mails.
ZHENGAN_BASE_URL = os.environ.get("ZHENGAN_BASE_URL", "")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"zhengan.web": {"handlers": ["console"], "level": "INFO"}},
}
