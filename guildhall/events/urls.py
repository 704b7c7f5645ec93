from django.urls import path

from guildhall.events import views
from guildhall.kit.urls import object_patterns, record_patterns

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
    *object_patterns(F, views, "filing", ". edit diff submit sign-off approve return reject "
                     "withdraw cancel halt summary"),
    path(F + "approval-form.docx", views.filing_approval_form, name="filing_approval_form"),
    path(F + "summary/acknowledge", views.filing_acknowledge_summary,
         name="filing_acknowledge_summary"),
    *record_patterns(F, views.record_pages),
    path("events/feed/<str:token>.ics", views.event_feed, name="event_feed"),
]
