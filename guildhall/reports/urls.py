from django.urls import path

from guildhall.reports import views

R = "o/<int:org_id>/reports/<int:year>/"

app_name = "reports"

urlpatterns = [
    path("o/<int:org_id>/reports/", views.report_current, name="report_current"),
    path(R, views.report_detail, name="report_detail"),
    path(R + "create", views.report_create, name="report_create"),
    path(R + "narrative", views.report_edit, name="report_edit"),
    path(R + "submit", views.report_submit, name="report_submit"),
    path(R + "acknowledge", views.report_acknowledge, name="report_acknowledge"),
    path(R + "return", views.report_return, name="report_return"),
    path(R + "figures/<slug:section>/<slug:figure>/", views.figure_records, name="figure_records"),
    path(R + "v<int:number>.docx", views.version_docx, name="version_docx"),
    path(R + "v<int:number>.pdf", views.version_pdf, name="version_pdf"),
    path("o/<int:org_id>/reports/below/", views.overview, name="overview"),
    path("o/<int:org_id>/reports/below/<int:year>.zip", views.overview_zip, name="overview_zip"),
]
