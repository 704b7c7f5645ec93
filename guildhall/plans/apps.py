from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "guildhall.plans"
    verbose_name = _("Responsibility and annual plan")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.plans import home, permissions, reminders, report, services  # noqa: F401  (registration)

        register_nav(NavItem(_("Work plan"), "plans:plan_current", "plans.list", order=30))
        register_nav(NavItem(_("Responsibility list"), "plans:responsibility_current",
                             "plans.list", order=31))
        register_nav(NavItem(_("Plans of the associations"), "plans:overview", "plans.oversee",
                             order=30))
        register_nav(NavItem(_("Assessment queue"), "plans:assessment_queue", "plans.oversee",
                             order=31))
        register_nav(NavItem(_("Key tasks"), "plans:template_list", "plans.oversee", order=32))
        register_nav(NavItem(_("Plan rules"), "plans:plan_rules", "plans.rules", order=33))
