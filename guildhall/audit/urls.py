from django.urls import path

from guildhall.audit import views

urlpatterns = [path("o/<int:org_id>/audit/", views.audit_log, name="audit_log")]
