"""Fixtures shared by every test: the demo world, users by name, API clients with tokens."""
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpRequest
from rest_framework.test import APIClient

PASSWORD = "demo-pass-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """The login throttle counts attempts per address in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def media_in_tmp(tmp_path_factory):
    """Archived documents of the tests go to a temporary folder, never the project's media/."""
    from django.conf import settings

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def user(demo):
    return lambda username: get_user_model().objects.get(username=username)


@pytest.fixture
def api(demo):
    """api("zz_manager") → an APIClient authenticated with that user's token."""

    def make(username):
        client = APIClient()
        response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return make


def login(client, username):
    # django-axes checks every authentication against its lockouts and needs the request for it
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD)
    return client
