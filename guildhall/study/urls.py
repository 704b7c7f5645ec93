from django.urls import path

from guildhall.kit.urls import record_patterns
from guildhall.study import views

S = "o/<int:org_id>/study/sessions/<int:session_id>/"
C = "o/<int:org_id>/codes/<int:code_id>/"
V = "o/<int:org_id>/codes/versions/<int:version_id>/"
L = "o/<int:org_id>/library/<int:material_id>/"
A = "o/<int:org_id>/study/activities/<int:activity_id>/"

app_name = "study"

urlpatterns = [
    path("o/<int:org_id>/study/", views.session_list, name="session_list"),
    path("o/<int:org_id>/study/new", views.session_new, name="session_new"),
    path("o/<int:org_id>/study/overview/", views.overview, name="overview"),
    path("o/<int:org_id>/study/plan/", views.plan, name="plan"),
    path("o/<int:org_id>/study/plan/<int:topic_id>/delete", views.topic_delete, name="topic_delete"),
    path(S, views.session_detail, name="session_detail"),
    path(S + "edit", views.session_edit, name="session_edit"),
    path(S + "confirm", views.session_confirm, name="session_confirm"),
    path(S + "correct", views.session_correct, name="session_correct"),
    *record_patterns(S, views.session_pages),
    path("o/<int:org_id>/study/activities/", views.activity_list, name="activity_list"),
    path(A, views.activity_detail, name="activity_detail"),
    path(A + "delete", views.activity_delete, name="activity_delete"),
    *record_patterns(A, views.activity_pages, "activity_"),
    path("o/<int:org_id>/library/", views.library, name="library"),
    path(L, views.material_detail, name="material_detail"),
    path(L + "delete", views.material_delete, name="material_delete"),
    *record_patterns(L, views.material_pages, "material_"),
    path("o/<int:org_id>/codes/", views.code_list, name="code_list"),
    path("o/<int:org_id>/codes/new", views.code_new, name="code_new"),
    path("o/<int:org_id>/codes/adoption-steps", views.code_rules, name="code_rules"),
    path(C, views.code_detail, name="code_detail"),
    path(C + "diff", views.code_diff, name="code_diff"),
    path(C + "versions/new", views.version_new, name="version_new"),
    path(V, views.version_detail, name="version_detail"),
    path(V + "edit", views.version_edit, name="version_edit"),
    path(V + "submit", views.version_submit, name="version_submit"),
    path(V + "adopt", views.version_adopt, name="version_adopt"),
    path(V + "return", views.version_return, name="version_return"),
    path(V + "publish", views.version_publish, name="version_publish"),
    path(V + "acknowledge", views.version_acknowledge, name="version_acknowledge"),
]
