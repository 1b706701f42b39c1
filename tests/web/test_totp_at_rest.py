"""TOTP secrets encrypted at rest (SR-6.2): a database dump does not give away anyone's second factor.

Everything runs on the real database (SQLite, or PostgreSQL with DATABASE_URL): raw column values are read
with a plain SQL cursor, keys are real Fernet keys, the data migration runs through Django's executor.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pyotp
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import timezone

from tests.web.conftest import PASSWORD, next_code
from zhengan.web import fieldcrypt
from zhengan.web.accounts.models import User
from zhengan.web.datadir import field_keys

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))


def _raw(user_pk) -> str:
    """The stored column value, read past the ORM."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('totp_secret')} FROM {quote(User._meta.db_table)} WHERE {quote('id')} = %s",
            [user_pk],
        )
        return cursor.fetchone()[0]


def _set_raw(user_pk, value: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(User._meta.db_table)} SET {quote('totp_secret')} = %s WHERE {quote('id')} = %s",
            [value, user_pk],
        )


@pytest.mark.django_db
def test_the_column_holds_no_secret_and_the_model_gives_it_back(make_user):
    user = make_user()
    secret = user.totp_secret
    stored = _raw(user.pk)
    assert stored != secret and secret not in stored and stored.startswith("fernet:")
    assert User.objects.get(pk=user.pk).totp_secret == secret
    assert User.objects.values_list("totp_secret", flat=True).get(pk=user.pk) == secret
    # The same secret encrypts differently each time (random IV): a dump shows no equal secrets.
    user.save()
    assert _raw(user.pk) != stored and User.objects.get(pk=user.pk).totp_secret == secret


@pytest.mark.django_db
def test_empty_stays_empty_and_not_enrolled_is_still_queryable(make_user):
    user = make_user(enrolled=False)
    assert _raw(user.pk) == "" and User.objects.get(pk=user.pk).totp_secret == ""
    enrolled = make_user()
    assert list(User.objects.filter(totp_secret="").values_list("pk", flat=True)) == [user.pk]
    assert list(User.objects.exclude(totp_secret="").values_list("pk", flat=True)) == [enrolled.pk]


@pytest.mark.django_db
def test_the_column_is_wide_enough_for_the_longest_secret(make_user):
    user = make_user()
    user.totp_secret = pyotp.random_base32(64)  # max_length of the plain value
    user.full_clean(exclude=["password"])
    user.save()
    assert User.objects.get(pk=user.pk).totp_secret == user.totp_secret
    assert len(_raw(user.pk)) <= fieldcrypt.stored_length(64)


@pytest.mark.django_db
def test_sign_in_with_a_code_reads_the_encrypted_secret(client, make_user):
    user = make_user()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    response = client.post("/accounts/login/code/", {"code": next_code(user.totp_secret)})
    assert response.status_code == 302 and client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_dump_keeps_the_secret_encrypted_and_loads_back(make_user):
    from django.core import serializers

    user = make_user()
    dumped = serializers.serialize("json", User.objects.filter(pk=user.pk))
    assert user.totp_secret not in dumped and "fernet:" in dumped
    (loaded,) = serializers.deserialize("json", dumped)
    assert loaded.object.totp_secret == user.totp_secret


@pytest.mark.django_db
def test_rotation_then_reencrypt_leaves_only_the_new_key_needed(make_user):
    with override_settings(ZHENGAN_FIELD_KEYS=[OLD]):
        user = make_user()
        disabled = make_user(enrolled=False)
        secret = user.totp_secret
        under_old = _raw(user.pk)
    with override_settings(ZHENGAN_FIELD_KEYS=[NEW, OLD]):
        assert User.objects.get(pk=user.pk).totp_secret == secret  # the old key still decrypts
        out = _run("reencrypt_secrets")
        assert "accounts.User.totp_secret：已重新加密 1 筆 / accounts.User.totp_secret: 1 re-encrypted" in out
        assert "ZHENGAN_FIELD_KEYS" in out
        assert _raw(user.pk) != under_old and _raw(disabled.pk) == ""
        # Run again: nothing left to do.
        assert "已重新加密 0 筆" in _run("reencrypt_secrets")
    with override_settings(ZHENGAN_FIELD_KEYS=[NEW]):
        assert User.objects.get(pk=user.pk).totp_secret == secret
    with override_settings(ZHENGAN_FIELD_KEYS=[OLD]), pytest.raises(fieldcrypt.FieldEncryptionError):
        User.objects.get(pk=user.pk)


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_wrong_key_fails_loudly_naming_the_setting(client, make_user):
    with override_settings(ZHENGAN_FIELD_KEYS=[OLD]):
        user = make_user()
    with override_settings(ZHENGAN_FIELD_KEYS=[OTHER]):
        with pytest.raises(fieldcrypt.FieldEncryptionError) as error:
            User.objects.get(pk=user.pk)
        message = str(error.value)
        assert "ZHENGAN_FIELD_KEYS" in message and "accounts.User.totp_secret" in message
        assert "無法" in message and "cannot be decrypted" in message
        # Signing in does not carry on as if the user had no second factor.
        with pytest.raises(fieldcrypt.FieldEncryptionError):
            client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert "_auth_user_id" not in client.session
        # The re-encryption refuses too, and changes nothing.
        with pytest.raises(CommandError, match="ZHENGAN_FIELD_KEYS"):
            _run("reencrypt_secrets")


