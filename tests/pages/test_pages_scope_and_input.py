"""Other cities' objects do not exist for a user; no input makes a page fail."""
import pytest

from governance.models import Channel
from workflows.models import ApprovalProcess

from .conftest import channel_data, text


@pytest.fixture
def zz_process(pages, number):
    channel_id = pages.create_channel(n=11)
    process_id = pages.submit(channel_id)
    return channel_id, process_id, pages.task_id("zz_supervisor", number(process_id))


def test_other_city_gets_404(pages, zz_process):
    channel_id, process_id, task_id = zz_process
    ly = pages("ly_supervisor")
    seeded = Channel.objects.get(node_code="ZZ-JS-0001").pk
    for url in (f"/channels/{channel_id}/", f"/channels/{seeded}/", f"/channels/{seeded}/edit/",
                f"/processes/new/change/{seeded}/", f"/processes/new/exit/{seeded}/", f"/processes/{process_id}/",
                f"/processes/{process_id}/chart.svg", f"/tasks/{task_id}/"):
        assert ly.get(url).status_code == 404, url
    for url in (f"/tasks/{task_id}/", f"/tasks/{task_id}/claim/", f"/processes/{process_id}/withdraw/",
                f"/processes/new/onboarding/{seeded}/"):
        assert ly.post(url, {"action": "approve", "comment": "x"}).status_code == 404, url
    assert "页面不存在" in text(ly.get(f"/channels/{channel_id}/"))
    listing = text(ly.get("/channels/"))
    assert "洛龙自营厅" in listing and "金水路自营厅" not in listing
    # nothing moved
    assert ApprovalProcess.objects.get(pk=process_id).step_index == 0


def test_task_of_another_post_is_404(pages, zz_process):
    _, _, task_id = zz_process
    assert pages("zz_leader").get(f"/tasks/{task_id}/").status_code == 404
    assert pages("zz_leader").post(f"/tasks/{task_id}/", {"action": "approve"}).status_code == 404


def test_auditor_cannot_approve(pages, zz_process):
    channel_id, process_id, _ = zz_process
    assert pages("auditor").get(f"/processes/{process_id}/").status_code == 200
    detail = text(pages("auditor").get(f"/channels/{channel_id}/"))
    assert "编辑" not in detail.split("渠道信息")[0]
    response = pages("auditor").post(f"/channels/{channel_id}/edit/", channel_data(n=11, staff_count="9"))
    assert response.status_code == 403 and "无权" in text(response)


def test_invalid_credit_code_shows_check_digit_message(pages):
    before = Channel.objects.count()
    good = channel_data(n=12)["credit_code"]
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    response = pages("zz_manager").post("/channels/new/", channel_data(n=12, credit_code=wrong_check))
    assert response.status_code == 400
    assert "统一社会信用代码校验位不正确" in text(response)
    assert Channel.objects.count() == before


def test_bad_form_input_is_shown_not_500(pages):
    before = Channel.objects.count()
    bad = channel_data(n=13, contact_mobile="12345", star_level="9", deposit="-1", contract_start="2026-13-45",
                       node_code="LY-LL-9999", org_unit="999999")
    response = pages("zz_manager").post("/channels/new/", bad)
    assert response.status_code == 400
    page = text(response)
    assert "联系手机号应为以1开头的11位数字" in page
    assert Channel.objects.count() == before
    empty = pages("zz_manager").post("/channels/new/", {})
    assert empty.status_code == 400 and Channel.objects.count() == before
    # a unit outside the user's scope is not even a choice
    ly_unit = channel_data("LY-LL", n=14)
    assert pages("zz_manager").post("/channels/new/", ly_unit).status_code == 400
    assert Channel.objects.count() == before


@pytest.mark.parametrize("url", [
    "/channels/abc/", "/channels/0/", "/channels/999999/", "/channels/99999999999999999999999999/",
    "/processes/abc/", "/processes/999999/", "/processes/99999999999999999999999999/",
    "/tasks/abc/", "/tasks/999999/", "/tasks/99999999999999999999999999/", "/flows/nope/chart.svg",
    "/processes/999999/chart.svg", "/channels/999999/edit/", "/processes/new/change/999999/", "/processes/new/exit/999999/",
])
def test_unknown_ids_are_404(pages, url):
    assert pages("zz_manager").get(url).status_code == 404


def test_bad_query_strings_are_harmless(pages):
    client = pages("zz_manager")
    for url in ("/channels/?page=abc", "/channels/?page=999", "/?page=-1", "/requests/?page=x"):
        assert client.get(url).status_code == 200, url
    # a refused filter is a 400 with its message on the filter form, and no unfiltered list under it
    for url in ("/channels/?status=nope&channel_type=x&org_unit=zz", "/channels/?org_unit=99999999999999999999"):
        response = client.get(url)
        assert response.status_code == 400 and "errorlist" in response.content.decode(), url
        assert "ZZ-JS-0001" not in text(response), url


def test_bad_posts_are_harmless(pages, zz_process):
    channel_id, process_id, task_id = zz_process
    sup = pages("zz_supervisor")
    assert sup.post(f"/tasks/{task_id}/", {"action": "fly"}).status_code == 400
    assert sup.post(f"/tasks/{task_id}/", {}).status_code == 400
    assert sup.get(f"/tasks/{task_id}/claim/").status_code == 405
    busy = pages("zz_manager").post(f"/processes/new/onboarding/{channel_id}/")
    assert busy.status_code == 409 and "已有进行中的流程" in text(busy)
    active = Channel.objects.get(node_code="ZZ-JS-0001").pk
    not_draft = pages("zz_manager").post(f"/processes/new/onboarding/{active}/")
    assert not_draft.status_code == 400 and "只有草稿状态的渠道可以提交新增审批" in text(not_draft)
    assert pages("zz_manager").get(f"/processes/{process_id}/withdraw/").status_code == 405
    assert ApprovalProcess.objects.get(pk=process_id).step_index == 0
