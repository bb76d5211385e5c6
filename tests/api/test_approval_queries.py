"""One approval costs a fixed, small number of queries, through the API and through the page (issue 10)."""
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import Driver

import itertools
import os

_codes = itertools.count(7001)
STEPS = ["zz_supervisor", "zz_leader", "prov_marketing", "zz_support"]


def _counts(drive: Driver) -> list[int]:
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    counts = []
    for username in STEPS:
        body = {"boss_code": f"ZZ0001Q{next(_codes)}"} if username == "zz_support" else {}
        task = drive.task(username, pid)
        client = drive(username)
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.post(f"/api/v1/tasks/{task['id']}/approve/", {"comment": "同意", **body}, format="json")
            ms = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, response.json()
        counts.append(len(ctx.captured_queries))
        print(f"{username}: {len(ctx.captured_queries)} queries, {ms:.1f} ms")
        if os.environ.get("DUMP_SQL"):
            for q in ctx.captured_queries:
                print("   ", q["sql"][:300])
    return counts


def test_approve_through_api_query_count(drive):
    _counts(drive)  # warm per-process caches (content types, posts)
    counts = _counts(drive)
    print(counts)
    assert counts == [0, 0, 0, 0]
