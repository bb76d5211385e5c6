"""Outbound pages in the browser's way: lists with filters, certificate actions for the QA post only,
demands with who serves them and the settlement; scope and bad input."""
import re

import pytest
from django.test import Client

from governance.models import Certificate, OutboundDemand
from governance.outbound import may_call
from tests.conftest import login
from tests.pages.conftest import text

from .conftest import EXPIRING, LY_AGENT, UNCERTIFIED, agent, certificate
from .test_demand import week


@pytest.fixture
def browse(outbound):
    clients = {}

    def get(username) -> Client:
        if username not in clients:
            clients[username] = login(Client(), username)
        return clients[username]

    return get


def test_nav_link_and_agent_list(browse):
    page = browse("zz_outbound").get("/outbound/agents/")
    assert page.status_code == 200
    body = text(page)
    assert 'href="/outbound/agents/" class="on">外呼</a>' in page.content.decode()
    for name in ("王芳", "李娜", "陈静"):
        assert name in body
    assert "赵丽" not in body and "郑伟" not in body  # Luoyang's and the province's agents
    assert "临期" in body and "无证书" in body and "导出Excel" in body


def test_expiring_soon_filter(browse):
    body = text(browse("zz_outbound").get("/outbound/agents/?expiring_soon=true"))
    assert "李娜" in body and "王芳" not in body and "陈静" not in body
    body = text(browse("zz_outbound").get("/outbound/agents/?status=none"))
    assert "陈静" in body and "杨磊" in body and "王芳" not in body


def test_bad_filter_shows_a_chinese_error_not_a_500(browse):
    response = browse("zz_outbound").get("/outbound/agents/?status=bogus&level=x")
    assert response.status_code == 200 and "选择一个有效的选项" in text(response)


def test_luoyang_sees_no_zhengzhou_agent(browse):
    client = browse("ly_manager")
    assert "王芳" not in text(client.get("/outbound/agents/"))
    assert client.get(f"/outbound/agents/{agent('ZZ0001').pk}/").status_code == 404
    assert client.get(f"/outbound/agents/{agent(LY_AGENT).pk}/").status_code == 200


def test_agent_detail_shows_may_call_and_history(browse):
    body = text(browse("zz_outbound").get(f"/outbound/agents/{agent(EXPIRING).pk}/"))
    assert "能否外呼:可以" in body and "剩余" in body and "发证" in body and "演示数据:认证通过" in body
    assert "证书操作" not in body  # only the QA post sees the forms
    body = text(browse("zz_outbound").get(f"/outbound/agents/{agent(UNCERTIFIED).pk}/"))
    assert "能否外呼:不可以" in body and "尚无外呼资格证书" in body


def test_qa_suspends_lifts_and_revokes_from_the_page(browse):
    cert = certificate("ZZ0001")
    client = browse("prov_outbound_qa")
    detail = client.get(f"/outbound/agents/{cert.agent_id}/").content.decode()
    assert [a for a in ("suspend", "lift", "revoke")
            if f'action="/outbound/certificates/{cert.pk}/{a}/"' in detail] == ["suspend", "revoke"]
    response = client.post(f"/outbound/certificates/{cert.pk}/suspend/", {"reason": "录音抽检违规"})
    assert response.status_code == 302 and response["Location"] == f"/outbound/agents/{cert.agent_id}/"
    assert may_call(agent_id=cert.agent_id)[0] is False
    body = text(client.get(response["Location"]))
    assert "证书已暂停" in body and "录音抽检违规" in body and "能否外呼:不可以" in body
    suspended = client.get(response["Location"]).content.decode()
    assert [a for a in ("suspend", "lift", "revoke")
            if f'action="/outbound/certificates/{cert.pk}/{a}/"' in suspended] == ["lift", "revoke"]
    assert client.post(f"/outbound/certificates/{cert.pk}/lift/", {"reason": "整改完成"}).status_code == 302
    assert client.post(f"/outbound/certificates/{cert.pk}/revoke/", {"reason": "再次违规"}).status_code == 302
    conflict = client.post(f"/outbound/certificates/{cert.pk}/lift/", {"reason": "再试"})
    assert conflict.status_code == 409 and "不能解除暂停" in text(conflict)
    assert list(cert.events.values_list("action", flat=True)) == ["grant", "suspend", "lift", "revoke"]


