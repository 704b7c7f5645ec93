from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "guildhall.incidents"
    verbose_name = _("Incidents and important situations")
