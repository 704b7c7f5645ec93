from django.urls import path

from guildhall.site import audit_views, people_views, views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<int:org_id>/", views.org_home, name="org_home"),
    path("o/<int:org_id>/audit/", audit_views.audit_log, name="audit_log"),
    path("o/<int:org_id>/audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("o/<int:org_id>/people/<int:user_id>/", people_views.person, name="person"),
    path("o/<int:org_id>/people/<int:user_id>/export.zip", people_views.person_export,
         name="person_export"),
    path("o/<int:org_id>/people/<int:user_id>/erase", people_views.person_erase,
         name="person_erase"),
    path("switch/", views.switch_org, name="switch_org"),
    path("healthz", views.healthz, name="healthz"),
]
