from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guildhall.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav

        register_nav(NavItem(_("Home"), "core:org_home", None, order=0))
