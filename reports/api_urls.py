from django.urls import path

from . import api

urlpatterns = [
    path("processes/<id:pk>/document/", api.ProcessDocumentView.as_view(), name="api-process-document"),
    path("exports/", api.ExportListView.as_view(), name="api-exports"),
    path("exports/<id:pk>/", api.ExportDetailView.as_view(), name="api-export"),
    path("exports/<id:pk>/file/", api.ExportFileView.as_view(), name="api-export-file"),
]
