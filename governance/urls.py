from django.urls import path

from . import notification_views, outbound_views, views
from .attachments import views as attachment_views

app_name = "governance"
urlpatterns = [
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_new, name="channel_new"),
    path("channels/<id:pk>/", views.channel_detail, name="channel_detail"),
    path("channels/<id:pk>/edit/", views.channel_edit, name="channel_edit"),
    path("channels/<id:pk>/attachments/", attachment_views.attachment_upload, name="attachment_upload"),
    path("attachments/<id:pk>/file/", attachment_views.attachment_file, name="attachment_file"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read-all/", notification_views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", notification_views.notification_settings, name="notification_settings"),
    path("notifications/<id:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("outbound/agents/", outbound_views.agent_list, name="agent_list"),
    path("outbound/agents/<id:pk>/", outbound_views.agent_detail, name="agent_detail"),
    path("outbound/certificates/<id:pk>/<slug:action>/", outbound_views.certificate_action, name="certificate_action"),
    path("outbound/demands/", outbound_views.demand_list_page, name="demand_list"),
    path("outbound/demands/new/", outbound_views.demand_new, name="demand_new"),
    path("outbound/demands/<id:pk>/", outbound_views.demand_detail, name="demand_detail"),
]
