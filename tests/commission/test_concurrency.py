"""Real concurrency on PostgreSQL: two overlapping policies approved at the same moment; the lock on the
unit's row makes the second approval see the first, so exactly one is approved."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from commission.models import CommissionPolicy
from commission.services import policy_approve, policy_submit

from .conftest import new_policy, person

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
RULES = [{"kind": "per_unit", "business": "new_number", "amount": "44.00"}]


def race(*calls) -> list:
    """Run the calls in threads released together; each result is the return value or the exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 — the outcome under test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_overlapping_approvals_at_once_approve_exactly_one(demo, round_):
    one, two = new_policy(rules=RULES, name="甲"), new_policy(rules=RULES, name="乙")
    for policy in (one, two):
        policy_submit(policy=policy, user=person("zz_manager"))
    results = race(lambda: policy_approve(policy=one, user=person("prov_finance")),
                   lambda: policy_approve(policy=two, user=person("prov_finance")))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1, results
    assert "有效期重叠" in " ".join(refused[0].messages)
    statuses = sorted(CommissionPolicy.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True))
    assert statuses == ["approved", "in_review"]
