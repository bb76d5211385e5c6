from django.urls import path

from . import api
from .attachments import api as attachments_api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("channels/", api.ChannelListView.as_view(), name="api-channels"),
    path("channels/<id:pk>/", api.ChannelDetailView.as_view(), name="api-channel"),
    path("channels/<id:pk>/attachments/", attachments_api.ChannelAttachmentsView.as_view(),
         name="api-channel-attachments"),
    path("attachments/<id:pk>/file/", attachments_api.AttachmentFileView.as_view(), name="api-attachment-file"),
]
