from django.urls import path

from guildhall.audit import views

app_name = "audit"

urlpatterns = [path("o/<int:org_id>/audit/", views.audit_log, name="audit_log")]
