from django.urls import path

from guildhall.plans import views

P = "o/<int:org_id>/plan/<int:year>/"
ITEM = "o/<int:org_id>/plan-items/<int:item_id>/"
R = "o/<int:org_id>/plan-items/<int:subject_id>/"
T = "o/<int:org_id>/plan-templates/<int:template_id>/"

app_name = "plans"

urlpatterns = [
    path("o/<int:org_id>/responsibility/", views.responsibility_current, name="responsibility_current"),
    path("o/<int:org_id>/responsibility/<int:year>/", views.responsibility, name="responsibility"),
    path("o/<int:org_id>/responsibility/<int:year>/edit", views.responsibility_edit,
         name="responsibility_edit"),
    path("o/<int:org_id>/responsibility/<int:year>/sign", views.responsibility_sign,
         name="responsibility_sign"),
    path("o/<int:org_id>/plan/", views.plan_current, name="plan_current"),
    path(P, views.plan_detail, name="plan_detail"),
    path(P + "create", views.plan_create, name="plan_create"),
    path(P + "diff", views.plan_diff, name="plan_diff"),
    path(P + "items/new", views.item_new, name="item_new"),
    path(P + "adopt", views.plan_adopt, name="plan_adopt"),
    path(P + "submit", views.plan_submit, name="plan_submit"),
    path(P + "acknowledge", views.plan_acknowledge, name="plan_acknowledge"),
    path(P + "return", views.plan_return, name="plan_return"),
    path(P + "grade", views.plan_grade, name="plan_grade"),
    path(ITEM, views.item_detail, name="item_detail"),
    path(ITEM + "edit", views.item_edit, name="item_edit"),
    path(ITEM + "report", views.item_report, name="item_report"),
    path(ITEM + "claim", views.item_claim, name="item_claim"),
    path(ITEM + "drop", views.item_drop, name="item_drop"),
    path(ITEM + "assess", views.item_assess, name="item_assess"),
    path(ITEM + "return", views.item_return, name="item_return"),
    path(R + "files/", views.attachment_upload, name="attachment_upload"),
    path(R + "files/<int:attachment_id>", views.attachment_download, name="attachment_download"),
    path(R + "files/<int:attachment_id>/remove", views.attachment_remove, name="attachment_remove"),
    path("o/<int:org_id>/plans/overview/", views.overview, name="overview"),
    path("o/<int:org_id>/plans/assessment/", views.assessment_queue, name="assessment_queue"),
    path("o/<int:org_id>/plans/rules/", views.plan_rules, name="plan_rules"),
    path("o/<int:org_id>/plan-templates/", views.template_list, name="template_list"),
    path(T, views.template_detail, name="template_detail"),
    path(T + "tasks/<int:item_id>/remove", views.template_item_remove, name="template_item_remove"),
    path(T + "issue", views.template_issue, name="template_issue"),
]
