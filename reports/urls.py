from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("documents/verify/", views.document_verify_page, name="verify"),
    path("processes/<id:pk>/document.pdf", views.document_pdf, name="document"),
    path("dashboard/", views.process_dashboard, name="dashboard"),
    path("exports/", views.export_list, name="exports"),
    path("exports/new/", views.export_new, name="export_new"),
    path("exports/<id:pk>/download/", views.export_download, name="export_download"),
]
