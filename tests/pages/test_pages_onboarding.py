"""A channel's whole onboarding, driven only through the pages."""

from governance.models import Channel
from workflows.models import ApprovalProcess

from .conftest import text


def test_full_onboarding_through_pages(pages, number):
    channel_id = pages.create_channel(n=1)
    detail = text(pages("zz_manager").get(f"/channels/{channel_id}/"))
    assert "草稿" in detail and "提交新增审批" in detail and "录入渠道" in detail

    process_id = pages.submit(channel_id)
    no = number(process_id)
    process_page = pages("zz_manager").get(f"/processes/{process_id}/")
    assert process_page.status_code == 200 and no in text(process_page) and "审批中" in text(process_page)
    assert f'src="/processes/{process_id}/chart.svg"' in process_page.content.decode()

    # supervisor: the task is queued for the post, claim it from the inbox, then approve
    inbox = text(pages("zz_supervisor").get("/"))
    assert no in inbox and "待签收" in inbox and "渠道主管审批" in inbox
    task_id = pages.task_id("zz_supervisor", no)
    task_page = pages("zz_supervisor").get(f"/tasks/{task_id}/")
    body = task_page.content.decode()
    assert task_page.status_code == 200
    assert 'value="approve"' in body and 'value="reject"' in body and 'value="return"' in body
    assert 'name="boss_code"' not in body
    claimed = pages("zz_supervisor").post(f"/tasks/{task_id}/claim/")
    assert claimed.status_code == 302
    assert "已签收" in text(pages("zz_supervisor").get("/"))
    done = pages.act("zz_supervisor", no, comment="同意上报")
    assert done["Location"] == "/"
    assert "已同意" in text(pages("zz_supervisor").get("/"))
    assert pages.task_id("zz_supervisor", no) is None

    pages.act("zz_leader", no, comment="同意")
    pages.act("prov_marketing", no, comment="同意新增")

    # support centre: the boss_code input is there, and the button reads 提交编码
    task_id = pages.task_id("zz_support", no)
    body = pages("zz_support").get(f"/tasks/{task_id}/").content.decode()
    assert 'name="boss_code"' in body and "提交编码" in body and 'value="reject"' not in body
    bad = pages.act("zz_support", no, expect=400, boss_code="ZZ-1")
    assert "6-20位字母或数字" in text(bad)
    taken = pages.act("zz_support", no, expect=400, boss_code="ZZ00010001")
    assert "已被其他渠道使用" in text(taken)
    pages.act("zz_support", no, boss_code="ZZ00019999")

    channel = Channel.objects.get(pk=channel_id)
    assert channel.status == Channel.Status.ACTIVE and channel.boss_code == "ZZ00019999"
    detail = text(pages("zz_manager").get(f"/channels/{channel_id}/"))
    assert "正常" in detail and "ZZ00019999" in detail and "核心信息变更" in detail and "渠道退出" in detail
    assert "分配BOSS编码" in detail  # history row with the reason

    trail = text(pages("zz_manager").get(f"/processes/{process_id}/"))
    for word in ("已完成", "郑州渠道主管", "同意上报", "省市场经营部", "分配BOSS编码", "渠道生效"):
        assert word in trail, word
    chart = pages("zz_manager").get(f"/processes/{process_id}/chart.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content

    # the done task stays readable, but has no form any more; acting again is a 409 page
    again = pages("zz_support").post(f"/tasks/{task_id}/", {"action": "approve", "boss_code": "ZZ00018888"})
    assert again.status_code == 409 and "已处理" in text(again)


def test_return_for_revision_and_resubmit(pages, number):
    channel_id = pages.create_channel(n=2)
    process_id = pages.submit(channel_id)
    no = number(process_id)

    no_reason = pages.act("zz_supervisor", no, action="return", expect=400)
    assert "请填写退回原因" in text(no_reason)
    pages.act("zz_supervisor", no, action="return", comment="营业面积有误,请核实")
    assert ApprovalProcess.objects.get(pk=process_id).state == ApprovalProcess.State.RETURNED

    # the submitter sees a revise task, labelled as such, with only 重新提交
    inbox = text(pages("zz_manager").get("/"))
    assert no in inbox and "修改后重新提交" in inbox
    task_id = pages.task_id("zz_manager", no)
    body = pages("zz_manager").get(f"/tasks/{task_id}/").content.decode()
    assert "重新提交" in body and "营业面积有误" in body and 'value="reject"' not in body

    # while returned, the whole record (core fields too) is the submitter's to fix; then resubmit
    edit = pages("zz_manager").get(f"/channels/{channel_id}/edit/")
    assert edit.status_code == 200 and "核心信息请通过核心信息变更流程修改" not in edit.content.decode()
    response = pages("zz_manager").post(f"/channels/{channel_id}/edit/",
                                        _edit_data(edit, floor_area="95.50", name="页面测试专营店二号"))
    assert response.status_code == 302
    fixed = Channel.objects.get(pk=channel_id)
    assert str(fixed.floor_area) == "95.50" and fixed.name == "页面测试专营店二号"
    pages.act("zz_manager", no, comment="已更正面积")

    process = ApprovalProcess.objects.get(pk=process_id)
    assert process.state == ApprovalProcess.State.IN_REVIEW
    assert pages.task_id("zz_supervisor", no)
    trail = text(pages("zz_manager").get(f"/processes/{process_id}/"))
    assert "退回修改" in trail and "重新提交" in trail and "已更正面积" in trail
    history = text(pages("zz_manager").get(f"/channels/{channel_id}/"))
    assert "95.50" in history  # old → new in the edit history


def test_reject_and_withdraw(pages, number):
    channel_id = pages.create_channel(n=3)
    process_id = pages.submit(channel_id)
    requests = pages("zz_manager").get("/requests/")
    assert number(process_id) in text(requests) and f"/processes/{process_id}/withdraw/" in requests.content.decode()
    response = pages("zz_manager").post(f"/processes/{process_id}/withdraw/", {"comment": "信息需补充"})
    assert response.status_code == 302
    assert ApprovalProcess.objects.get(pk=process_id).state == ApprovalProcess.State.WITHDRAWN
    assert Channel.objects.get(pk=channel_id).status == Channel.Status.DRAFT
    again = pages("zz_manager").post(f"/processes/{process_id}/withdraw/", {"comment": "x"})
    assert again.status_code == 409 and "不能撤回" in text(again)

    process_id = pages.submit(channel_id)
    no = number(process_id)
    pages.act("zz_supervisor", no, action="reject", comment="不符合布点规划")
    assert ApprovalProcess.objects.get(pk=process_id).state == ApprovalProcess.State.REJECTED
    assert "已驳回" in text(pages("zz_manager").get("/requests/"))


def test_record_filing_copies_province(pages, number):
    """特约代理点 is 报备: province marketing is copied, not asked; the copy shows in 抄送我的."""
    channel_id = pages.create_channel(n=4, channel_type="agent_point")
    no = number(pages.submit(channel_id))
    pages.act("zz_supervisor", no)
    pages.act("zz_leader", no)
    assert pages.task_id("prov_marketing", no) is None
    copies = pages("prov_marketing").get("/copies/").content.decode()
    assert "抄送我的" in copies and no in copies
    pages.act("zz_support", no, boss_code="ZZ00029999")
    assert Channel.objects.get(pk=channel_id).status == Channel.Status.ACTIVE


def _edit_data(edit_response, **overrides) -> dict:
    """The edit form's current values (enabled fields only), as a browser would post them."""
    form = edit_response.context["form"]
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None:
            value = ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = str(value)
    data.update(overrides)
    return data
