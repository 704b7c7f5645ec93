from django.urls import path

from guildhall.notifications import views

app_name = "notifications"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read", views.mark_read, name="notification_read"),
    path("inbox/read-all", views.mark_all_read, name="notifications_read_all"),
    path("calendar/", views.workday_calendar, name="workday_calendar"),
]
