"""暂停/恢复营业 through the pages: the button on the channel page, the form, the approvals, the status."""
import re

from governance.models import Channel
from workflows.models import ApprovalProcess

from .conftest import text


def hall():
    return Channel.objects.get(node_code="ZZ-JS-0001")


def _start(pages, channel, **data):
    return pages("zz_manager").post(f"/processes/new/suspension/{channel.pk}/", data)


def test_suspend_and_resume_through_the_pages(pages, number):
    channel = hall()
    page = pages("zz_manager").get(f"/channels/{channel.pk}/").content.decode()
    assert f'href="/processes/new/suspension/{channel.pk}/"' in page and "暂停/恢复营业" in page
    form = pages("zz_manager").get(f"/processes/new/suspension/{channel.pk}/")
    assert form.status_code == 200
    assert re.search(r'<option value="suspend" selected>', form.content.decode())
    assert '<label for="id_reason"' in form.content.decode()

    response = _start(pages, channel, action="suspend", reason="门店装修")
    assert response.status_code == 302, text(response)[:2000]
    process = ApprovalProcess.objects.get(kind="suspension", subject_id=channel.pk)
    shown = text(pages("zz_manager").get(f"/processes/{process.pk}/"))
    assert "暂停营业" in shown and "门店装修" in shown
    for username in ("zz_supervisor", "zz_leader"):
        pages.act(username, process.number, comment="同意")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.SUSPENDED
    detail = text(pages("zz_manager").get(f"/channels/{channel.pk}/"))
    assert "暂停" in detail and "暂停营业" in detail

    form = pages("zz_manager").get(f"/processes/new/suspension/{channel.pk}/").content.decode()
    assert re.search(r'<option value="resume" selected>', form)
    assert _start(pages, channel, action="resume", reason="装修完成").status_code == 302
    resume = ApprovalProcess.objects.filter(kind="suspension", subject_id=channel.pk).latest("pk")
    for username in ("zz_supervisor", "zz_leader"):
        pages.act(username, resume.number)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.ACTIVE


def test_a_wrong_direction_or_no_reason_is_refused_beside_its_field(pages):
    channel = hall()
    response = _start(pages, channel, action="resume", reason="测试")
    assert response.status_code == 400 and "只有“暂停”状态的渠道可以申请恢复营业" in text(response)
    response = _start(pages, channel, action="suspend", reason="")
    assert response.status_code == 400 and "请填写暂停或恢复的原因" in text(response)
    assert not ApprovalProcess.objects.filter(kind="suspension").exists()
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.ACTIVE


def test_the_button_is_only_for_managers_and_outside_scope_is_404(pages):
    channel = hall()
    page = pages("zz_supervisor").get(f"/channels/{channel.pk}/").content.decode()
    assert "/processes/new/suspension/" not in page
    assert pages("ly_manager").get(f"/processes/new/suspension/{channel.pk}/").status_code == 404
    draft = Channel.objects.get(node_code="ZZ-ZY-0002")
    assert "/processes/new/suspension/" not in pages("zz_manager").get(f"/channels/{draft.pk}/").content.decode()
