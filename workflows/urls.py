from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("tasks/<int:task_id>/", views.task_redirect, name="task"),
]
