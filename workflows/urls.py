from django.urls import path

from . import checklist_views, start_views, views

app_name = "workflows"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("requests/", views.my_requests, name="requests"),
    path("tasks/<id:task_id>/", views.task_detail, name="task"),
    path("tasks/<id:task_id>/claim/", views.task_claim_view, name="task_claim"),
    path("tasks/<id:task_id>/unclaim/", views.task_unclaim_view, name="task_unclaim"),
    path("tasks/<id:task_id>/checklist/", checklist_views.checklist_record, name="checklist_record"),
    path("tasks/<id:task_id>/evidence/", checklist_views.checklist_evidence, name="checklist_evidence"),
    path("processes/new/<kind:kind>/<id:subject_id>/", start_views.process_new, name="start"),
    path("processes/<id:pk>/", views.process_detail, name="process_detail"),
    path("processes/<id:pk>/withdraw/", views.process_withdraw_view, name="process_withdraw"),
    path("processes/<id:pk>/chart.svg", views.process_chart, name="process_chart"),
    path("flows/", views.flow_list, name="flows"),
]
