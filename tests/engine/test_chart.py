"""The process page draws the request's own route, in Chinese, with the current step highlighted."""
import re

from django.test import Client

from tests.conftest import login


def test_the_chart_is_the_requests_own_route_in_chinese(svc):
    process = svc.act("zz_supervisor", svc.onboard(social=True, channel_type="agent_point"))
    svg = login(Client(), "zz_manager").get(f"/processes/{process.pk}/chart.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", body)
    assert labels == ["提交申请", "渠道主管审批", "分管领导审批", "省市场经营部抄送", "分公司业务支援中心分配BOSS编码", "办结"]
    assert not re.search(r"\b(yes|no|Yes|No|True|False)\b", body)
    current = re.findall(r'<title>([^<]+):办理中</title><rect[^>]*stroke-width="3"', body)
    assert current == ["分管领导审批"]


def test_a_stopped_request_ends_where_it_stopped(svc):
    process = svc.act("zz_supervisor", svc.onboard(), "reject", comment="重复")
    body = login(Client(), "zz_manager").get(f"/processes/{process.pk}/chart.svg").content.decode()
    assert "已驳回" in body and "办理中" not in body
