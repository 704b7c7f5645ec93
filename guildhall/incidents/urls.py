from django.urls import path

from guildhall.incidents import views

app_name = "incidents"

I = "o/<int:org_id>/incidents/<int:incident_id>/"

urlpatterns = [
    path("o/<int:org_id>/incidents/", views.incident_list, name="incident_list"),
    path("o/<int:org_id>/incidents/board/", views.incident_board, name="incident_board"),
    path("o/<int:org_id>/incidents/quick", views.incident_quick, name="incident_quick"),
    path("o/<int:org_id>/incidents/new", views.incident_new, name="incident_new"),
    path("o/<int:org_id>/incidents/rules/", views.incident_rules, name="incident_rules"),
    path(I, views.incident_detail, name="incident_detail"),
    path(I + "phone", views.incident_phone, name="incident_phone"),
    path(I + "written", views.incident_written, name="incident_written"),
    path(I + "follow-up", views.incident_follow_up, name="incident_follow_up"),
    path(I + "close", views.incident_close, name="incident_close"),
    path(I + "severity", views.incident_severity, name="incident_severity"),
    path(I + "stable", views.incident_stable, name="incident_stable"),
    path(I + "reopen", views.incident_reopen, name="incident_reopen"),
    path(I + "acknowledge", views.incident_acknowledge, name="incident_acknowledge"),
]
