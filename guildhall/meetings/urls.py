from django.urls import path

from guildhall.kit.urls import record_patterns
from guildhall.meetings import views

M = "o/<int:org_id>/meetings/<int:meeting_id>/"

app_name = "meetings"

urlpatterns = [
    path("o/<int:org_id>/meetings/", views.meeting_list, name="meeting_list"),
    path("o/<int:org_id>/meetings/new", views.meeting_new, name="meeting_new"),
    path("o/<int:org_id>/meetings/overview/", views.meeting_overview, name="meeting_overview"),
    path("o/<int:org_id>/meetings/rules/", views.meeting_rules, name="meeting_rules"),
    path(M, views.meeting_detail, name="meeting_detail"),
    path(M + "edit", views.meeting_edit, name="meeting_edit"),
    path(M + "diff", views.meeting_diff, name="meeting_diff"),
    path(M + "record", views.meeting_record, name="meeting_record"),
    path(M + "cancel", views.meeting_cancel, name="meeting_cancel"),
    path(M + "follow-up", views.meeting_follow_up, name="meeting_follow_up"),
    path(M + "minutes.docx", views.meeting_minutes, name="meeting_minutes"),
    *record_patterns(M, views.record_pages),
]
