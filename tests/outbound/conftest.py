"""The demo world plus its outbound part (agents, certificates, exam levels, capacity settings)."""
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.models import Certificate, CertificateStatus, OrgUnit, OutboundAgent
from governance.outbound import certificate_grant, certificate_lift, certificate_revoke, certificate_suspend
from governance.outbound_demo import seed_outbound

EXPIRING = "ZZ0002"  # the demo agent whose certificate ends in 20 days
UNCERTIFIED = "ZZ0005"
LY_AGENT = "LY0001"
MOVES = {"suspend": certificate_suspend, "lift": certificate_lift, "revoke": certificate_revoke}


def person(username):
    """A fresh user object (post assignments are cached per object)."""
    return get_user_model().objects.get(username=username)


def agent(employee_no) -> OutboundAgent:
    return OutboundAgent.objects.get(employee_no=employee_no)


def certificate(employee_no) -> Certificate:
    return Certificate.objects.get(agent__employee_no=employee_no, is_current=True)


def unit(code) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def at_noon(day):
    """An aware datetime at noon local time on `day`, for time_machine.travel."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def days(n):
    return timezone.localdate() + timedelta(days=n)


def grant(employee_no=UNCERTIFIED, level=1, start=-10, end=400, reason="考试与质检通过"):
    return certificate_grant(agent=agent(employee_no), level=level, valid_from=days(start), valid_to=days(end),
                             user=person("prov_outbound_qa"), reason=reason)


def in_state(state, unit_code="ZZ-JS") -> Certificate:
    """A fresh agent's certificate in `state` today (expired ones are granted in the past)."""
    new = OutboundAgent.objects.create(org_unit=unit(unit_code), name="状态测试",
                                       employee_no=f"T-{unit_code}-{state}")
    if state == CertificateStatus.EXPIRED:
        with time_machine.travel(at_noon(days(-100))):
            cert = grant(new.employee_no, start=-10, end=50)
        return cert
    start, end = {CertificateStatus.PENDING: (5, 400), CertificateStatus.EXPIRING: (-300, 10)}.get(state, (-10, 400))
    cert = grant(new.employee_no, start=start, end=end)
    if state in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        cert = MOVES["suspend" if state == CertificateStatus.SUSPENDED else "revoke"](
            certificate=cert, user=person("prov_outbound_qa"), reason="准备状态")
    assert cert.status_on() == state
    return cert


@pytest.fixture
def outbound(demo):
    seed_outbound()
