"""A user may have at most MAX_ACTIVE_EXPORTS exports running: the next one is a 409 in the JSON shape,
documented in the schema; finished or stuck (older than the active window) jobs do not count."""
from datetime import timedelta

import yaml
from django.utils import timezone

from reports.models import ExportJob
from reports.services import ACTIVE_WINDOW, MAX_ACTIVE_EXPORTS
from tests.api.conftest import is_chinese
from tests.reports.conftest import person


def _running(username, n, **fields):
    for _ in range(n):
        ExportJob.objects.create(requested_by=person(username), report="channels", status="running", **fields)


def test_one_export_too_many_is_a_409(api):
    _running("auditor", MAX_ACTIVE_EXPORTS)
    client = api("auditor")
    response = client.post("/api/v1/exports/", {"report": "channels"}, format="json")
    assert response.status_code == 409
    assert set(response.json()) == {"detail", "errors"} and is_chinese(response.json()["detail"])
    assert ExportJob.objects.count() == MAX_ACTIVE_EXPORTS
    # another user is not held back by the auditor's jobs
    assert api("prov_marketing").post("/api/v1/exports/", {"report": "channels"}, format="json").status_code == 202


def test_below_the_limit_and_stuck_jobs_do_not_count(api):
    _running("auditor", MAX_ACTIVE_EXPORTS - 1)
    _running("auditor", 2)
    ExportJob.objects.filter(pk__in=ExportJob.objects.order_by("-id").values("pk")[:2]).update(
        created=timezone.now() - ACTIVE_WINDOW - timedelta(minutes=1))
    response = api("auditor").post("/api/v1/exports/", {"report": "channels"}, format="json")
    assert response.status_code == 202


def test_the_409_is_documented(api):
    schema = yaml.safe_load(api("auditor").get("/api/schema/").content)
    post = schema["paths"]["/api/v1/exports/"]["post"]["responses"]
    assert "409" in post and "application/json" in post["409"]["content"]
