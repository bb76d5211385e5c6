from django.urls import path

from reports.api import ProcessDocumentView

from . import api

urlpatterns = [
    path("processes/", api.ProcessListView.as_view(), name="api-processes"),
    path("processes/<int:pk>/", api.ProcessDetailView.as_view(), name="api-process"),
    path("processes/<int:pk>/withdraw/", api.ProcessWithdrawView.as_view(), name="api-process-withdraw"),
    path("processes/<int:pk>/document/", ProcessDocumentView.as_view(), name="api-process-document"),
    path("processes/<slug:kind>/", api.ProcessStartView.as_view(), name="api-process-start"),
    path("tasks/", api.TaskListView.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/claim/", api.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<int:pk>/<slug:action>/", api.TaskActionView.as_view(), name="api-task-action"),
]
