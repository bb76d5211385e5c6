"""Helpers for the hardening tests: running an export to its end and reading its sheet."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.api.conftest import Driver
from tests.pages.conftest import Pages


@pytest.fixture
def run_export(django_capture_on_commit_callbacks):
    """run_export(client, report, filters) → (POST response, finished job JSON or None, sheet rows or None)."""

    def run(client, report, filters=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/exports/", {"report": report, "filters": filters or {}}, format="json")
        if response.status_code != 202:
            return response, None, None
        job = client.get(f"/api/v1/exports/{response.json()['id']}/").json()
        if job["status"] != "done":
            return response, job, None
        download = client.get(f"/api/v1/exports/{job['id']}/file/")
        workbook = load_workbook(BytesIO(b"".join(download.streaming_content)), read_only=True)
        return response, job, list(workbook.worksheets[0].iter_rows(values_only=True))

    return run


@pytest.fixture
def drive(api):
    return Driver(api)


@pytest.fixture
def pages(demo):
    return Pages()
