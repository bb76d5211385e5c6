"""Fixtures shared by every test: the demo world, users by name, API clients with tokens."""
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.http import HttpRequest
from rest_framework.test import APIClient

PASSWORD = "demo-pass-2026"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


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


def _seed():
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo world is loaded once per test database; each test's transaction rolls back to it. At the end
    the live server's idle sessions are ended, so that the test database can be dropped."""
    with django_db_blocker.unblock():
        _seed()
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def demo(db):
    """The demo world (a transactional test empties the database at its end: the next one reloads it)."""
    from governance.models import OrgUnit

    if not OrgUnit.objects.filter(code="HA").exists():
        _seed()


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


def processes_of(subject):
    """The requests about one subject (a channel, a policy, an agent; a bare id is a channel's)."""
    from django.contrib.contenttypes.models import ContentType

    from governance.models import Channel
    from workflows.models import ApprovalProcess

    model, pk = (Channel, subject) if isinstance(subject, int) else (type(subject), subject.pk)
    return ApprovalProcess.objects.filter(subject_type=ContentType.objects.get_for_model(model), subject_id=pk)


def pytest_sessionfinish(session, exitstatus):
    """In CI (FAIL_ON_SKIP=1, set by scripts/test.sh) a skipped test is a failure: a check that silently does
    not run is a defect, not a pass."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("FAIL_ON_SKIP") and skipped:
        for report in skipped:
            reporter.write_line(f"SKIPPED IN CI (not allowed): {report.nodeid} {report.longrepr}", red=True)
        session.exitstatus = 1