def test_a_blank_reason_is_a_400_and_nothing_changes(browse):
    cert = certificate("ZZ0001")
    response = browse("prov_outbound_qa").post(f"/outbound/certificates/{cert.pk}/suspend/", {"reason": "  "})
    assert response.status_code == 400 and "请填写原因" in text(response)
    assert Certificate.objects.get(pk=cert.pk).status == "active"


def test_others_are_refused_and_other_cities_do_not_exist(browse):
    cert, ly_cert = certificate("ZZ0001"), certificate(LY_AGENT)
    for username in ("zz_outbound", "auditor"):
        response = browse(username).post(f"/outbound/certificates/{cert.pk}/suspend/", {"reason": "越权"})
        assert response.status_code == 403
    assert browse("zz_outbound").post(f"/outbound/certificates/{ly_cert.pk}/suspend/",
                                      {"reason": "越权"}).status_code == 404
    assert browse("prov_outbound_qa").post(f"/outbound/certificates/{cert.pk}/delete/",
                                           {"reason": "x"}).status_code == 404
    assert browse("prov_outbound_qa").get(f"/outbound/certificates/{cert.pk}/suspend/").status_code == 405
    assert Certificate.objects.get(pk=cert.pk).status == "active"


def _demand_form(calls, **extra):
    start, end = week(30)
    return {"campaign": "宽带续约", "segment": "宽带到期用户", "calls": str(calls), "start": f"{start:%Y-%m-%d}",
            "end": f"{end:%Y-%m-%d}", **extra}


def test_file_demands_and_see_who_serves_them(browse):
    client = browse("zz_outbound")
    assert "提交外呼需求" in text(client.get("/outbound/demands/"))
    assert client.get("/outbound/demands/new/").status_code == 200
    own = client.post("/outbound/demands/new/", _demand_form(1800), follow=True)
    body = text(own)
    assert "由本市自有产能承接(占用 1800 次)" in body and "无内部结算" in body
    province = client.post("/outbound/demands/new/", _demand_form(1000), follow=True)
    body = text(province)
    assert "已转省业务支援中心分配" in body and "500.00 元" in body and "0.50 元/次" in body and "郑州分公司" in body
    listing = text(client.get("/outbound/demands/"))
    assert "本市自有产能" in listing and "省集约产能" in listing and "500.00 元" in listing
    assert "1 条" in text(client.get("/outbound/demands/?served_by=province"))


def test_bad_demand_input_is_a_400_with_chinese_messages(browse):
    client = browse("zz_outbound")
    response = client.post("/outbound/demands/new/", _demand_form(0, campaign="", start="2020-01-01"))
    assert response.status_code == 400
    body = text(response)
    assert "该字段是必填项" in body and "确保该值大于或等于1" in body
    response = client.post("/outbound/demands/new/", _demand_form(10, start="2020-01-01", end="2020-01-03"))
    assert response.status_code == 400 and "开始日期不能早于今天" in text(response)
    assert not OutboundDemand.objects.exists()


def test_demand_pages_scope_and_filers(browse):
    browse("zz_outbound").post("/outbound/demands/new/", _demand_form(10))
    demand = OutboundDemand.objects.get()
    assert browse("ly_outbound").get(f"/outbound/demands/{demand.pk}/").status_code == 404
    assert "宽带续约" not in text(browse("ly_outbound").get("/outbound/demands/"))
    auditor = browse("auditor")
    assert "提交外呼需求</a>" not in auditor.get("/outbound/demands/").content.decode()
    refused = auditor.get("/outbound/demands/new/", follow=True)
    assert "只有地市、区县或营服中心" in text(refused)
    assert auditor.get(f"/outbound/demands/{demand.pk}/").status_code == 200


def test_pages_fit_a_phone(browse):
    """At 390 px the wide tables scroll inside their box instead of widening the page."""
    for path in ("/outbound/agents/", "/outbound/demands/", f"/outbound/agents/{agent('ZZ0001').pk}/"):
        html = browse("zz_outbound").get(path).content.decode()
        assert 'name="viewport" content="width=device-width' in html
        tables = len(re.findall(r"<table(?! class=\"kv\")", html))
        wrappers = html.count('<div style="overflow-x:auto">') + html.count('<div class="table-wrap">')
        assert wrappers == tables, path


def test_level_filters_on_the_page(browse):
    body = text(browse("zz_outbound").get("/outbound/agents/?level=3"))
    assert "刘洋" in body and "王芳" not in body
    body = text(browse("zz_outbound").get("/outbound/agents/?post_level=2"))
    assert "王芳" in body and "刘洋" not in body
    assert "---------" not in browse("zz_outbound").get("/outbound/agents/").content.decode()
