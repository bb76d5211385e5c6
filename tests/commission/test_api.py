"""The commission API as CONTRACT.md pins it: policy shape, create/patch/revise, the estimate, volume upload,
and errors as {"detail", "errors"} in Chinese (never a 500)."""
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from commission.models import CommissionPolicy, MonthlyVolume
from tests.api.conftest import is_chinese

from .conftest import approved, reload

BODY = {"org_unit": "ZZ", "name": "郑州12月酬金政策", "valid_from": "2026-12-01", "valid_to": None,
        "channel_types": ["agent_point", "exclusive_store"], "rules": [
            {"kind": "per_unit", "business": "new_number", "amount": "44.00"},
            {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": "500.00"},
            {"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "10.00"},
                                                                  {"from": 100, "amount": "12.00"}]},
            {"kind": "bonus", "business": "handset", "threshold": 50, "amount": "1000.00",
             "valid_from": "2026-12-01", "valid_to": "2026-12-31"},
            {"kind": "star_coefficient", "coefficients": {"1": "0.80", "2": "0.90", "3": "1.00", "4": "1.10",
                                                          "5": "1.20"}},
        ]}
SHAPE = {"id", "org_unit", "name", "valid_from", "valid_to", "channel_types", "replaces", "version", "status", "rules"}


def test_post_creates_a_draft_in_the_contract_shape(api):
    response = api("zz_manager").post("/api/v1/commission-policies/", BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert SHAPE <= set(body)
    assert {k: body[k] for k in BODY} == BODY
    assert (body["replaces"], body["version"], body["status"]) == (None, 1, "draft")
    assert api("zz_manager").get(f"/api/v1/commission-policies/{body['id']}/").json() == body


def test_patch_edits_a_draft_and_refuses_once_submitted(api):
    client = api("zz_supervisor")
    pk = client.post("/api/v1/commission-policies/", BODY, format="json").json()["id"]
    response = client.patch(f"/api/v1/commission-policies/{pk}/", {"valid_to": "2027-06-30", "rules": BODY["rules"][:1]},
                            format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["valid_to"] == "2027-06-30" and len(response.json()["rules"]) == 1
    CommissionPolicy.objects.filter(pk=pk).update(status="in_review")
    response = client.patch(f"/api/v1/commission-policies/{pk}/", {"name": "x"}, format="json")
    assert response.status_code == 400 and "只有草稿或已退回的政策可以修改" in response.json()["detail"]


@pytest.mark.parametrize("change, field, text", [
    ({"rules": [{"kind": "percent", "business": "top_up", "rate": "0.05", "cap": None}]}, "rules", "不得高于2%"),
    ({"rules": [{"kind": "per_unit", "business": "new_number"}]}, "rules", "第1条规则:请填写金额"),
    ({"rules": "all of them"}, "rules", ""),
    ({"channel_types": []}, "channel_types", ""),
    ({"channel_types": ["shop"]}, "channel_types", ""),
    ({"org_unit": "ZZ-JS"}, "org_unit", "只能属于地市分公司或省公司"),
    ({"org_unit": "NOPE"}, "org_unit", ""),
    ({"valid_to": "2026-01-01"}, "valid_to", "失效日期不能早于生效日期"),
    ({"valid_from": "2026-02-30"}, "valid_from", ""),
    ({"valid_from": "9999-12-01", "valid_to": None}, "valid_from", "日期应在 2000-01-01 至 2099-12-31 之间"),
    ({"valid_to": "0001-01-01"}, "valid_to", "日期应在"),
    ({"replaces": 999999}, "replaces", "不存在或不在您的数据范围内"),
    ({"name": None}, "name", ""),
])
def test_bad_input_is_a_chinese_400_and_nothing_is_saved(api, change, field, text):
    response = api("zz_manager").post("/api/v1/commission-policies/", {**BODY, **change}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"] and is_chinese(body["detail"]), body
    assert text in " ".join(map(str, body["errors"][field]))
    assert not CommissionPolicy.objects.exists()


def test_posts_that_may_not_draft_get_403_and_unit_outside_scope_400(api):
    assert api("zz_support").post("/api/v1/commission-policies/", BODY, format="json").status_code == 403
    assert api("auditor").post("/api/v1/commission-policies/", BODY, format="json").status_code == 403
    response = api("ly_manager").post("/api/v1/commission-policies/", BODY, format="json")
    assert response.status_code == 400 and response.json()["errors"]["org_unit"] == ["所属单位不在您的管辖范围内。"]


def test_post_with_replaces_makes_the_next_version(commission, api):
    old = commission["ZZ"]
    response = api("zz_manager").post("/api/v1/commission-policies/", {"replaces": old.pk, "valid_from": "2027-01-01"},
                                      format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["replaces"], body["version"], body["org_unit"], body["valid_from"]) == (old.pk, 2, "ZZ", "2027-01-01")
    assert body["rules"] == api("zz_manager").get(f"/api/v1/commission-policies/{old.pk}/").json()["rules"]
    versions = api("zz_manager").get(f"/api/v1/commission-policies/{body['id']}/versions/").json()
    assert [v["policy"]["version"] for v in versions] == [1, 2]
    assert [c["field"] for c in versions[1]["changes"]] == ["valid_from"]


def test_estimate_defaults_to_last_month(commission, api):
    pk = commission["ZZ"].pk
    with time_machine.travel(date(2026, 11, 25), tick=False):
        response = api("zz_manager").get(f"/api/v1/commission-policies/{pk}/estimate/")
    assert response.status_code == 200
    body = response.json()
    assert {"month", "total", "channels", "by_rule", "previous_total", "delta"} <= set(body)
    assert body["month"] == "2026-10" and body["channels"] == 2 and body["previous_total"] is None
    assert all(set(row) >= {"rule", "amount"} for row in body["by_rule"])
    other = api("zz_manager").get(f"/api/v1/commission-policies/{pk}/estimate/", {"month": "2026-09"}).json()
    assert (other["month"], other["total"], other["channels"]) == ("2026-09", "0.00", 0)
    for bad in ("2026-13", "abc", "10000-01", "2026-1-1"):
        response = api("zz_manager").get(f"/api/v1/commission-policies/{pk}/estimate/", {"month": bad})
        assert response.status_code == 400 and "month" in response.json()["errors"], bad


def test_recheck_endpoint_shows_the_differences(commission, api):
    body = api("zz_supervisor").get(f"/api/v1/commission-policies/{commission['ZZ'].pk}/recheck/").json()
    assert body["matches"] is True and body["differences"] == [] and body["configuration"]["entered_by"] == "zz_support"


def test_volume_upload_through_the_api(demo, api):
    csv = b"node_code,month,business,quantity,amount\nZZ-JS-0002,2026-10,new_number,3,\nZZ-JS-0002,2026-10,x,1,\n"
    with time_machine.travel(date(2026, 11, 25), tick=False):
        bad = api("zz_manager").post("/api/v1/volumes/", {"file": SimpleUploadedFile("v.csv", csv)}, format="multipart")
        assert bad.status_code == 400
        assert bad.json()["imported"] == 0 and [e["row"] for e in bad.json()["errors"]] == [3]
        assert is_chinese(bad.json()["detail"]) and not MonthlyVolume.objects.exists()
        good = api("zz_manager").post("/api/v1/volumes/", {"file": SimpleUploadedFile("v.csv", csv.rsplit(b"\n", 2)[0])},
                                      format="multipart")
    assert good.status_code == 200 and good.json() == {"imported": 1, "errors": [], "error_count": 0}
    listed = api("zz_manager").get("/api/v1/volumes/", {"month": "2026-10"}).json()
    assert [(r["node_code"], r["business"], r["quantity"], r["month"]) for r in listed["results"]] == [
        ("ZZ-JS-0002", "new_number", 3, "2026-10")]
    assert api("zz_manager").post("/api/v1/volumes/", {}, format="multipart").json()["errors"]["file"]
    assert api("auditor").post("/api/v1/volumes/", {"file": SimpleUploadedFile("v.csv", csv)},
                               format="multipart").status_code == 403
    assert api("zz_manager").get("/api/v1/volumes/", {"month": "2026-99"}).status_code == 400


def test_schema_documents_rules_businesses_and_errors(demo, api):
    schema = api("auditor").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert {"new_number", "handset", "broadband", "top_up"} <= set(components["BusinessEnum"]["enum"])
    assert set(components["CommissionRule"]["discriminator"]["mapping"]) == {
        "per_unit", "percent", "tiered", "bonus", "star_coefficient"}
    post = schema["paths"]["/api/v1/commission-policies/"]["post"]
    assert {"201", "400", "403", "404"} <= set(post["responses"])
    assert {"200", "400", "403"} <= set(schema["paths"]["/api/v1/volumes/"]["post"]["responses"])
    assert "/api/v1/commission-policies/{id}/estimate/" in schema["paths"]


def test_approved_policy_status_shows_in_the_api(demo, api):
    pk = api("zz_manager").post("/api/v1/commission-policies/", BODY, format="json").json()["id"]
    approved(reload(CommissionPolicy(pk=pk)))
    assert api("zz_manager").get(f"/api/v1/commission-policies/{pk}/").json()["status"] == "archived"


def test_list_filters(commission, api):
    client = api("auditor")
    own_hall = api("zz_manager").post("/api/v1/commission-policies/", {**BODY, "channel_types": ["own_hall"]},
                                      format="json").json()["id"]

    def ids(**params):
        response = client.get("/api/v1/commission-policies/", params)
        assert response.status_code == 200, response.json()
        return {p["id"] for p in response.json()["results"]}

    zz, ly = commission["ZZ"].pk, commission["LY"].pk
    assert ids() == {zz, ly, own_hall}
    assert ids(channel_type="own_hall") == {own_hall}
    assert ids(channel_type="agent_point") == {zz, ly}
    assert ids(channel_type="e_channel") == set()
    assert ids(status="draft") == {own_hall} and ids(status="archived") == {zz, ly}
    assert ids(org_unit="LY") == {ly}
    assert ids(valid_on="2026-12-15") == {zz, ly, own_hall} and ids(valid_on="2026-06-01") == {zz, ly}
    assert ids(q="洛阳") == {ly}
    for bad in ({"status": "nope"}, {"valid_on": "2026-02-30"}, {"channel_type": "shop"}, {"org_unit": "XX"}):
        response = client.get("/api/v1/commission-policies/", bad)
        assert response.status_code == 400 and is_chinese(response.json()["detail"]), bad
