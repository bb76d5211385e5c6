"""The commission-policies export: one row per rule with the policy's columns, exactly the policies the
list shows for the same user and filters."""
from collections import Counter

import pytest

from commission.exports import POLICY_EXPORT_COLUMNS
from tests.reports.test_exports import export, list_rows  # noqa: F401  (the export fixture drives the real API)

from .conftest import new_policy


@pytest.fixture
def policies(commission):
    new_policy(rules=[], name="空规则草稿", types=["own_hall"])
    new_policy("ly_manager", "LY", rules=[{"kind": "per_unit", "business": "handset", "amount": "9.00"}],
               name="洛阳草稿")
    return commission


@pytest.mark.parametrize("username, filters", [
    ("zz_manager", {}), ("auditor", {}), ("auditor", {"status": "draft"}), ("auditor", {"org_unit": "LY"}),
    ("prov_marketing", {"channel_type": "own_hall"}), ("ly_supervisor", {"q": "洛阳"}),
    ("auditor", {"valid_on": "2026-06-01"}),
])
def test_export_rows_are_the_list_rows_one_per_rule(policies, api, export, username, filters):  # noqa: F811
    listed = list_rows(api(username), "/api/v1/commission-policies/", **filters)
    rows = export(username, "commission-policies", filters)
    assert rows[0] == tuple(title for title, _ in POLICY_EXPORT_COLUMNS)
    per_policy = Counter(row[0] for row in rows[1:])
    assert list(dict.fromkeys(row[0] for row in rows[1:])) == [p["id"] for p in listed]  # same policies, same order
    assert per_policy == {p["id"]: max(1, len(p["rules"])) for p in listed}
    first = next((p for p in listed if p["rules"]), None)
    if first:
        row = next(r for r in rows[1:] if r[0] == first["id"])
        assert (row[1], row[3], row[4], row[12]) == (first["name"], first["org_unit"], first["version"], 1)


def test_bad_export_filters_are_a_400(demo, api):
    response = api("auditor").post("/api/v1/exports/", {"report": "commission-policies",
                                                        "filters": {"status": "nope"}}, format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]
