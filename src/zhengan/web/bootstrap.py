"""Start Django from plain Python (the CLI): settings, migrations, the demo firm and its users."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

DEMO_PROFILE_NAME = Path("examples/profiles/first_category_securities.yaml")
# From the working directory (a clone) or, for an editable install, from the repository root.
DEMO_PROFILE_CANDIDATES = [
    Path.cwd() / DEMO_PROFILE_NAME,
    Path(__file__).resolve().parents[3] / DEMO_PROFILE_NAME,
]


def demo_profile_path() -> Path:
    for candidate in DEMO_PROFILE_CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"找不到示範公司檔案 / demo profile not found: {DEMO_PROFILE_NAME} (run from the repository root)"
    )


# One demo user per role: (user name, full name, e-mail, role)
DEMO_USERS = [
    ("chen.admin", "陳系統管理 Chen (administrator)", "chen.admin@example.com.tw", "administrator"),
    (
        "lin.compliance",
        "林法遵 Lin (compliance officer)",
        "lin.compliance@example.com.tw",
        "compliance_officer",
    ),
    ("wang.itsec", "王資安 Wang (IT security)", "wang.itsec@example.com.tw", "it_security"),
    ("huang.audit", "黃稽核 Huang (internal auditor)", "huang.audit@example.com.tw", "internal_auditor"),
    ("wu.assessor", "吳評估 Wu (external assessor)", "wu.assessor@example.com.tw", "external_assessor"),
    ("lee.board", "李董事 Lee (board viewer)", "lee.board@example.com.tw", "board_viewer"),
]


# Apps whose demo.seed(users) adds demo data (systems, obligations, an assessment ...), in this order.
DEMO_APPS = [
    "register",  # issue 5
    "obligations",  # issue 5
    "assessments",  # issue 6
    "findings",  # issue 6
]


def setup(settings_module: str | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module or "zhengan.web.settings")
    import django

    django.setup()


class NotMigrated(RuntimeError):
    """The database lacks migrations: a command that only reads and writes records refuses to start."""


def require_migrated() -> None:
    """For cron commands (remind, audit, findings import): a clear message instead of 'no such table'."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise NotMigrated(
            f"資料庫尚未移轉（{len(pending)} 項待執行），請先執行 `zhengan manage migrate`（或 `zhengan serve`）"
            f" / the database is not migrated ({len(pending)} pending): run `zhengan manage migrate`"
            " (or `zhengan serve`) first"
        )


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@dataclass
class DemoUser:
    username: str
    role: str
    password: str | None  # None: the account was already in use; its password is the user's own


def load_demo(profile_path: Path | None = None) -> list[DemoUser]:
    """Store the demo firm (unless a profile exists) and make sure one user per role exists.

    A demo user who has not signed in yet gets a fresh one-time password; one who has keeps theirs.
    """
    from django.db import transaction

    from zhengan.profile import load_profile
    from zhengan.web.accounts.models import User
    from zhengan.web.accounts.passwords import set_initial_password
    from zhengan.web.audit.chain import append
    from zhengan.web.firm.models import FirmProfileRecord

    result = []
    users = {}
    with transaction.atomic():
        if not FirmProfileRecord.objects.filter(id=1).exists():
            profile = load_profile(profile_path or demo_profile_path())
            data = json.loads(profile.model_dump_json())
            FirmProfileRecord.objects.create(id=1, data=data)
            append(
                "firm_profile_created", username="zhengan demo", obj_type="firm_profile", obj_id=1, after=data
            )
        for username, full_name, email, role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, email=email, role=role)
                password = set_initial_password(user)
                append(
                    "user_created",
                    username="zhengan demo",
                    obj_type="user",
                    obj_id=user.pk,
                    after=user.snapshot(),
                )
            elif user.must_change_password and user.last_login is None:
                password = set_initial_password(user)
                append("password_reset_by_admin", username="zhengan demo", obj_type="user", obj_id=user.pk)
            else:
                password = None
            result.append(DemoUser(username, role, password))
            users[role] = user
        for app in DEMO_APPS:
            import_module(f"zhengan.web.{app}.demo").seed(users)
    return result


def create_user(username: str, full_name: str, email: str, role: str) -> str:
    """Create a user with a one-time initial password (returned) that must be changed at first sign-in."""
    from django.db import transaction

    from zhengan.web.accounts.models import User
    from zhengan.web.accounts.passwords import set_initial_password
    from zhengan.web.audit.chain import append

    user = User(username=username, full_name=full_name, email=email, role=role)
    user.full_clean(exclude=["password"])  # raises ValidationError with the field names
    with transaction.atomic():
        password = set_initial_password(user)
        append(
            "user_created",
            username="zhengan createuser",
            obj_type="user",
            obj_id=user.pk,
            after=user.snapshot(),
        )
    return password


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Django's server, serving the static files too (one process; put a TLS proxy in front in production)."""
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=False, insecure_serving=True)
