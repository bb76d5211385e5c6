"""Core-info change and exit, started from the channel pages."""
import datetime

from django.utils import timezone

from governance.models import Channel
from workflows.models import ApprovalProcess

from .conftest import text
from tests.conftest import processes_of


def _change_data(channel: Channel, **changes) -> dict:
    data = {
        "name": channel.name, "channel_type": channel.channel_type, "operator_company": channel.operator_company,
        "credit_code": channel.credit_code, "bank_name": channel.bank_name, "bank_account": channel.bank_account,
        "org_unit": str(channel.org_unit_id), "address": channel.address, "business_scope": channel.business_scope,
        "star_level": str(channel.star_level), "deposit": str(channel.deposit),
        "contract_number": channel.contract_number,
        "contract_start": channel.contract_start.isoformat() if channel.contract_start else "",
        "contract_end": channel.contract_end.isoformat() if channel.contract_end else "",
        "effective_date": timezone.localdate().isoformat(), "comment": "",
    }
    data.update(changes)
    return data


def test_change_form_prefills_and_starts_a_diff(pages, number):
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    form = pages("zz_manager").get(f"/processes/new/change/{channel.pk}/")
    assert form.status_code == 200 and channel.bank_account in form.content.decode()
    assert timezone.localdate().isoformat() in form.content.decode()

    same = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", _change_data(channel))
    assert same.status_code == 400 and "请至少填写一项" in text(same)

    response = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", _change_data(
        channel, bank_account="6222020200999988887", star_level="4", comment="银行账户变更"))
    assert response.status_code == 302
    process = ApprovalProcess.objects.get(pk=int(response["Location"].split("/")[2]))
    assert set(process.payload["changes"]) == {"bank_account", "star_level"}
    page = pages("zz_manager").get(f"/processes/{process.pk}/").content.decode()
    assert page.count('class="changed"') == 2 and "6222020200999988887" in page
    assert "省财务部" in page  # bank change adds province finance

    busy = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", _change_data(channel, star_level="5"))
    assert busy.status_code == 409 and "已有进行中的流程" in text(busy)

    no = number(process.pk)
    diff_on_task = pages("zz_supervisor").get(f"/tasks/{pages.task_id('zz_supervisor', no)}/").content.decode()
    assert 'class="changed"' in diff_on_task
    for user in ("zz_supervisor", "zz_leader", "prov_marketing", "prov_finance"):
        pages.act(user, no)
    channel.refresh_from_db()
    assert channel.bank_account == "6222020200999988887" and channel.star_level == 4


def test_change_form_rejects_bad_values(pages):
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    response = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", _change_data(
        channel, credit_code="91410100MA44C1234X", effective_date="not-a-date"))
    assert response.status_code == 400
    assert not processes_of(channel).exists()
    response = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", _change_data(
        channel, credit_code="91410100MA44C1234X"))
    assert response.status_code == 400 and "校验位不正确" in text(response)
    assert not processes_of(channel).exists()


def test_future_change_is_scheduled(pages, number):
    channel = Channel.objects.get(node_code="ZZ-JS-0001")
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = pages("zz_manager").post(f"/processes/new/change/{channel.pk}/", _change_data(
        channel, name="金水路旗舰自营厅", effective_date=later))
    assert response.status_code == 302
    process_id = int(response["Location"].split("/")[2])
    for user in ("zz_supervisor", "zz_leader", "prov_marketing"):
        pages.act(user, number(process_id))
    assert ApprovalProcess.objects.get(pk=process_id).state == ApprovalProcess.State.SCHEDULED
    assert Channel.objects.get(pk=channel.pk).name == "金水路自营厅"


def test_exit_through_pages_closes_channel(pages, number):
    channel = Channel.objects.get(node_code="ZZ-JS-0002")  # social: the full checklist
    form = pages("zz_manager").get(f"/processes/new/exit/{channel.pk}/")
    assert form.status_code == 200 and "合同到期" in form.content.decode()
    assert pages("zz_manager").post(f"/processes/new/exit/{channel.pk}/", {"reason": "bogus"}).status_code == 400
    response = pages("zz_manager").post(f"/processes/new/exit/{channel.pk}/", {"reason": "contract_end", "comment": "到期"})
    assert response.status_code == 302
    process_id = int(response["Location"].split("/")[2])
    no = number(process_id)
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.EXITING
    for user in ("zz_supervisor", "zz_leader", "prov_marketing"):
        pages.act(user, no)
    task_page = pages("zz_support").get(f"/tasks/{pages.task_id('zz_support', no)}/").content.decode()
    assert "确认完成" in task_page
    for user in ("zz_support", "prov_finance", "zz_manager", "zz_support"):
        pages.act(user, no)
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.CLOSED
    detail = pages("zz_manager").get(f"/channels/{channel.pk}/")
    page = text(detail)
    assert "已关闭" in page and "仅供查阅" in page
    for link in (f"/channels/{channel.pk}/edit/", *(f"/processes/new/{kind}/{channel.pk}/"
                                                     for kind in ("change", "exit", "onboarding"))):
        assert link not in detail.content.decode()
    edit = pages("zz_manager").get(f"/channels/{channel.pk}/edit/")
    assert edit.status_code == 409 and "不能修改" in text(edit)


def test_draft_edit_allows_core_fields_active_does_not(pages):
    draft = Channel.objects.get(node_code="ZZ-ZY-0002")
    page = pages("zz_manager").get(f"/channels/{draft.pk}/edit/").content.decode()
    assert "核心信息请通过核心信息变更流程修改" not in page
    active = Channel.objects.get(node_code="ZZ-JS-0001")
    edit = pages("zz_manager").get(f"/channels/{active.pk}/edit/")
    assert "核心信息请通过核心信息变更流程修改" in edit.content.decode()
    assert edit.context["form"].fields["name"].disabled
    data = {name: ("" if v is None else str(v)) for name, v in
            ((n, edit.context["form"][n].value()) for n in edit.context["form"].fields)}
    data.update(name="偷偷改名", opening_hours="08:00-22:00")
    response = pages("zz_manager").post(f"/channels/{active.pk}/edit/", data)
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.name == "金水路自营厅" and active.opening_hours == "08:00-22:00"
    history = text(pages("zz_manager").get(f"/channels/{active.pk}/"))
    assert "营业时间:09:00-21:00 → 08:00-22:00" in history and "直接修改非核心信息" in history
