from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_new, name="channel_new"),
    path("channels/<id:pk>/", views.channel_detail, name="channel_detail"),
    path("channels/<id:pk>/edit/", views.channel_edit, name="channel_edit"),
]
