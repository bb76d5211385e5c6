"""The policy and volume lists cost the same number of queries for 2 rows as for 30 (API and pages; a full page
adds its count)."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commission.models import MonthlyVolume

from tests.conftest import login

from .conftest import MONTH, make_channel, new_policy

RULES = [{"kind": "per_unit", "business": "new_number", "amount": "44.00"},
         {"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "1.00"}, {"from": 9, "amount": "2.00"}]},
         {"kind": "star_coefficient", "coefficients": {"1": "1", "2": "1", "3": "1", "4": "1", "5": "1"}}]


def grow(n, start):
    for i in range(start, start + n):
        new_policy(rules=RULES, name=f"计数政策{i}")
        MonthlyVolume.objects.create(channel=make_channel(f"ZZ-JS-Q{i:04d}"), month=MONTH, business="handset",
                                     quantity=i)


def count(client, path) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    rows = response.json()["count"] if response["Content-Type"].startswith("application/json") else None
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("path", ["/api/v1/commission-policies/", "/api/v1/volumes/",
                                  "/api/v1/commission-policies/?status=draft&channel_type=agent_point&org_unit=ZZ"])
def test_api_lists_do_not_grow_with_rows(api, path):
    client = api("zz_manager")
    grow(2, 0)
    count(client, path)  # warm the per-process caches
    few, rows_few = count(client, path)
    grow(28, 2)
    many, rows_many = count(client, path)
    assert rows_many > rows_few >= 2
    assert many == few


@pytest.mark.parametrize("path", ["/commission/", "/commission/volumes/", "/commission/?status=draft"])
def test_list_pages_do_not_grow_with_rows(demo, path):
    client = login(Client(), "zz_manager")
    grow(2, 0)
    count(client, path)
    few, _ = count(client, path)
    grow(28, 2)
    many, _ = count(client, path)
    assert many == few + 1  # the rows fill a page of 20, which then counts them; a short first page needs no count
