"""May this agent call now? From the current certificate alone, in one query; expiry stops it at once."""
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from governance.models import CertificateStatus
from governance.outbound import NO_CERTIFICATE, may_call, may_call_for

from .conftest import EXPIRING, LY_AGENT, UNCERTIFIED, agent, at_noon, certificate, grant, in_state, person

S = CertificateStatus
EXPECTED = {  # status → (allowed, words in the reason)
    S.VALID: (True, "有效期至"),
    S.EXPIRING: (True, "剩余"),
    S.PENDING: (False, "尚未生效"),
    S.EXPIRED: (False, "到期"),
    S.SUSPENDED: (False, "已暂停:准备状态"),
    S.REVOKED: (False, "已吊销:准备状态"),
}


@pytest.mark.parametrize("state", list(EXPECTED))
def test_may_call_at_each_status_in_one_query(outbound, state, django_assert_num_queries):
    cert = in_state(state)
    with django_assert_num_queries(1):
        allowed, reason = may_call(agent_id=cert.agent_id)
    assert allowed is EXPECTED[state][0]
    assert EXPECTED[state][1] in reason


def test_no_certificate(outbound, django_assert_num_queries):
    agent_id = agent(UNCERTIFIED).pk
    with django_assert_num_queries(1):
        assert may_call(agent_id=agent_id) == (False, NO_CERTIFICATE)


def test_an_old_certificate_does_not_count(outbound):
    """Only the current certificate answers: after a revocation and a new grant, the new one decides."""
    old = in_state(S.REVOKED)
    grant(old.agent.employee_no, start=0, end=365)
    assert may_call(agent_id=old.agent_id)[0] is True


def test_expiry_stops_calls_with_the_clock_moved(outbound, api):
    cert = certificate(EXPIRING)
    url = f"/api/v1/agents/{cert.agent_id}/may-call/"
    with time_machine.travel(at_noon(cert.valid_to)):  # the last day: still allowed
        client = api("zz_outbound")  # a token of that day (tokens expire after 12 hours)
        assert may_call(agent_id=cert.agent_id)[0] is True
        assert client.get(url).json()["allowed"] is True
    midnight = timezone.make_aware(datetime.combine(cert.valid_to + timedelta(days=1), time(0, 0, 1)))
    with time_machine.travel(midnight):  # one second into the next day, no job has run
        allowed, reason = may_call(agent_id=cert.agent_id)
        body = api("zz_outbound").get(url).json()
    assert allowed is False and f"{cert.valid_to:%Y-%m-%d} 到期" in reason
    assert body == {"allowed": False, "reason": reason}


def test_a_day_can_be_asked(outbound):
    cert = certificate(EXPIRING)
    assert may_call(agent_id=cert.agent_id, today=cert.valid_to)[0] is True
    assert may_call(agent_id=cert.agent_id, today=cert.valid_to + timedelta(days=1))[0] is False


def test_scoped_answer_hides_other_cities(outbound):
    ly_agent = agent(LY_AGENT)
    assert may_call_for(user=person("ly_manager"), agent_id=ly_agent.pk)[0] is True
    for agent_id in (ly_agent.pk, agent("LY0003").pk, 10**9):  # certified, uncertified, none at all
        with pytest.raises(Http404):
            may_call_for(user=person("zz_outbound"), agent_id=agent_id)
    assert may_call_for(user=person("ly_manager"), agent_id=agent("LY0003").pk) == (False, NO_CERTIFICATE)
    assert may_call_for(user=person("auditor"), agent_id=ly_agent.pk)[0] is True
