"""`zhengan manage reencrypt_secrets`: after a key rotation, encrypt every encrypted field under the newest
key of ZHENGAN_FIELD_KEYS, so that the older keys can be removed."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from zhengan.web import fieldcrypt


class Command(BaseCommand):
    help = (
        "以 ZHENGAN_FIELD_KEYS 的第一個（最新）金鑰重新加密所有加密欄位（如 TOTP 金鑰） / "
        "Re-encrypt every encrypted field (the TOTP secrets) under the first (newest) key of ZHENGAN_FIELD_KEYS"
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="資料庫別名 / database alias")

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        total = 0
        try:
            with transaction.atomic(using=connection.alias):
                for model in apps.get_models():
                    for field in model._meta.concrete_fields:
                        if not isinstance(field, fieldcrypt.EncryptedCharField):
                            continue
                        where = f"{model._meta.label}.{field.name}"
                        count = fieldcrypt.rewrite_column(
                            connection,
                            model._meta.db_table,
                            model._meta.pk.column,
                            field.column,
                            lambda stored, where=where: fieldcrypt.rotate(stored, where),
                        )
                        total += count
                        self.stdout.write(f"{where}：已重新加密 {count} 筆 / {where}: {count} re-encrypted")
        except fieldcrypt.FieldEncryptionError as error:
            raise CommandError(f"{error}\n未變更任何資料 / nothing was changed") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：共重新加密 {total} 筆，所有值皆以最新金鑰加密；舊金鑰現可自 ZHENGAN_FIELD_KEYS 移除 / "
                f"Done: {total} re-encrypted, every value is under the newest key; the older keys can now be "
                f"removed from ZHENGAN_FIELD_KEYS"
            )
        )
