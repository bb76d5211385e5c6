"""Fixtures of the commission tests: the demo world with its commission policies and last month's volumes."""
import pytest
from django.contrib.auth import get_user_model

from commission.demo import seed_commission
from commission.models import CommissionPolicy


@pytest.fixture
def commission(demo):
    """seed_demo, then the commission demo: {"ZZ": policy, "LY": policy}."""
    zz, ly = seed_commission()
    return {"ZZ": zz, "LY": ly}


def person(username):
    """A fresh user object (post assignments are cached per object)."""
    return get_user_model().objects.get(username=username)


def reload(policy) -> CommissionPolicy:
    return CommissionPolicy.objects.get(pk=policy.pk)
