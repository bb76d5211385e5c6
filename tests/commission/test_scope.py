"""Scope: Luoyang sees none of Zhengzhou's policies or volumes (404 on every detail, absent from every list,
API and pages alike); province posts and the auditor see both."""
import pytest
from django.test import Client

from commission.models import MonthlyVolume
from tests.conftest import login

PAGES = {"/commission/{pk}/": 200, "/commission/{pk}/edit/": 302,  # archived: back to the detail page
         "/commission/{pk}/versions/": 200, "/commission/{pk}/estimate/": 200}
ENDPOINTS = ["/api/v1/commission-policies/{pk}/", "/api/v1/commission-policies/{pk}/estimate/",
             "/api/v1/commission-policies/{pk}/versions/", "/api/v1/commission-policies/{pk}/recheck/"]


@pytest.mark.parametrize("username", ["ly_manager", "ly_supervisor", "ly_leader", "ly_support"])
def test_luoyang_sees_none_of_zhengzhous_policies_or_volumes(commission, api, username):
    zz, ly = commission["ZZ"], commission["LY"]
    client = api(username)
    listed = client.get("/api/v1/commission-policies/").json()
    assert [p["id"] for p in listed["results"]] == [ly.pk]
    for path in ENDPOINTS:
        response = client.get(path.format(pk=zz.pk))
        assert response.status_code == 404, path
        assert "郑州" not in response.content.decode()
        assert client.get(path.format(pk=ly.pk)).status_code == 200
    assert client.patch(f"/api/v1/commission-policies/{zz.pk}/", {"name": "x"}, format="json").status_code == 404
    revise = client.post("/api/v1/commission-policies/", {"replaces": zz.pk}, format="json")
    assert revise.status_code == 400 and "不存在或不在您的数据范围内" in revise.json()["errors"]["replaces"][0]
    volumes = client.get("/api/v1/volumes/", {"page_size": 200}).json()
    assert volumes["count"] == MonthlyVolume.objects.filter(channel__org_unit__code__startswith="LY").count() > 0
    assert {r["node_code"][:2] for r in volumes["results"]} == {"LY"}
    assert client.get("/api/v1/volumes/", {"node_code": "ZZ-JS-0002"}).json()["count"] == 0
    assert client.get("/api/v1/commission-policies/", {"org_unit": "ZZ"}).json()["count"] == 0


def test_luoyang_pages_show_none_of_zhengzhou(commission):
    zz, ly = commission["ZZ"], commission["LY"]
    client = login(Client(), "ly_manager")
    for path, own in PAGES.items():
        assert client.get(path.format(pk=zz.pk)).status_code == 404, path
        assert client.get(path.format(pk=ly.pk)).status_code == own, path
    assert client.post(f"/commission/{zz.pk}/revise/").status_code == 404
    listing = client.get("/commission/").content.decode()
    assert "洛阳分公司社会渠道基本酬金政策" in listing and "郑州分公司社会渠道基本酬金政策" not in listing
    volumes = client.get("/commission/volumes/").content.decode()
    assert "LY-LL-0002" in volumes and "ZZ-JS-0002" not in volumes


@pytest.mark.parametrize("username", ["auditor", "prov_marketing", "prov_finance", "admin"])
def test_province_sees_every_city(commission, api, username):
    client = api(username)
    assert {p["id"] for p in client.get("/api/v1/commission-policies/").json()["results"]} == {
        commission["ZZ"].pk, commission["LY"].pk}
    assert client.get(f"/api/v1/commission-policies/{commission['ZZ'].pk}/estimate/").status_code == 200
    assert client.get("/api/v1/volumes/").json()["count"] == MonthlyVolume.objects.count()


def test_the_auditor_reads_but_never_writes(commission, api):
    client = api("auditor")
    pk = commission["ZZ"].pk
    assert client.post("/api/v1/commission-policies/", {"replaces": pk}, format="json").status_code == 403
    assert client.patch(f"/api/v1/commission-policies/{pk}/", {"name": "x"}, format="json").status_code == 403
