from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "guildhall.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from guildhall.notifications import home  # noqa: F401  (registers the home section)
