from django.urls import path

from guildhall.events import views

F = "o/<int:org_id>/events/<int:filing_id>/"

app_name = "events"

urlpatterns = [
    path("o/<int:org_id>/events/", views.filing_list, name="filing_list"),
    path("o/<int:org_id>/events/queue/", views.filing_queue, name="filing_queue"),
    path("o/<int:org_id>/events/queue/decide", views.filing_queue_decide,
         name="filing_queue_decide"),
    path("o/<int:org_id>/events/new", views.filing_new, name="filing_new"),
    path("o/<int:org_id>/events/calendar/", views.event_calendar, name="event_calendar"),
    path("o/<int:org_id>/events/feed/regenerate", views.feed_regenerate, name="feed_regenerate"),
    path("o/<int:org_id>/events/rules/", views.filing_rules, name="filing_rules"),
    path(F, views.filing_detail, name="filing_detail"),
    path(F + "edit", views.filing_edit, name="filing_edit"),
    path(F + "diff", views.filing_diff, name="filing_diff"),
    path(F + "approval-form.docx", views.filing_approval_form, name="filing_approval_form"),
    path(F + "submit", views.filing_submit, name="filing_submit"),
    path(F + "sign-off", views.filing_sign_off, name="filing_sign_off"),
    path(F + "approve", views.filing_approve, name="filing_approve"),
    path(F + "return", views.filing_return, name="filing_return"),
    path(F + "reject", views.filing_reject, name="filing_reject"),
    path(F + "withdraw", views.filing_withdraw, name="filing_withdraw"),
    path(F + "cancel", views.filing_cancel, name="filing_cancel"),
    path(F + "halt", views.filing_halt, name="filing_halt"),
    path(F + "summary", views.filing_summary, name="filing_summary"),
    path(F + "summary/acknowledge", views.filing_acknowledge_summary,
         name="filing_acknowledge_summary"),
    path(F + "attachments/", views.attachment_upload, name="attachment_upload"),
    path(F + "attachments/<int:attachment_id>/", views.attachment_download,
         name="attachment_download"),
    path(F + "attachments/<int:attachment_id>/remove", views.attachment_remove,
         name="attachment_remove"),
    path(F + "findings/<int:finding_id>/acknowledge", views.finding_acknowledge,
         name="finding_acknowledge"),
    path("events/feed/<str:token>.ics", views.event_feed, name="event_feed"),
]
