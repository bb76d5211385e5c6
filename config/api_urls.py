from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),  # CSP: no inline script
    path("v1/", include("governance.api_urls")),
    path("v1/", include("workflows.api_urls")),
    path("v1/", include("commission.api_urls")),
    path("v1/", include("reports.api_urls")),
]
