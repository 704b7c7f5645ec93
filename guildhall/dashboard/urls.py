from django.urls import path

from guildhall.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("o/<int:org_id>/dashboard/", views.dashboard, name="dashboard"),
    path("o/<int:org_id>/dashboard/export.xlsx", views.export_xlsx, name="export"),
    path("o/<int:org_id>/dashboard/association/", views.association, name="association"),
]
