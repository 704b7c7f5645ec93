from django.urls import path

from guildhall.publications import views

C = "o/<int:org_id>/channels/<int:channel_id>/"
P = "o/<int:org_id>/publications/<int:publication_id>/"

app_name = "publications"

urlpatterns = [
    path("o/<int:org_id>/channels/", views.channel_list, name="channel_list"),
    path("o/<int:org_id>/channels/new", views.channel_new, name="channel_new"),
    path(C, views.channel_detail, name="channel_detail"),
    path(C + "edit", views.channel_edit, name="channel_edit"),
    path(C + "pause", views.channel_pause, name="channel_pause"),
    path(C + "resume", views.channel_resume, name="channel_resume"),
    path("o/<int:org_id>/publications/", views.publication_list, name="publication_list"),
    path("o/<int:org_id>/publications/waiting/", views.publication_waiting,
         name="publication_waiting"),
    path("o/<int:org_id>/publications/new", views.publication_new, name="publication_new"),
    path("o/<int:org_id>/publications/settings/", views.publication_settings,
         name="publication_settings"),
    path(P, views.publication_detail, name="publication_detail"),
    path(P + "edit", views.publication_edit, name="publication_edit"),
    path(P + "diff", views.publication_diff, name="publication_diff"),
    path(P + "submit", views.publication_submit, name="publication_submit"),
    path(P + "review", views.publication_review, name="publication_review"),
    path(P + "findings/<int:finding_id>/acknowledge", views.publication_finding_acknowledge,
         name="finding_acknowledge"),
    path(P + "published", views.publication_published, name="publication_published"),
    path(P + "withdraw", views.publication_withdraw, name="publication_withdraw"),
    path(P + "attachments/", views.publication_attach, name="attachment_upload"),
    path(P + "attachments/<int:attachment_id>/", views.publication_attachment,
         name="attachment_download"),
    path(P + "attachments/<int:attachment_id>/remove", views.publication_attachment_remove,
         name="attachment_remove"),
]
