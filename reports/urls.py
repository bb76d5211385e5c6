from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("documents/verify/", views.document_verify_page, name="verify"),
    path("processes/<id:pk>/document.pdf", views.document_pdf, name="document"),
]
