"""Real concurrency on PostgreSQL: the last free calls go to one demand; a certificate moves once."""
import pytest
from django.db import connection

from governance.models import Certificate, CertificateEvent, OutboundDemand
from governance.outbound_demo import seed_outbound
from tests.api.test_concurrency import race

from .conftest import certificate
from .test_outbound_api import demand_body

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
ROUNDS = 3


@pytest.fixture
def world(api):
    assert connection.vendor == "postgresql", "run these on PostgreSQL (they are marked postgres_only)"
    seed_outbound()


def test_two_demands_racing_for_the_last_capacity(world, api):
    ops, manager = api("zz_outbound"), api("zz_manager")
    for round_ in range(ROUNDS):
        OutboundDemand.objects.all().delete()
        body = demand_body(1000)  # the week holds 1,800 free calls: one of the two fits
        statuses = race(lambda: ops.post("/api/v1/outbound-demands/", body, format="json"),
                        lambda: manager.post("/api/v1/outbound-demands/", body, format="json"))
        assert statuses == [201, 201], round_
        assert sorted(OutboundDemand.objects.values_list("served_by", flat=True)) == ["own", "province"], round_


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_two_qa_moves_at_once_one_wins(world, api, action):
    qa = api("prov_outbound_qa")
    cert = certificate("ZZ0001")
    url = f"/api/v1/certificates/{cert.pk}/{action}/"
    statuses = race(lambda: qa.post(url, {"reason": "并发一"}, format="json"),
                    lambda: qa.post(url, {"reason": "并发二"}, format="json"))
    assert sorted(statuses) == [200, 409]
    assert CertificateEvent.objects.filter(certificate=cert, action=action).count() == 1
    assert Certificate.objects.filter(agent=cert.agent).count() == 1
