"""Lists count exactly up to the cap, then report the cap and say so; a first page that is not full counts itself."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import paging
from tests.conftest import login
from governance.models import Channel


def test_count_is_exact_below_the_cap_and_capped_above(api, monkeypatch):
    client = api("prov_marketing")
    exact = client.get("/api/v1/channels/").json()
    assert exact["count"] == Channel.objects.count() and exact["count_capped"] is False

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    capped = client.get("/api/v1/channels/?page_size=2").json()
    assert capped["count"] == 3 and capped["count_capped"] is True
    assert len(capped["results"]) == 2 and capped["next"]


def _counts(captured, table) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]


def test_a_first_page_that_is_not_full_needs_no_count(api):
    client = api("prov_marketing")
    total = Channel.objects.count()
    client.get("/api/v1/channels/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/channels/").json()
    assert body["count"] == total == len(body["results"]) and body["next"] is None
    assert not _counts(captured, "governance_channel")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/channels/?page_size=2").json()["count"] == total
    assert len(_counts(captured, "governance_channel")) == 1  # a full page cannot tell: it counts


def test_a_full_first_page_and_later_pages_still_count(api):
    client = api("prov_marketing")
    total = Channel.objects.count()
    assert total > 2
    first = client.get("/api/v1/channels/?page_size=2").json()
    assert first["count"] == total and len(first["results"]) == 2 and first["next"]
    last = client.get(f"/api/v1/channels/?page_size=2&page={(total + 1) // 2}").json()
    assert last["count"] == total and last["next"] is None and last["results"]
    assert client.get(f"/api/v1/channels/?page_size=2&page={total + 5}").status_code == 404


def test_pages_of_the_site_use_it_too(client, demo):
    login(client, "prov_marketing")
    client.get("/channels/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/channels/")
    assert response.status_code == 200 and response.context["page"].paginator.count == Channel.objects.count()
    assert not _counts(captured, "governance_channel")
