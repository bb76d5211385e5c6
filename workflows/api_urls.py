from django.urls import path

from . import api, api_checklist, api_operations as ops

urlpatterns = [
    path("processes/", api.ProcessListView.as_view(), name="api-processes"),
    path("processes/<id:pk>/", api.ProcessDetailView.as_view(), name="api-process"),
    path("processes/<id:pk>/withdraw/", api.ProcessWithdrawView.as_view(), name="api-process-withdraw"),
    path("processes/<id:pk>/cancel/", ops.ProcessCancelView.as_view(), name="api-process-cancel"),
    path("processes/<id:pk>/remind/", ops.ProcessRemindView.as_view(), name="api-process-remind"),
    path("processes/<id:pk>/copy/", ops.ProcessCopyView.as_view(), name="api-process-copy"),
    path("processes/<kind:kind>/", api.ProcessStartView.as_view(), name="api-process-start"),
    path("tasks/", api.TaskListView.as_view(), name="api-tasks"),
    path("tasks/done/", ops.TaskDoneListView.as_view(), name="api-tasks-done"),
    path("tasks/bulk/", ops.TaskBulkView.as_view(), name="api-tasks-bulk"),
    path("copies/", api.CopyListView.as_view(), name="api-copies"),
    path("copies/<id:pk>/read/", ops.CopyReadView.as_view(), name="api-copy-read"),
    path("copies/<id:pk>/object/", ops.CopyObjectView.as_view(), name="api-copy-object"),
    path("tasks/<id:pk>/claim/", api.TaskClaimView.as_view(), name="api-task-claim"),
    path("tasks/<id:pk>/unclaim/", api.TaskUnclaimView.as_view(), name="api-task-unclaim"),
    path("tasks/<id:pk>/transfer/", ops.TaskTransferView.as_view(), name="api-task-transfer"),
    path("tasks/<id:pk>/delegate/", ops.TaskDelegateView.as_view(), name="api-task-delegate"),
    path("tasks/<id:pk>/add_approver/", ops.TaskAddApproverView.as_view(), name="api-task-add-approver"),
    path("tasks/<id:pk>/checklist/", api_checklist.ChecklistRecordView.as_view(), name="api-task-checklist"),
    path("tasks/<id:pk>/evidence/", api_checklist.ChecklistEvidenceView.as_view(), name="api-task-evidence"),
    path("tasks/<id:pk>/<slug:action>/", api.TaskActionView.as_view(), name="api-task-action"),
]
