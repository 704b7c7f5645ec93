from django.urls import path

from guildhall.incidents import views

app_name = "incidents"

INC = "o/<int:org_id>/incidents/<int:incident_id>/"

urlpatterns = [
    path("o/<int:org_id>/incidents/", views.incident_list, name="incident_list"),
    path("o/<int:org_id>/incidents/board/", views.incident_board, name="incident_board"),
    path("o/<int:org_id>/incidents/quick", views.incident_quick, name="incident_quick"),
    path("o/<int:org_id>/incidents/new", views.incident_new, name="incident_new"),
    path("o/<int:org_id>/incidents/rules/", views.incident_rules, name="incident_rules"),
    path(INC, views.incident_detail, name="incident_detail"),
    path(INC + "edit", views.incident_edit, name="incident_edit"),
    path(INC + "phone", views.incident_phone, name="incident_phone"),
    path(INC + "written", views.incident_written, name="incident_written"),
    path(INC + "follow-up", views.incident_follow_up, name="incident_follow_up"),
    path(INC + "close", views.incident_close, name="incident_close"),
    path(INC + "severity", views.incident_severity, name="incident_severity"),
    path(INC + "stable", views.incident_stable, name="incident_stable"),
    path(INC + "reopen", views.incident_reopen, name="incident_reopen"),
    path(INC + "acknowledge", views.incident_acknowledge, name="incident_acknowledge"),
]
