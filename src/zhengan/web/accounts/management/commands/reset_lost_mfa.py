"""`zhengan manage reset_lost_mfa`: after the field key is lost, clear the TOTP enrolments no key can open.

Without the key nobody whose secret was encrypted under it can sign in, the administrator included, and
loading such a user fails loudly (fieldcrypt). This command works past the ORM on exactly those rows: it
lists them, and with --confirm clears their enrolment (secret, last step, enrolment time, recovery codes) so
that each user enrols again at the next sign-in after the password, writing one audit record per user. Rows
that still decrypt are left alone. Passwords and lockout are untouched.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zhengan.web import fieldcrypt


class Command(BaseCommand):
    help = (
        "金鑰遺失後，清除無法解密之 TOTP 設定（使用者下次登入時重新設定），並寫入稽核紀錄 / "
        "After a lost field key, clear the TOTP enrolments no key can open (users enrol again), audited"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="確實清除（未加此參數時只列出）/ clear them (without: list only)",
        )

    def handle(self, *args, **options):
        from zhengan.web.accounts.models import RecoveryCode, User
        from zhengan.web.audit.chain import append

        try:
            fieldcrypt.fernets()
        except fieldcrypt.FieldEncryptionError as error:
            raise CommandError(str(error)) from None
        lost = []
        # Read the column past the ORM: loading such a user is what fails.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('id')}, {quote('username')}, {quote('totp_secret')} "
                f"FROM {quote(User._meta.db_table)} WHERE {quote('totp_secret')} <> ''"
            )
            for pk, username, stored in cursor.fetchall():
                try:
                    fieldcrypt.decrypt(stored, "accounts.User.totp_secret")
                except fieldcrypt.FieldEncryptionError:
                    lost.append((pk, username))
        if not lost:
            self.stdout.write(
                "每位使用者的 TOTP 金鑰皆可解密，無需清除 / every TOTP secret decrypts: nothing to clear"
            )
            return
        names = ", ".join(username for _, username in lost)
        if not options["confirm"]:
            self.stdout.write(
                f"無法解密之 TOTP 設定 {len(lost)} 筆：{names}；加上 --confirm 以清除 / "
                f"{len(lost)} TOTP enrolments no key opens: {names}; add --confirm to clear them"
            )
            return
        with transaction.atomic():
            for pk, username in lost:
                User.objects.filter(pk=pk).update(totp_secret="", totp_last_step=0, mfa_enrolled_at=None)
                RecoveryCode.objects.filter(user_id=pk).delete()
                append(
                    "mfa_reset_key_lost",
                    username="zhengan manage reset_lost_mfa",
                    obj_type="user",
                    obj_id=pk,
                    detail={"user": username, "reason": "field key lost: TOTP secret cannot be decrypted"},
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"已清除 {len(lost)} 位使用者之 TOTP 設定（{names}），下次登入時須重新設定；已寫入稽核紀錄 / "
                f"cleared the TOTP enrolment of {len(lost)} users ({names}); they enrol again at the next "
                "sign-in; audit records written"
            )
        )
