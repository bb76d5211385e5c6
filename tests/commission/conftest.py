"""Fixtures of the commission tests: the demo world with its commission policies and last month's volumes."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from commission.demo import seed_commission
from commission.models import CommissionPolicy, MonthlyVolume
from commission.rules import rule_json
from commission.selectors import rules_for
from commission.services import (configuration_enter, policy_approve, policy_archive, policy_create,
                                 policy_submit)
from governance.models import Channel, OrgUnit


@pytest.fixture(autouse=True)
def _commission_from_scratch(request):
    """The commission tests count and compare policies and volumes: they start from the demo world without
    its commission demo (seed_demo adds it), and the `commission` fixture puts it back."""
    if "demo" not in request.fixturenames:
        return
    request.getfixturevalue("demo")
    MonthlyVolume.objects.all().delete()
    CommissionPolicy.objects.all().delete()


@pytest.fixture
def commission(demo, _commission_from_scratch):
    """seed_demo, then the commission demo: {"ZZ": policy, "LY": policy}."""
    zz, ly = seed_commission()
    return {"ZZ": zz, "LY": ly}


def person(username):
    """A fresh user object (post assignments are cached per object)."""
    return get_user_model().objects.get(username=username)


def reload(policy) -> CommissionPolicy:
    return CommissionPolicy.objects.get(pk=policy.pk)


MONTH = date(2026, 9, 1)


def make_channel(node_code, *, unit="ZZ-JS", channel_type="agent_point", star=3, status="active"):
    """A channel row as the registry holds it after onboarding (the commission tests need only these fields)."""
    return Channel.objects.create(
        node_code=node_code, name=f"酬金测试{node_code}", channel_type=channel_type, star_level=star,
        org_unit=OrgUnit.objects.get(code=unit), address="测试路1号", contact_mobile="13912345678",
        status=status, created_by=person("zz_manager"))


def add_volumes(channel, month=MONTH, **businesses):
    """add_volumes(ch, new_number=3, top_up=("1234.56", 12)) — a number is a quantity, a pair is (amount, quantity)."""
    for business, value in businesses.items():
        amount, quantity = (Decimal(value[0]), value[1]) if isinstance(value, tuple) else (Decimal("0"), value)
        MonthlyVolume.objects.create(channel=channel, month=month, business=business, quantity=quantity, amount=amount)


def new_policy(username="zz_manager", unit="ZZ", *, rules, types=("agent_point", "exclusive_store"),
               valid_from=date(2026, 1, 1), valid_to=None, name="测试酬金政策"):
    return policy_create(user=person(username), data={
        "org_unit": OrgUnit.objects.get(code=unit), "name": name, "channel_types": list(types),
        "valid_from": valid_from, "valid_to": valid_to, "rules": rules})


def approved(policy, *, configure=True):
    """Through submit, approve, (configure, re-check): the policy as the flow leaves it."""
    city = policy.org_unit.code.lower()
    policy_submit(policy=policy, user=person(f"{city}_manager"))
    policy = policy_approve(policy=policy, user=person("prov_finance"))
    if configure:
        configuration_enter(policy=policy, rules=[rule_json(r) for r in rules_for(policy)],
                            user=person(f"{city}_support"))
        policy = policy_archive(policy=policy, user=person(f"{city}_supervisor"))
    return policy
