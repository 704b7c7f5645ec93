from django.urls import path

from guildhall.orgs import views

app_name = "orgs"

urlpatterns = [
    path("o/<int:org_id>/associations/", views.associations, name="associations"),
    path("o/<int:org_id>/associations/new", views.association_new, name="association_new"),
    path("o/<int:org_id>/associations/import", views.association_import, name="association_import"),
    path("o/<int:org_id>/associations/template.xlsx", views.import_template, name="import_template"),
    path("o/<int:org_id>/details", views.organization_edit, name="org_edit"),
    path("o/<int:org_id>/members/", views.members, name="members"),
    path("o/<int:org_id>/members/invite", views.member_invite, name="member_invite"),
    path("o/<int:org_id>/members/<int:membership_id>/role", views.member_role, name="member_role"),
    path("o/<int:org_id>/members/<int:membership_id>/deactivate", views.member_deactivate,
         name="member_deactivate"),
    path("o/<int:org_id>/members/<int:membership_id>/reactivate", views.member_reactivate,
         name="member_reactivate"),
    path("o/<int:org_id>/members/<int:membership_id>/unlock", views.member_unlock,
         name="member_unlock"),
    path("o/<int:org_id>/members/<int:membership_id>/reset-second-factor",
         views.member_reset_second_factor, name="member_reset_second_factor"),
    path("o/<int:org_id>/members/invitations/<int:invitation_id>/resend", views.invitation_resend,
         name="invitation_resend"),
    path("o/<int:org_id>/members/invitations/<int:invitation_id>/cancel", views.invitation_cancel,
         name="invitation_cancel"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
