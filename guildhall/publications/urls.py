from django.urls import path

from guildhall.kit.urls import object_patterns, record_patterns
from guildhall.publications import views

P = "o/<int:org_id>/publications/<int:publication_id>/"
C = "o/<int:org_id>/channels/<int:channel_id>/"

app_name = "publications"

urlpatterns = [
    path("o/<int:org_id>/publications/", views.publication_list, name="publication_list"),
    path("o/<int:org_id>/publications/waiting/", views.publication_waiting,
         name="publication_waiting"),
    path("o/<int:org_id>/publications/new", views.publication_new, name="publication_new"),
    path("o/<int:org_id>/publications/settings/", views.publication_settings,
         name="publication_settings"),
    *object_patterns(P, views, "publication", ". edit diff submit review published withdraw"),
    *record_patterns(P, views.record_pages),
    path("o/<int:org_id>/channels/", views.channel_list, name="channel_list"),
    path("o/<int:org_id>/channels/new", views.channel_new, name="channel_new"),
    *object_patterns(C, views, "channel", ". edit pause resume"),
]
