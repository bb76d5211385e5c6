from django.urls import path

from . import views

app_name = "commission"
urlpatterns = [
    path("commission/", views.policy_list_page, name="policy_list"),
    path("commission/new/", views.policy_new, name="policy_new"),
    path("commission/volumes/", views.volumes_page, name="volumes"),
    path("commission/<id:pk>/", views.policy_detail, name="policy_detail"),
    path("commission/<id:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("commission/<id:pk>/revise/", views.policy_revise_page, name="policy_revise"),
    path("commission/<id:pk>/versions/", views.policy_versions_page, name="policy_versions"),
    path("commission/<id:pk>/estimate/", views.policy_estimate_page, name="policy_estimate"),
]
