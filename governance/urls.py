from django.urls import path

from . import views
from .attachments import views as attachment_views

app_name = "governance"
urlpatterns = [
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_new, name="channel_new"),
    path("channels/<id:pk>/", views.channel_detail, name="channel_detail"),
    path("channels/<id:pk>/edit/", views.channel_edit, name="channel_edit"),
    path("channels/<id:pk>/attachments/", attachment_views.attachment_upload, name="attachment_upload"),
    path("attachments/<id:pk>/file/", attachment_views.attachment_file, name="attachment_file"),
]
