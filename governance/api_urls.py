from django.urls import path

from . import api, notifications_api, outbound_api
from .attachments import api as attachments_api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("channels/", api.ChannelListView.as_view(), name="api-channels"),
    path("channels/<id:pk>/", api.ChannelDetailView.as_view(), name="api-channel"),
    path("channels/<id:pk>/attachments/", attachments_api.ChannelAttachmentsView.as_view(),
         name="api-channel-attachments"),
    path("attachments/<id:pk>/file/", attachments_api.AttachmentFileView.as_view(), name="api-attachment-file"),
    path("agents/", outbound_api.AgentListView.as_view(), name="api-agents"),
    path("agents/<id:pk>/", outbound_api.AgentDetailView.as_view(), name="api-agent"),
    path("agents/<id:pk>/may-call/", outbound_api.MayCallView.as_view(), name="api-agent-may-call"),
    path("certificates/<id:pk>/suspend/", outbound_api.certificate_suspend_view, name="api-certificate-suspend"),
    path("certificates/<id:pk>/revoke/", outbound_api.certificate_revoke_view, name="api-certificate-revoke"),
    path("certificates/<id:pk>/lift/", outbound_api.certificate_lift_view, name="api-certificate-lift"),
    path("outbound-demands/", outbound_api.DemandListView.as_view(), name="api-outbound-demands"),
    path("outbound-demands/<id:pk>/", outbound_api.DemandDetailView.as_view(), name="api-outbound-demand"),
    path("notifications/", notifications_api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/<id:pk>/read/", notifications_api.NotificationReadView.as_view(), name="api-notification-read"),
]