@pytest.mark.django_db
def test_a_plain_value_in_the_column_is_refused_not_read(make_user):
    user = make_user()
    _set_raw(user.pk, pyotp.random_base32())
    with pytest.raises(fieldcrypt.FieldEncryptionError, match="migrate"):
        User.objects.get(pk=user.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("keys", "words"),
    [([], "holds no key"), (["not-a-fernet-key"], "key 1 of ZHENGAN_FIELD_KEYS is not a valid Fernet key")],
)
def test_missing_or_malformed_keys_are_a_system_check_error(keys, words):
    from django.core.checks import run_checks

    with override_settings(ZHENGAN_FIELD_KEYS=keys):
        errors = [e for e in run_checks(tags=["security"]) if e.id == "zhengan.E101"]
    assert len(errors) == 1 and words in errors[0].msg and "ZHENGAN_FIELD_KEYS" in errors[0].msg


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_encrypts_plain_secrets_and_reverses():
    secret = pyotp.random_base32()
    executor = MigrationExecutor(connection)
    before, after = [("accounts", "0001_initial")], [("accounts", "0002_encrypt_totp_secret")]
    try:
        executor.migrate(before)
        old_user = executor.loader.project_state(before[0]).apps.get_model("accounts", "User")
        plain = old_user.objects.create(
            username="lin.plain",
            full_name="林",
            email="lin@example.com.tw",
            role="it_security",
            password="!",
            totp_secret=secret,
            mfa_enrolled_at=timezone.now(),
        )
        empty = old_user.objects.create(
            username="wu.empty", full_name="吳", email="wu@example.com.tw", role="it_security", password="!"
        )
        assert _raw(plain.pk) == secret

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        stored = _raw(plain.pk)
        assert stored.startswith("fernet:") and secret not in stored and _raw(empty.pk) == ""
        assert fieldcrypt.decrypt(stored) == secret

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert _raw(plain.pk) == secret and _raw(empty.pk) == ""
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert User.objects.get(pk=plain.pk).totp_secret == secret


def test_keys_come_from_the_environment_newest_first(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHENGAN_FIELD_KEYS", f" {NEW} , {OLD},")
    assert field_keys(tmp_path) == [NEW, OLD]
    assert not (tmp_path / "field_keys").exists()


def test_else_a_key_is_generated_once_into_the_data_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHENGAN_FIELD_KEYS", raising=False)
    first = field_keys(tmp_path)
    path = tmp_path / "field_keys"
    assert len(first) == 1 and Fernet(first[0])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert field_keys(tmp_path) == first
    path.write_text(f"{NEW}\n# the key before 2026-12\n{first[0]}\n")
    assert field_keys(tmp_path) == [NEW, first[0]]


def _first_start(directory: str, barrier, keys) -> None:
    barrier.wait()
    keys.put(field_keys(Path(directory)))


def test_processes_starting_together_share_one_whole_key(monkeypatch, tmp_path):
    # Eight processes released at once on an empty data directory: each reads the same complete key,
    # never an empty or half-written file, and no temporary file is left behind.
    monkeypatch.delenv("ZHENGAN_FIELD_KEYS", raising=False)
    context = multiprocessing.get_context("fork")
    barrier, keys = context.Barrier(8), context.Queue()
    workers = [context.Process(target=_first_start, args=(str(tmp_path), barrier, keys)) for _ in range(8)]
    for worker in workers:
        worker.start()
    seen = [keys.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert len({tuple(k) for k in seen}) == 1 and len(seen[0]) == 1 and Fernet(seen[0][0])
    assert [p.name for p in tmp_path.iterdir()] == ["field_keys"]


@pytest.mark.django_db
def test_after_a_lost_key_the_unreadable_enrolments_are_cleared_and_audited(make_user):
    from zhengan.web.accounts.models import RecoveryCode
    from zhengan.web.audit.models import AuditEvent

    with override_settings(ZHENGAN_FIELD_KEYS=[OLD]):
        lost = make_user(username="lost.user")
        RecoveryCode.objects.create(user=lost, code_hash="x" * 64)
    with override_settings(ZHENGAN_FIELD_KEYS=[OTHER]):
        kept = make_user(username="kept.user")
        listed = _run("reset_lost_mfa")
        assert "lost.user" in listed and "kept.user" not in listed and "--confirm" in listed
        assert _raw(lost.pk).startswith("fernet:")  # listing changes nothing
        cleared = _run("reset_lost_mfa", "--confirm")
        assert "cleared the TOTP enrolment of 1 users (lost.user)" in cleared
        reloaded = User.objects.get(pk=lost.pk)  # loads again: nothing left to decrypt
        assert reloaded.totp_secret == "" and reloaded.mfa_enrolled_at is None and not reloaded.mfa_enrolled
        assert not RecoveryCode.objects.filter(user=lost).exists()
        assert User.objects.get(pk=kept.pk).totp_secret == kept.totp_secret
        record = AuditEvent.objects.get(event_type="mfa_reset_key_lost")
        assert record.object_id == str(lost.pk) and record.detail["user"] == "lost.user"
        assert "nothing to clear" in _run("reset_lost_mfa", "--confirm")
