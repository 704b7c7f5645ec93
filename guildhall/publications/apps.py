from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "guildhall.publications"
    verbose_name = _("Channels and publications")
