"""The outbound lists cost the same number of queries for a few rows as for many (a full page adds its count)."""
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.models import Certificate, OutboundAgent, OutboundDemand
from tests.conftest import login

from .conftest import MOVES, certificate, days, person, unit
from .test_demand import week

_serial = itertools.count(1)


def add_agents(n):
    js = unit("ZZ-JS")
    agents = OutboundAgent.objects.bulk_create(
        OutboundAgent(org_unit=js, name=f"计数{i}", employee_no=f"Q{next(_serial):05d}") for i in range(n))
    Certificate.objects.bulk_create(
        Certificate(agent=a, org_unit=js, level=1 + i % 4, issued_on=days(-10), valid_from=days(-10),
                    valid_to=days(20 + i * 20)) for i, a in enumerate(agents) if i % 3)


def add_demands(n):
    start, end = week(30)
    OutboundDemand.objects.bulk_create(
        OutboundDemand(org_unit=unit("ZZ-JS"), city=unit("ZZ"), campaign=f"计数活动{i}", calls=10, start=start, end=end,
                       served_by="province", status="pending_allocation", settlement_unit_price="0.50",
                       settlement_amount="5.00", filed_by=person("zz_outbound"), filed_post="外呼运营")
        for i in range(n))


def count(client, path, json=True):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    rows = response.json()["count"] if json else response.content.decode().count("<tr>")
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("path, add", [
    ("/api/v1/agents/", add_agents), ("/api/v1/agents/?status=valid", add_agents),
    ("/api/v1/outbound-demands/", add_demands),
])
def test_api_lists(outbound, api, path, add):
    client = api("zz_outbound")
    add(2)
    count(client, path)  # warm per-process caches (content types)
    few, rows_few = count(client, path)
    add(30)
    many, rows_many = count(client, path)
    assert rows_many > rows_few and many == few


@pytest.mark.parametrize("path, add", [("/outbound/agents/", add_agents), ("/outbound/demands/", add_demands)])
def test_pages(outbound, path, add):
    client = login(Client(), "zz_outbound")
    add(2)
    count(client, path, json=False)
    few, rows_few = count(client, path, json=False)
    add(30)
    many, rows_many = count(client, path, json=False)
    assert rows_many > rows_few and many == few + 1  # a full page of 20 counts its rows; a short one needs no count


def test_agent_detail_does_not_grow_with_events(outbound, api):
    cert = certificate("ZZ0001")
    client, page = api("zz_outbound"), login(Client(), "zz_outbound")
    paths = [f"/api/v1/agents/{cert.agent_id}/"]
    count(client, paths[0], json=False)
    few_api = count(client, paths[0], json=False)[0]
    few_page = count(page, f"/outbound/agents/{cert.agent_id}/", json=False)[0]
    for _ in range(10):
        MOVES["suspend"](certificate=cert, user=person("prov_outbound_qa"), reason="暂停")
        MOVES["lift"](certificate=cert, user=person("prov_outbound_qa"), reason="解除")
    assert count(client, paths[0], json=False)[0] == few_api
    assert count(page, f"/outbound/agents/{cert.agent_id}/", json=False)[0] == few_page
