from django.urls import path

from . import api

urlpatterns = [
    path("processes/", api.ProcessListView.as_view(), name="api-processes"),
    path("processes/<id:pk>/", api.ProcessDetailView.as_view(), name="api-process"),
    path("processes/<id:pk>/withdraw/", api.ProcessWithdrawView.as_view(), name="api-process-withdraw"),
    path("processes/<kind:kind>/", api.ProcessStartView.as_view(), name="api-process-start"),
    path("tasks/", api.TaskListView.as_view(), name="api-tasks"),
    path("copies/", api.CopyListView.as_view(), name="api-copies"),
    path("tasks/<id:pk>/claim/", api.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<id:pk>/unclaim/", api.TaskUnclaimView.as_view(), name="api-task-unclaim"),
    path("tasks/<id:pk>/<slug:action>/", api.TaskActionView.as_view(), name="api-task-action"),
]
