from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhengan.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from zhengan.web.accounts import checks  # noqa: F401  (registers the policy checks)
