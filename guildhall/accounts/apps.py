from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guildhall.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from guildhall.accounts import signals  # noqa: F401  (audits logins)
