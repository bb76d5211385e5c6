"""Filters do not reveal what exists: an unknown username or unit gives the same answer as one outside the
caller's scope (no rows), on the audit-log export, the channel list and its export."""
import pytest

from governance.models import OrgUnit

UNKNOWN_UNIT = 987654


def test_audit_log_actor_unknown_or_out_of_scope_is_the_same_empty_export(api, run_export):
    client = api("ly_manager")
    answers = []
    for actor in ["zz_manager", "nobody-such"]:  # a real user of another branch; no such user
        response, job, rows = run_export(client, "audit-log", {"actor": actor})
        answers.append((response.status_code, job["status"], job["row_count"], len(rows)))
    assert answers == [(202, "done", 0, 1)] * 2


def test_audit_log_actor_filter_still_filters(api, run_export):
    _, job, rows = run_export(api("auditor"), "audit-log", {"actor": "zz_manager"})
    assert job["row_count"] > 0 and {row[2] for row in rows[1:]} == {"zz_manager"}


@pytest.mark.parametrize("unit", ["ZZ", UNKNOWN_UNIT])
def test_channel_list_unit_filter_answers_alike(api, unit):
    unit_id = OrgUnit.objects.get(code=unit).pk if isinstance(unit, str) else unit
    response = api("ly_manager").get("/api/v1/channels/", {"org_unit": unit_id})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_channel_list_unit_filter_still_filters(api):
    zz = OrgUnit.objects.get(code="ZZ").pk
    rows = api("prov_marketing").get("/api/v1/channels/", {"org_unit": zz, "page_size": 200}).json()["results"]
    assert rows and all(row["org_unit_name"] in ("郑州分公司", "金水区", "中原区") for row in rows)


@pytest.mark.parametrize("unit", ["ZZ", UNKNOWN_UNIT, 10**20])
def test_channel_export_unit_filter_answers_alike(api, run_export, unit):
    unit_id = OrgUnit.objects.get(code=unit).pk if isinstance(unit, str) else unit
    response, job, rows = run_export(api("ly_manager"), "channels", {"org_unit": str(unit_id)})
    assert response.status_code == 202 and job["status"] == "done" and len(rows) == 1
