"""The outbound API as an outside client (or the dialler) uses it: shapes, filters, scope, errors."""
import pytest

from governance.models import Certificate, CertificateEvent, OutboundDemand
from tests.api.conftest import is_chinese

from .conftest import EXPIRING, LY_AGENT, UNCERTIFIED, agent, certificate, unit
from .test_demand import week

ZZ_AGENTS = {"ZZ0001", "ZZ0002", "ZZ0003", "ZZ0004", "ZZ0005", "ZZ0006"}
LY_AGENTS = {"LY0001", "LY0002", "LY0003", "LY0004"}


def listed(client, **params):
    response = client.get("/api/v1/agents/", {"page_size": 200, **params})
    assert response.status_code == 200, response.json()
    return {a["employee_no"] for a in response.json()["results"]}


def test_agent_list_shape_and_scope(outbound, api):
    zz = api("zz_outbound")
    body = zz.get("/api/v1/agents/").json()
    assert set(body) >= {"count", "next", "results"} and body["count"] == len(ZZ_AGENTS)
    by_no = {a["employee_no"]: a for a in body["results"]}
    assert set(by_no) == ZZ_AGENTS
    cert = by_no["ZZ0001"]["certificate"]
    assert set(cert) >= {"id", "level", "status", "valid_from", "valid_to"}
    assert (cert["level"], cert["status"], cert["id"]) == (2, "valid", certificate("ZZ0001").pk)
    assert by_no[UNCERTIFIED]["certificate"] is None
    assert by_no["ZZ0003"]["org_unit"]["code"] == "ZZ-JS" and by_no["ZZ0003"]["post_level"] == 1
    assert listed(api("ly_manager")) == LY_AGENTS  # Luoyang sees no Zhengzhou agent
    assert listed(api("auditor")) == ZZ_AGENTS | LY_AGENTS | {"HA0001", "HA0002", "HA0003"}


@pytest.mark.parametrize("params, expected", [
    ({"status": "expiring"}, {EXPIRING}),
    ({"expiring_soon": "true"}, {EXPIRING}),
    ({"expiring_soon": "false"}, ZZ_AGENTS - {EXPIRING}),
    ({"status": "valid"}, {"ZZ0001", "ZZ0003", "ZZ0004"}),
    ({"status": "none"}, {"ZZ0005", "ZZ0006"}),
    ({"status": "revoked"}, set()),
    ({"level": "3"}, {"ZZ0004"}),
    ({"post_level": "3"}, {"ZZ0004"}),
    ({"q": "王"}, {"ZZ0001"}),
    ({"q": "zz000"}, ZZ_AGENTS),
])
def test_agent_filters(outbound, api, params, expected):
    assert listed(api("zz_outbound"), **params) == expected


def test_unit_filter_is_a_subtree(outbound, api):
    client = api("auditor")
    assert listed(client, org_unit=unit("ZZ-JS").pk) == {"ZZ0003", "ZZ0004"}
    assert listed(client, org_unit=unit("LY").pk) == LY_AGENTS


@pytest.mark.parametrize("params, field", [({"status": "bogus"}, "status"), ({"level": "9"}, "level"),
                                           ({"org_unit": "999999"}, "org_unit")])
def test_bad_filters_are_a_chinese_400(outbound, api, params, field):
    response = api("zz_outbound").get("/api/v1/agents/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"] and is_chinese(response.json()["detail"])


def test_agent_detail_with_certificate_history(outbound, api):
    cert = certificate("ZZ0001")
    api("prov_outbound_qa").post(f"/api/v1/certificates/{cert.pk}/suspend/", {"reason": "录音抽检违规"}, format="json")
    body = api("zz_outbound").get(f"/api/v1/agents/{cert.agent_id}/").json()
    assert body["certificate"]["status"] == "suspended"
    history = body["certificates"][0]
    assert history["id"] == cert.pk and history["is_current"] is True
    assert [(e["action"], e["actor"], e["post"], e["reason"]) for e in history["events"]] == [
        ("grant", "prov_outbound_qa", "外呼质检/培训", "演示数据:认证通过"),
        ("suspend", "prov_outbound_qa", "外呼质检/培训", "录音抽检违规")]


