"""The task operations on the pages (issue 11, CONTRACT "Task operations"): 退回 to a chosen step, 转办, 委派 and
its confirmation, 加签, 抄送, 作废, 催办; each calls the API's service, refuses bad input in Chinese with nothing
changed, and answers a race with 409."""
from django.contrib.auth import get_user_model

from governance.models import OrgUnit, Post, PostAssignment
from tests.api.conftest import drive  # noqa: F401 (fixture)
from workflows.models import ApprovalProcess, CopyNotice, ProcessEvent
from workflows.services import task_claim

from .conftest import text


def _submitted(drive):  # noqa: F811
    return drive.submit_new()["id"]


def _task(drive, username, pid):  # noqa: F811
    return drive.task(username, pid)["id"]


def test_task_page_offers_return_to_a_step_and_the_operations(drive, pages):  # noqa: F811
    pid = _submitted(drive)
    drive.act("zz_supervisor", pid)
    task = _task(drive, "zz_leader", pid)
    page = pages("zz_leader").get(f"/tasks/{task}/").content.decode()
    for word in ("退回至", "第1步", "转办", "委派", "加签", "常用意见", 'data-confirm="确定驳回'):
        assert word in page, word
    response = pages("zz_leader").post(f"/tasks/{task}/", {"action": "return", "to_step": "0", "comment": "请主管复核"})
    assert response.status_code == 302
    process = ApprovalProcess.objects.get(pk=pid)
    assert process.state == "in_review" and process.current_post.code == "channel_supervisor"
    assert "退回至“渠道主管审批”" in process.events.latest("id").comment


def test_return_to_a_step_not_offered_is_refused_in_chinese(drive, pages):  # noqa: F811
    pid = _submitted(drive)
    task = _task(drive, "zz_supervisor", pid)
    before = ApprovalProcess.objects.get(pk=pid).version
    response = pages("zz_supervisor").post(f"/tasks/{task}/", {"action": "return", "to_step": "5", "comment": "x"})
    assert response.status_code == 400 and "有效" in text(response)
    assert ApprovalProcess.objects.get(pk=pid).version == before


def test_transfer_on_the_page_needs_a_reason_and_a_person_in_scope(drive, pages):  # noqa: F811
    pid = _submitted(drive)
    task = _task(drive, "zz_supervisor", pid)
    client = pages("zz_supervisor")
    page = client.get(f"/tasks/{task}/").content.decode()
    assert 'value="zz_support"' in page and 'value="ly_manager"' not in page  # offered: only people in scope
    assert 'value="prov_marketing"' in page  # the city's holders and the province's above it
    empty = client.post(f"/tasks/{task}/transfer/", {"to": "zz_support"})
    assert empty.status_code == 400 and "请填写原因" in text(empty)
    foreign = client.post(f"/tasks/{task}/transfer/", {"to": "ly_manager", "comment": "出差"})
    assert foreign.status_code == 400 and "请选择列表中的人员" in text(foreign)
    assert not ProcessEvent.objects.filter(process_id=pid, action="transfer").exists()
    done = client.post(f"/tasks/{task}/transfer/", {"to": "zz_leader", "comment": "出差一周"})
    assert done.status_code == 302
    event = ProcessEvent.objects.get(process_id=pid, action="transfer")
    assert event.actor.username == "zz_supervisor" and "出差一周" in event.comment
    assert drive.task("zz_leader", pid) is not None
    again = client.post(f"/tasks/{task}/transfer/", {"to": "zz_support", "comment": "再转"})
    assert again.status_code == 404  # no longer theirs: absent


def test_delegate_then_the_owner_confirms(drive, pages):  # noqa: F811
    pid = _submitted(drive)
    task = _task(drive, "zz_supervisor", pid)
    assert pages("zz_supervisor").post(f"/tasks/{task}/delegate/",
                                       {"to": "zz_leader", "comment": "请先看资质"}).status_code == 302
    delegate_page = pages("zz_leader").get(f"/tasks/{task}/")
    assert "交回委派人确认" in text(delegate_page) and "转办" not in text(delegate_page).split("审批记录")[0]
    assert "委派待办" in text(pages("zz_leader").get("/"))
    assert pages("zz_leader").post(f"/tasks/{task}/", {"action": "approve", "comment": "资质无误"}).status_code == 302
    assert ApprovalProcess.objects.get(pk=pid).current_post.code == "channel_supervisor"  # back to the owner
    confirm = text(pages("zz_supervisor").get(f"/tasks/{task}/"))
    assert "已按委派提交办理意见:“资质无误”。请确认后办理。" in confirm
    assert pages("zz_supervisor").post(f"/tasks/{task}/", {"action": "approve", "comment": "同意"}).status_code == 302
    actions = list(ProcessEvent.objects.filter(process_id=pid).values_list("action", flat=True))
    assert actions[-3:] == ["delegate", "delegate_done", "approve"]


