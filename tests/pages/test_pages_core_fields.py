"""Deposit and contract are core: not editable in the admin, changed only by the change process, whose page
form is in the channel form's sections; a deposit change passes 省财务部 and applies only after it."""
import re
from decimal import Decimal

from django.test import Client

from governance.models import Channel
from tests.conftest import login
from workflows.models import ApprovalProcess

from .conftest import text


def store():
    return Channel.objects.get(node_code="ZZ-JS-0002")  # active social channel, deposit 20,000


def test_admin_cannot_edit_deposit_or_contract_of_an_active_channel(demo):
    channel = store()
    admin = login(Client(), "admin")
    url = f"/admin/governance/channel/{channel.pk}/change/"
    page = admin.get(url).content.decode()
    for name in ("deposit", "contract_number", "contract_start", "contract_end"):
        assert f'name="{name}"' not in page, name
    data = {"opening_hours": "08:00-22:00", "contact_mobile": channel.contact_mobile, "deposit": "1",
            "contract_number": "HT-偷改", "contract_end": "2026-12-31", "staff_count": "5", "floor_area": "120",
            "legal_representative": "张伟", "_save": "保存"}
    assert admin.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert (channel.deposit, channel.contract_number, channel.opening_hours) == (
        Decimal("20000.00"), "HT-ZZ-JS-0002", "08:00-22:00")


def test_change_form_is_in_sections_with_a_label_on_every_input(pages):
    page = pages("zz_manager").get(f"/processes/new/change/{store().pk}/").content.decode()
    legends = re.findall(r"<legend>(.*?)</legend>", page)
    assert legends == ["基本信息", "经营者", "银行与合同", "位置", "变更申请"]
    bank = page.split('id="section-bank"', 1)[1].split("</fieldset>", 1)[0]
    assert 'name="deposit"' in bank and 'name="contract_end"' in bank
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page.split("<form", 2)[2]):
        assert f'for="{input_id}"' in page, input_id


def test_deposit_change_on_the_page_waits_for_province_finance(pages):
    channel = store()
    form = pages("zz_manager").get(f"/processes/new/change/{channel.pk}/").content.decode()
    data = {m[0]: m[1] for m in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form)}
    data.update({m[0]: m[1] for m in re.findall(
        r'<select name="(\w+)"[^>]*>.*?<option value="([^"]*)" selected', form, re.S)})
    data.pop("csrfmiddlewaretoken", None)
    data.update(deposit="1.00", effective_date="2026-01-01")
    response = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", data)
    assert response.status_code == 302, text(response)[:2000]
    process = ApprovalProcess.objects.filter(kind="change", subject_id=channel.pk).latest("pk")
    assert list(process.payload["changes"]) == ["deposit"]
    assert [s["post"] for s in process.plan][-1] == "province_finance"
    for username in ("zz_supervisor", "zz_leader", "prov_marketing"):
        pages.act(username, process.number)
        assert Channel.objects.get(pk=channel.pk).deposit == Decimal("20000.00")
    pages.act("prov_finance", process.number)
    assert Channel.objects.get(pk=channel.pk).deposit == Decimal("1.00")
