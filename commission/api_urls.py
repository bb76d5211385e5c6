from django.urls import path

from . import api

urlpatterns = [
    path("commission-policies/", api.PolicyListView.as_view(), name="api-commission-policies"),
    path("commission-policies/<id:pk>/", api.PolicyDetailView.as_view(), name="api-commission-policy"),
    path("commission-policies/<id:pk>/estimate/", api.PolicyEstimateView.as_view(), name="api-commission-estimate"),
    path("commission-policies/<id:pk>/versions/", api.PolicyVersionsView.as_view(), name="api-commission-versions"),
    path("commission-policies/<id:pk>/recheck/", api.PolicyRecheckView.as_view(), name="api-commission-recheck"),
    path("volumes/", api.VolumeView.as_view(), name="api-volumes"),
]
