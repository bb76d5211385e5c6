"""The demo world plus its outbound part (agents, certificates, exam levels, capacity settings)."""
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.models import Certificate, OrgUnit, OutboundAgent
from governance.outbound_demo import seed_outbound

EXPIRING = "ZZ0002"  # the demo agent whose certificate ends in 20 days
UNCERTIFIED = "ZZ0005"
LY_AGENT = "LY0001"


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


@pytest.fixture
def outbound(demo):
    seed_outbound()
