from django.urls import path

from . import bulk_views, checklist_views, list_views, op_views, start_views, views

app_name = "workflows"
urlpatterns = [
    path("", list_views.inbox, name="inbox"),
    path("done/", list_views.done_list, name="done"),
    path("copies/", list_views.copy_list, name="copies"),
    path("copies/<id:pk>/read/", list_views.copy_read, name="copy_read"),
    path("processes/", list_views.process_search, name="search"),
    path("opinions/", list_views.opinion_list, name="opinions"),
    path("opinions/<id:pk>/delete/", list_views.opinion_remove, name="opinion_delete"),
    path("tasks/bulk/", bulk_views.tasks_bulk_view, name="tasks_bulk"),
    path("requests/", views.my_requests, name="requests"),
    path("tasks/<id:task_id>/", views.task_detail, name="task"),
    path("tasks/<id:task_id>/claim/", views.task_claim_view, name="task_claim"),
    path("tasks/<id:task_id>/unclaim/", views.task_unclaim_view, name="task_unclaim"),
    path("tasks/<id:task_id>/checklist/", checklist_views.checklist_record, name="checklist_record"),
    path("tasks/<id:task_id>/evidence/", checklist_views.checklist_evidence, name="checklist_evidence"),
    path("tasks/<id:task_id>/transfer/", op_views.task_operation, {"operation": "transfer"}, name="task_transfer"),
    path("tasks/<id:task_id>/delegate/", op_views.task_operation, {"operation": "delegate"}, name="task_delegate"),
    path("tasks/<id:task_id>/add-approver/", op_views.task_operation, {"operation": "add_approver"},
         name="task_add_approver"),
    path("processes/new/<kind:kind>/<id:subject_id>/", start_views.process_new, name="start"),
    path("processes/<id:pk>/", views.process_detail, name="process_detail"),
    path("processes/<id:pk>/withdraw/", views.process_withdraw_view, name="process_withdraw"),
    path("processes/<id:pk>/cancel/", op_views.process_cancel_view, name="process_cancel"),
    path("processes/<id:pk>/remind/", op_views.process_remind_view, name="process_remind"),
    path("processes/<id:pk>/copy/", op_views.process_copy_view, name="process_copy"),
    path("processes/<id:pk>/chart.svg", views.process_chart, name="process_chart"),
    path("flows/", views.flow_list, name="flows"),
]
