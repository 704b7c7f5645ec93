from django.urls import path

from guildhall.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<int:org_id>/", views.org_home, name="org_home"),
    path("switch/", views.switch_org, name="switch_org"),
    path("healthz", views.healthz, name="healthz"),
]
