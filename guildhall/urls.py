from django.urls import include, path

from guildhall.api import api

urlpatterns = [
    path("", include("guildhall.site.urls")),
    path("", include("guildhall.accounts.urls")),
    path("", include("guildhall.orgs.urls")),
    path("", include("guildhall.notifications.urls")),
    path("", include("guildhall.events.urls")),
    path("", include("guildhall.publications.urls")),
    path("", include("guildhall.plans.urls")),
    path("", include("guildhall.meetings.urls")),
    path("", include("guildhall.incidents.urls")),
    path("", include("guildhall.study.urls")),
    path("", include("guildhall.reports.urls")),
    path("", include("guildhall.dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
