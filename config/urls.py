from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from governance.forms import LoginForm

from workflows.converters import KindConverter

from .converters import IdConverter

register_converter(IdConverter, "id")  # before the includes below, whose patterns use <id:...>
register_converter(KindConverter, "kind")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("governance.urls")),
    path("", include("reports.urls")),
    path("", include("workflows.urls")),
    path("", include("commission.urls")),
]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