def test_add_approver_before_the_step(drive, pages):  # noqa: F811
    pid = _submitted(drive)
    task = _task(drive, "zz_supervisor", pid)
    bad = pages("zz_supervisor").post(f"/tasks/{task}/add-approver/", {"to": "zz_leader", "comment": "x",
                                                                       "position": "middle"})
    assert bad.status_code == 400 and "请选择加签位置" in text(bad)
    ok = pages("zz_supervisor").post(f"/tasks/{task}/add-approver/", {"to": "zz_leader", "comment": "请领导先看",
                                                                      "position": "before"})
    assert ok.status_code == 302
    process = ApprovalProcess.objects.get(pk=pid)
    assert process.plan[process.step_index]["label"].startswith("加签")
    assert drive.task("zz_leader", pid) is not None


def test_copy_cancel_and_remind_on_the_process_page(drive, pages):  # noqa: F811
    pid = _submitted(drive)
    client = pages("zz_manager")
    page = client.get(f"/processes/{pid}/").content.decode()
    assert "作废" in page and "催办" in page and "抄送" in page and "下载审批单" not in page
    assert client.post(f"/processes/{pid}/copy/", {"comment": "知悉"}).status_code == 400  # nobody chosen
    assert client.post(f"/processes/{pid}/copy/", {"to": ["zz_leader"], "posts": ["province_marketing"],
                                                   "comment": "请知悉"}).status_code == 302
    assert set(CopyNotice.objects.filter(process_id=pid).values_list("user__username", flat=True)) == {
        "zz_leader", "prov_marketing"}
    assert client.post(f"/processes/{pid}/remind/").status_code == 302
    twice = client.post(f"/processes/{pid}/remind/")
    assert twice.status_code == 429 and "今天已催办过" in text(twice)
    assert pages("zz_supervisor").post(f"/processes/{pid}/cancel/", {"comment": "x"}).status_code == 403
    empty = client.post(f"/processes/{pid}/cancel/", {"comment": " "})
    assert empty.status_code == 400 and ApprovalProcess.objects.get(pk=pid).state == "in_review"
    assert client.post(f"/processes/{pid}/cancel/", {"comment": "重复录入"}).status_code == 302
    process = ApprovalProcess.objects.get(pk=pid)
    assert process.state == "cancelled" and process.events.latest("id").comment == "重复录入"
    again = client.post(f"/processes/{pid}/cancel/", {"comment": "再次"})
    assert again.status_code == 409 and "不能作废" in text(again)
    finished = client.get(f"/processes/{pid}/").content.decode()
    assert f'href="/processes/{pid}/document.pdf"' in finished and "作废申请" not in finished
    assert pages("ly_manager").post(f"/processes/{pid}/cancel/", {"comment": "x"}).status_code == 404


def test_a_colleague_who_took_the_task_first_wins_the_other_gets_409(drive, pages):  # noqa: F811
    colleague = get_user_model().objects.create_user("zz_supervisor2", password="x")
    PostAssignment.objects.create(user=colleague, post=Post.objects.get(code="channel_supervisor"),
                                  org_unit=OrgUnit.objects.get(code="ZZ"))
    pid = _submitted(drive)
    task = _task(drive, "zz_supervisor", pid)
    assert "转办" in text(pages("zz_supervisor").get(f"/tasks/{task}/"))  # the page as first seen
    task_claim(task_id=task, user=colleague)
    before = ProcessEvent.objects.filter(process_id=pid).count()
    for url, body in [(f"/tasks/{task}/", {"action": "approve", "comment": "同意"}),
                      (f"/tasks/{task}/transfer/", {"to": "zz_leader", "comment": "出差"})]:
        late = pages("zz_supervisor").post(url, body)
        assert late.status_code == 409 and "已由" in text(late), (url, late.status_code)
    assert ProcessEvent.objects.filter(process_id=pid).count() == before
