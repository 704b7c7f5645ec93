from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "guildhall.study"
    verbose_name = _("Study and codes of conduct")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.study import home, links, permissions, reminders, report  # noqa: F401  (registration)

        register_nav(NavItem(_("Study sessions"), "study:session_list", "study.list", order=38))
        register_nav(NavItem(_("Codes of conduct"), "study:code_list", "study.list", order=39))
        register_nav(NavItem(_("Study and codes"), "study:overview", "study.overview", order=40))
        register_nav(NavItem(_("Education activities"), "study:activity_list", "study.list",
                             order=38))
        register_nav(NavItem(_("Study library"), "study:library", "study.library", order=41))
