"""Encryption at rest of single model fields (the TOTP secrets), with Fernet keys kept out of the database.

The keys are settings.ZHENGAN_FIELD_KEYS (datadir.field_keys: the environment variable of that name, else a
file in the data directory). The first key encrypts, every key decrypts, so a key is rotated by putting the
new one first, keeping the old one after it, running `zhengan manage reencrypt_secrets`, then dropping the
old one.

Stored form: "fernet:" followed by the Fernet token; the empty string stays empty (nothing to hide, and
"not enrolled" stays queryable). A value that no key opens, or a non-empty value without the prefix, is an
error: never read as "no secret".
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"
SETTING = "ZHENGAN_FIELD_KEYS"


class FieldEncryptionError(ImproperlyConfigured):
    """The field keys are missing or wrong, or a stored value cannot be read with them."""


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise FieldEncryptionError(
            f"{SETTING} 未設定任何金鑰 / {SETTING} holds no key (docs/web.md, 加密金鑰 / field keys)"
        )
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise FieldEncryptionError(
                f"{SETTING} 的第 {number} 個金鑰不是有效的 Fernet 金鑰（32 位元組，URL-safe base64） / "
                f"key {number} of {SETTING} is not a valid Fernet key (32 bytes, URL-safe base64)"
            ) from None
    return MultiFernet(fernets), fernets[0]


def fernets() -> tuple[MultiFernet, Fernet]:
    """All keys (to decrypt) and the newest (to encrypt), from the settings; raises if they are unusable."""
    configured = getattr(settings, SETTING, None) or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return _fernets(tuple(key.strip() for key in configured if key.strip()))


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(plain: str) -> str:
    """The stored form of a non-empty value, under the newest key."""
    multi, _ = fernets()
    return PREFIX + multi.encrypt(plain.encode("utf-8")).decode("ascii")


def _token(stored: str, where: str) -> bytes:
    if not is_encrypted(stored):
        raise FieldEncryptionError(
            f"{where} 存有未加密的值；請先執行 `zhengan manage migrate` / "
            f"{where} holds a value that is not encrypted; run `zhengan manage migrate` first"
        )
    return stored[len(PREFIX) :].encode("ascii")


def _undecryptable(where: str) -> FieldEncryptionError:
    return FieldEncryptionError(
        f"{where} 無法以 {SETTING} 中任何金鑰解密：金鑰錯誤或已遺失（輪替時舊金鑰須保留在新金鑰之後，"
        f"直到執行 `zhengan manage reencrypt_secrets`） / "
        f"{where} cannot be decrypted with any key in {SETTING}: wrong or lost key (when rotating, keep "
        f"the old key after the new one until `zhengan manage reencrypt_secrets` has run)"
    )


def decrypt(stored: str, where: str = "an encrypted field") -> str:
    multi, _ = fernets()
    try:
        return multi.decrypt(_token(stored, where)).decode("utf-8")
    except InvalidToken:
        raise _undecryptable(where) from None


def rotate(stored: str, where: str = "an encrypted field") -> str | None:
    """The value re-encrypted under the newest key, or None when it is already under it."""
    multi, newest = fernets()
    token = _token(stored, where)
    try:
        newest.decrypt(token)
        return None
    except InvalidToken:
        pass
    try:
        return PREFIX + multi.rotate(token).decode("ascii")
    except InvalidToken:
        raise _undecryptable(where) from None


def stored_length(plain_length: int) -> int:
    """Characters the stored form of a value of `plain_length` characters takes at most (UTF-8: 4 bytes
    a character; Fernet: version, time stamp, IV, AES blocks with padding, HMAC; then base64)."""
    token_bytes = 1 + 8 + 16 + (plain_length * 4 // 16 + 1) * 16 + 32
    return len(PREFIX) + len(base64.urlsafe_b64encode(bytes(token_bytes)))


def rewrite_column(
    connection, table: str, pk_column: str, column: str, change: Callable[[str], str | None]
) -> int:
    """Pass every non-empty stored value of a column through `change` (stored -> new stored, or None to
    keep it), in plain SQL so that no field converts anything; returns the number of rows rewritten.

    A row is only rewritten if its value is still the one read, so a concurrent enrolment is never undone.
    """
    quote = connection.ops.quote_name
    table, pk_column, column = quote(table), quote(pk_column), quote(column)
    rewritten = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk_column}, {column} FROM {table} WHERE {column} <> ''")
        for pk, stored in cursor.fetchall():
            new = change(stored)
            if new is None or new == stored:
                continue
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s AND {column} = %s",
                [new, pk, stored],
            )
            rewritten += cursor.rowcount
    return rewritten


class EncryptedCharField(models.CharField):
    """A CharField encrypted at rest: Python sees the plain value, the column holds "fernet:<token>".

    `max_length` is the length of the plain value; the column is as wide as its encrypted form needs.
    Only emptiness can be looked up (filter(field="")): the same value encrypts differently every time.
    Serialised (dumpdata) values stay encrypted and are read back by to_python.
    """

    description = "Text encrypted at rest (Fernet, keys in settings.ZHENGAN_FIELD_KEYS)"

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else (self.name or "field")

    def db_type_parameters(self, connection):
        parameters = super().db_type_parameters(connection)
        if self.max_length is not None:
            parameters["max_length"] = stored_length(self.max_length)
        return parameters

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, self._where())

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str) and is_encrypted(value):
            return decrypt(value, self._where())
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return encrypt(value) if value else value