def test_other_cities_agents_do_not_exist(outbound, api):
    ly = agent(LY_AGENT)
    zz = api("zz_outbound")
    for path in (f"/api/v1/agents/{ly.pk}/", f"/api/v1/agents/{ly.pk}/may-call/",
                 f"/api/v1/agents/{agent('LY0003').pk}/may-call/", "/api/v1/agents/99999999/may-call/"):
        response = zz.get(path)
        assert response.status_code == 404 and is_chinese(response.json()["detail"]), path
    assert api("ly_manager").get(f"/api/v1/agents/{ly.pk}/may-call/").json()["allowed"] is True


def test_may_call_shape(outbound, api):
    client = api("zz_outbound")
    allowed = client.get(f"/api/v1/agents/{certificate('ZZ0001').agent_id}/may-call/").json()
    assert set(allowed) == {"allowed", "reason"} and allowed["allowed"] is True and is_chinese(allowed["reason"])
    none = client.get(f"/api/v1/agents/{agent(UNCERTIFIED).pk}/may-call/").json()
    assert none["allowed"] is False and "没有" in none["reason"]


@pytest.mark.parametrize("action, status", [("suspend", "suspended"), ("revoke", "revoked")])
def test_suspension_and_revocation_stop_calls_at_once(outbound, api, action, status):
    cert = certificate("ZZ0001")
    dialler = api("zz_outbound")
    may_call = f"/api/v1/agents/{cert.agent_id}/may-call/"
    assert dialler.get(may_call).json()["allowed"] is True
    response = api("prov_outbound_qa").post(f"/api/v1/certificates/{cert.pk}/{action}/", {"reason": "投诉核实"},
                                            format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == status and response.json()["status_reason"] == "投诉核实"
    verb = {"suspend": "暂停", "revoke": "吊销"}[action]
    assert dialler.get(may_call).json() == {"allowed": False, "reason": f"二级证书已{verb}:投诉核实"}


def test_lift_and_refused_moves(outbound, api):
    cert = certificate("ZZ0001")
    qa = api("prov_outbound_qa")
    base = f"/api/v1/certificates/{cert.pk}"
    assert qa.post(f"{base}/lift/", {"reason": "未暂停"}, format="json").status_code == 409
    assert qa.post(f"{base}/suspend/", {"reason": "暂停"}, format="json").status_code == 200
    lifted = qa.post(f"{base}/lift/", {"reason": "整改完成"}, format="json")
    assert lifted.status_code == 200 and lifted.json()["status"] == "valid"
    assert qa.post(f"{base}/revoke/", {"reason": "严重违规"}, format="json").status_code == 200
    for action in ("suspend", "lift", "revoke"):
        response = qa.post(f"{base}/{action}/", {"reason": "再试"}, format="json")
        assert response.status_code == 409 and is_chinese(response.json()["detail"])
    assert list(cert.events.values_list("action", flat=True)) == ["grant", "suspend", "lift", "revoke"]


@pytest.mark.parametrize("username", ["zz_outbound", "zz_supervisor", "auditor", "prov_support", "admin"])
def test_only_qa_acts_others_403(outbound, api, username):
    cert = certificate("ZZ0001")
    for action in ("suspend", "revoke", "lift"):
        response = api(username).post(f"/api/v1/certificates/{cert.pk}/{action}/", {"reason": "越权"}, format="json")
        assert response.status_code == 403 and is_chinese(response.json()["detail"])
    assert Certificate.objects.get(pk=cert.pk).status == "active"


def test_other_cities_certificates_are_404(outbound, api):
    cert = certificate(LY_AGENT)
    for action in ("suspend", "revoke", "lift"):
        assert api("zz_outbound").post(f"/api/v1/certificates/{cert.pk}/{action}/", {"reason": "越权"},
                                       format="json").status_code == 404
    assert api("prov_outbound_qa").post("/api/v1/certificates/99999999/suspend/", {"reason": "x"},
                                        format="json").status_code == 404


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "长" * 501}, {"reason": ["a"]}])
def test_a_reason_is_required_400(outbound, api, body):
    cert = certificate("ZZ0001")
    response = api("prov_outbound_qa").post(f"/api/v1/certificates/{cert.pk}/suspend/", body, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert is_chinese(response.json()["detail"])
    assert not CertificateEvent.objects.filter(action="suspend").exists()


# ---------------------------------------------------------------- outbound demand

def demand_body(calls=100, period=None, **extra):
    start, end = period or week(30)
    return {"campaign": "宽带续约", "calls": calls, "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}", **extra}


def test_file_a_demand_own_then_province(outbound, api):
    client = api("zz_outbound")
    own = client.post("/api/v1/outbound-demands/", demand_body(1800), format="json")
    assert own.status_code == 201, own.json()
    body = own.json()
    assert (body["served_by"], body["settlement"], body["capacity_used"], body["own_free_capacity"]) == (
        "own", None, 1800, 1800)
    assert body["org_unit"]["code"] == "ZZ" and body["segment"] == ""
    short = client.post("/api/v1/outbound-demands/", demand_body(1000, segment="存量低消"), format="json").json()
    assert short["served_by"] == "province" and short["status"] == "pending_allocation"
    assert short["settlement"] == {"unit_price": "0.50", "amount": "500.00"} and short["capacity_used"] == 0
    listed_ = client.get("/api/v1/outbound-demands/").json()
    assert [d["id"] for d in listed_["results"]] == [short["id"], body["id"]]
    assert client.get(f"/api/v1/outbound-demands/{short['id']}/").json()["settlement"]["amount"] == "500.00"


def test_demands_are_scoped(outbound, api):
    zz = api("zz_outbound").post("/api/v1/outbound-demands/", demand_body(), format="json").json()
    ly = api("ly_outbound")
    assert ly.get("/api/v1/outbound-demands/").json()["count"] == 0
    assert ly.get(f"/api/v1/outbound-demands/{zz['id']}/").status_code == 404
    assert api("auditor").get("/api/v1/outbound-demands/").json()["count"] == 1
    county = api("zz_manager").post("/api/v1/outbound-demands/", demand_body(org_unit=unit("ZZ-JS").pk),
                                    format="json")
    assert county.status_code == 201 and county.json()["org_unit"]["code"] == "ZZ-JS"


@pytest.mark.parametrize("changes, field", [
    ({"calls": "很多"}, "calls"), ({"calls": 0}, "calls"), ({"calls": 10**30}, "calls"),
    ({"start": "2026-02-30"}, "start"),
    ({"end": "明天"}, "end"), ({"campaign": ""}, "campaign"), ({"start": "2020-01-01"}, "start"),
    ({"org_unit": "LY-LL"}, "org_unit"), ({"org_unit": 10**20}, "org_unit"),
])
def test_bad_demand_input_is_a_chinese_400(outbound, api, changes, field):
    body = demand_body()
    if changes.get("org_unit") == "LY-LL":
        changes = {"org_unit": unit("LY-LL").pk}
    body.update(changes)
    response = api("zz_manager").post("/api/v1/outbound-demands/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"] and is_chinese(response.json()["detail"])
    assert not OutboundDemand.objects.exists()


@pytest.mark.parametrize("username", ["auditor", "prov_support", "zz_leader"])
def test_who_may_not_file_403(outbound, api, username):
    response = api(username).post("/api/v1/outbound-demands/", demand_body(), format="json")
    assert response.status_code == 403 and is_chinese(response.json()["detail"])


def test_schema_documents_the_outbound_api(outbound, api):
    text = api("auditor").get("/api/schema/").content.decode()
    for path in ("/api/v1/agents/", "/api/v1/agents/{id}/may-call/", "/api/v1/certificates/{id}/suspend/",
                 "/api/v1/certificates/{id}/revoke/", "/api/v1/certificates/{id}/lift/", "/api/v1/outbound-demands/"):
        assert path in text
    assert "调用者不是省公司外呼质检/培训岗位" in text and "证书当前状态不允许该操作" in text
    assert "expiring_soon" in text and "CertificateStatusEnum" in text
