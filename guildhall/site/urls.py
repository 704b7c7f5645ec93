from django.urls import path

from guildhall.site import audit_views, views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<int:org_id>/", views.org_home, name="org_home"),
    path("o/<int:org_id>/audit/", audit_views.audit_log, name="audit_log"),
    path("o/<int:org_id>/audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("switch/", views.switch_org, name="switch_org"),
    path("healthz", views.healthz, name="healthz"),
]
