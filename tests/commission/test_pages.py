"""The commission pages as a person clicks through them: the editor with its rules table, a revision, the
version diff, the estimate view and the volume upload with its error report."""
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commission.models import CommissionPolicy, MonthlyVolume
from tests.conftest import login
from tests.pages.conftest import text


def formset(rows, extra=1):
    data = {"rules-TOTAL_FORMS": str(len(rows) + extra), "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "50"}
    for i, row in enumerate(rows):
        data.update({f"rules-{i}-{k}": v for k, v in row.items()})
    return data


POLICY = {"org_unit": "", "name": "页面编制的政策", "valid_from": "2026-12-01", "valid_to": "",
          "channel_types": ["agent_point", "exclusive_store"]}
ROWS = [{"kind": "per_unit", "business": "new_number", "amount": "44"},
        {"kind": "tiered", "business": "broadband", "tiers": "0:10, 100:12.5"},
        {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": ""},
        {"kind": "bonus", "business": "handset", "threshold": "50", "amount": "1000", "valid_from": "2026-12-01",
         "valid_to": "2026-12-31"},
        {"kind": "star_coefficient", "coefficients": "0.8, 0.9, 1, 1.1, 1.2"}]


@pytest.fixture
def client(commission):
    return login(Client(), "zz_manager")


def unit_id(code):
    from governance.models import OrgUnit

    return str(OrgUnit.objects.get(code=code).pk)


def test_the_editor_saves_a_policy_with_its_rules(client):
    assert client.get("/commission/new/").status_code == 200
    response = client.post("/commission/new/", {**POLICY, "org_unit": unit_id("ZZ"), **formset(ROWS)})
    assert response.status_code == 302, text(response)[:2000]
    policy = CommissionPolicy.objects.get(name="页面编制的政策")
    assert response["Location"] == f"/commission/{policy.pk}/"
    detail = text(client.get(response["Location"]))
    assert "宽带新装·阶梯计酬" in detail and "0件起 10.00 元、100件起 12.50 元" in detail
    assert "按金额的 2.00%,不封顶" in detail and "5星 1.20" in detail
    # edit: the rows come back filled in, and dropping one removes it
    page = client.get(f"/commission/{policy.pk}/edit/").content.decode()
    assert 'value="0:10.00, 100:12.50"' in page
    rows = formset(ROWS[:2])
    rows["rules-1-DELETE"] = "on"
    response = client.post(f"/commission/{policy.pk}/edit/", {**POLICY, **rows})
    assert response.status_code == 302, text(response)[:2000]
    assert list(policy.rules.values_list("kind", flat=True)) == ["per_unit"]


def test_a_bad_rule_row_comes_back_with_its_message_and_nothing_saved(client):
    rows = [{"kind": "percent", "business": "top_up", "rate": "0.05"}, {"business": "handset"},
            {"kind": "tiered", "business": "broadband", "tiers": "abc"}]
    response = client.post("/commission/new/", {**POLICY, "org_unit": unit_id("ZZ"), **formset(rows)})
    assert response.status_code == 400
    page = text(response)
    assert "请选择规则类型" in page and "“abc”应写作 起始数量:单价" in page
    response = client.post("/commission/new/", {**POLICY, "org_unit": unit_id("ZZ"), **formset(rows[:1])})
    assert response.status_code == 400 and "第1条规则:充值缴费酬金比例不得高于2%(0.02)。" in text(response)
    assert not CommissionPolicy.objects.filter(name="页面编制的政策").exists()


def test_units_outside_ones_posts_are_not_offered_and_refused(client):
    page = client.get("/commission/new/").content.decode()
    assert "郑州分公司" in page and "洛阳分公司" not in page
    response = client.post("/commission/new/", {**POLICY, "org_unit": unit_id("LY"), **formset(ROWS)})
    assert response.status_code == 400 and not CommissionPolicy.objects.filter(name="页面编制的政策").exists()


def test_revise_then_the_version_history_shows_the_difference(client, commission):
    old = commission["ZZ"]
    response = client.post(f"/commission/{old.pk}/revise/")
    revision = CommissionPolicy.objects.get(replaces=old)
    assert response["Location"] == f"/commission/{revision.pk}/edit/"
    rows = formset([{"kind": "per_unit", "business": "new_number", "amount": "45"}])
    response = client.post(f"/commission/{revision.pk}/edit/", {**POLICY, "name": old.name, **rows})
    assert response.status_code == 302, text(response)[:2000]
    page = text(client.get(f"/commission/{revision.pk}/versions/"))
    assert "第2版" in page and "第1版" in page
    assert "新号码放号·按件计酬 金额 40.00 45.00" in page
    assert "手机销售·按件计酬 缺少该规则" in page
    assert client.get(f"/commission/{old.pk}/edit/").status_code == 302  # archived: not editable


def test_the_estimate_page_shows_totals_rules_and_top_channels(client, commission):
    with time_machine.travel(date(2026, 11, 25), tick=False):
        page = text(client.get(f"/commission/{commission['ZZ'].pk}/estimate/"))
    assert "8811.00" in page and "建设路特约代理点" in page and "新号码放号·阶段性激励 600.00" in page
    assert client.get(f"/commission/{commission['ZZ'].pk}/estimate/?month=2026-09").status_code == 200
    bad = client.get(f"/commission/{commission['ZZ'].pk}/estimate/?month=2026-00")
    assert bad.status_code == 400 and "月份应在 01 至 12 之间" in text(bad)


def test_the_upload_page_reports_bad_rows_and_imports_nothing(client):
    csv = "node_code,month,business,quantity,amount\nZZ-JS-0002,2026-10,new_number,3,\nLY-LL-0002,2026-10,new_number,1,\n"
    before = MonthlyVolume.objects.count()
    with time_machine.travel(date(2026, 11, 25), tick=False):
        response = client.post("/commission/volumes/", {"file": SimpleUploadedFile("v.csv", csv.encode())})
        assert response.status_code == 400
        page = text(response)
        assert "共 1 行有误,未导入任何数据" in page and "第 3 行 第3行:节点代码“LY-LL-0002”不存在或不在您的数据范围内。" in page
        assert MonthlyVolume.objects.count() == before
        response = client.post("/commission/volumes/", {"file": SimpleUploadedFile("v.csv", csv.encode()[:-33])})
    assert response.status_code == 302
    assert MonthlyVolume.objects.get(channel__node_code="ZZ-JS-0002", business="new_number").quantity == 3
    assert "导入业务量" not in text(login(Client(), "auditor").get("/commission/volumes/"))


def test_the_nav_has_one_commission_link(client):
    page = client.get("/").content.decode()
    assert page.count('href="/commission/"') == 1 and "酬金政策" in page
