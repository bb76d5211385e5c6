from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("channels/", api.ChannelListView.as_view(), name="api-channels"),
    path("channels/<id:pk>/", api.ChannelDetailView.as_view(), name="api-channel"),
]
