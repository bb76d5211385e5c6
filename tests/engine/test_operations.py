"""Operations on a task and a request (CONTRACT "Task operations"): 退回 to an earlier step, 作废, 转办, 委派,
加签, 抄送, 催办, 已办; each recorded in the trail, with its reason where it changes the route."""
from datetime import timedelta

import time_machine
from django.utils import timezone

from governance.models import Channel, Notification
from workflows.models import ApprovalProcess, ProcessEvent

REVIEWERS = ["zz_supervisor", "zz_leader", "prov_marketing"]


def _submitted(drive):
    return drive.submit_new()["id"]


def test_return_to_an_earlier_step_goes_back_to_that_step(drive):
    pid = _submitted(drive)
    drive.act("zz_supervisor", pid)
    drive.act("zz_leader", pid)
    bad = drive.act("prov_marketing", pid, "return", expect=400, comment="重审", to_step=3)
    assert "to_step" in bad["errors"]
    back = drive.act("prov_marketing", pid, "return", comment="请主管复核照片", to_step=0)
    assert back["status"] == "in_review" and back["current_post"] == "渠道主管"
    assert "退回至“渠道主管审批”" in back["history"][-1]["comment"]
    assert drive.task("zz_manager", pid) is None  # not the requester's revision
    for username in REVIEWERS:
        drive.act(username, pid)
    assert drive.process(pid)["current_post"] == "分公司业务支援中心"


def test_cancel_by_the_requester_or_an_admin_with_a_reason(drive):
    pid = _submitted(drive)
    drive.act("zz_supervisor", pid)
    client = drive("zz_manager")
    assert client.post(f"/api/v1/processes/{pid}/cancel/", {}, format="json").status_code == 400
    assert drive("zz_leader").post(f"/api/v1/processes/{pid}/cancel/", {"comment": "x"},
                                   format="json").status_code == 403
    done = client.post(f"/api/v1/processes/{pid}/cancel/", {"comment": "重复录入"}, format="json").json()
    assert done["status"] == "cancelled" and done["history"][-1]["action"] == "cancel"
    channel = Channel.objects.get(pk=done["subject"]["id"])
    assert channel.status == Channel.Status.DRAFT
    assert drive.task("zz_leader", pid) is None
    assert client.post(f"/api/v1/processes/{pid}/cancel/", {"comment": "再次"}, format="json").status_code == 409
    other = _submitted(drive)
    assert drive("admin").post(f"/api/v1/processes/{other}/cancel/", {"comment": "管理员作废"},
                               format="json").json()["status"] == "cancelled"


def test_transfer_hands_the_task_to_another_person_who_owns_it(drive):
    pid = _submitted(drive)
    task = drive.task("zz_supervisor", pid)
    client = drive("zz_supervisor")
    url = f"/api/v1/tasks/{task['id']}/transfer/"
    assert client.post(url, {"to": "zz_support"}, format="json").status_code == 400  # a reason is required
    for target in ("zz_manager", "ly_manager", "nobody"):  # the requester, out of scope, unknown
        assert client.post(url, {"to": target, "comment": "出差"}, format="json").status_code == 400, target
    unknown = client.post(url, {"to": "nobody", "comment": "出差"}, format="json").json()["errors"]["to"][0]
    foreign = client.post(url, {"to": "ly_manager", "comment": "出差"}, format="json").json()["errors"]["to"][0]
    assert unknown.split("”", 1)[1] == foreign.split("”", 1)[1]  # the same answer: nothing is revealed
    assert client.post(url, {"to": "zz_support", "comment": "本周出差"}, format="json").status_code == 200
    assert drive.task("zz_supervisor", pid) is None
    moved = drive.task("zz_support", pid)
    assert moved["claimed"] and moved["actions"] == ["approve", "reject", "return"]
    done = drive.act_on("zz_support", moved["id"], comment="代为审核同意")
    actions = [(h["actor"], h["action"], h["post"]) for h in done["history"]]
    assert ("zz_supervisor", "transfer", "渠道主管") in actions
    assert ("zz_support", "approve", "分公司业务支援中心") in actions  # in their own post, not the step's
    assert done["current_post"] == "分管领导"


def test_delegate_gives_an_opinion_then_the_owner_decides(drive):
    pid = _submitted(drive)
    task = drive.task("zz_supervisor", pid)
    drive("zz_supervisor").post(f"/api/v1/tasks/{task['id']}/delegate/", {"to": "zz_support", "comment": "请核地址"},
                                format="json")
    delegated = drive.task("zz_support", pid)
    assert delegated["actions"] == ["approve"]
    after = drive.act_on("zz_support", delegated["id"], comment="地址已核实")
    assert after["current_post"] == "渠道主管"  # nothing moved: back to the owner to confirm
    back = drive.task("zz_supervisor", pid)
    assert back["id"] == task["id"] and back["claimed"]
    done = drive.act_on("zz_supervisor", back["id"], comment="同意")
    assert [h["action"] for h in done["history"]][1:4] == ["delegate", "delegate_done", "approve"]
    assert done["current_post"] == "分管领导"


def test_add_an_approver_before_or_after_the_current_step(drive):
    pid = _submitted(drive)
    task = drive.task("zz_supervisor", pid)
    before = drive("zz_supervisor").post(f"/api/v1/tasks/{task['id']}/add_approver/",
                                         {"to": "zz_support", "position": "before", "comment": "请支援中心先看"},
                                         format="json").json()
    assert [s["title"] for s in before["steps"]][:2] == ["加签:郑州业务支援", "渠道主管审批"]
    drive.act("zz_support", pid, comment="无异议")
    assert drive.process(pid)["current_post"] == "渠道主管"
    task = drive.task("zz_supervisor", pid)
    again = drive("zz_supervisor").post(f"/api/v1/tasks/{task['id']}/add_approver/",
                                        {"to": "zz_support", "position": "after"}, format="json")
    assert again.status_code == 400  # zz_support already signed a step of this request (不相容)
    after = drive("zz_supervisor").post(f"/api/v1/tasks/{task['id']}/add_approver/",
                                        {"to": "zz_outbound", "position": "after"}, format="json").json()
    assert after["current_post"] == "渠道主管"
    drive.act("zz_supervisor", pid)
    assert drive.process(pid)["current_post"] == "外呼运营"  # the added approver, before the leader
    drive.act("zz_outbound", pid)
    assert drive.process(pid)["current_post"] == "分管领导"


def test_copy_to_people_and_posts_then_mark_read(drive):
    pid = _submitted(drive)
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/copy/",
                                        {"to": ["zz_support"], "posts": ["province_finance"], "comment": "供参考"},
                                        format="json")
    assert response.status_code == 201 and len(response.json()) == 2
    refused = drive("zz_manager").post(f"/api/v1/processes/{pid}/copy/", {"to": ["ly_manager"]}, format="json")
    assert refused.status_code == 400
    copies = drive("prov_finance").get("/api/v1/copies/").json()["results"]
    assert [(c["process"], c["read"], c["copied_by"]) for c in copies] == [(pid, False, "zz_manager")]
    assert Notification.objects.filter(recipient__username="prov_finance", event="process.copied").count() == 1
    read = drive("prov_finance").post(f"/api/v1/copies/{copies[0]['id']}/read/").json()
    assert read["read"] is True
    assert drive("zz_support").post(f"/api/v1/copies/{copies[0]['id']}/read/").status_code == 404  # not theirs
    assert drive("prov_finance").get("/api/v1/copies/", {"unread": "true"}).json()["count"] == 0


def test_remind_once_a_day_per_task(drive):
    pid = _submitted(drive)
    client = drive("zz_manager")
    assert drive("zz_supervisor").post(f"/api/v1/processes/{pid}/remind/").status_code == 403
    assert client.post(f"/api/v1/processes/{pid}/remind/").status_code == 200
    assert Notification.objects.filter(recipient__username="zz_supervisor", event="task.reminded").count() == 1
    second = client.post(f"/api/v1/processes/{pid}/remind/")
    assert second.status_code == 429 and "明天" in second.json()["detail"]
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert drive.fresh("zz_manager").post(f"/api/v1/processes/{pid}/remind/").status_code == 200
    assert ProcessEvent.objects.filter(process_id=pid, action="remind").count() == 2


def test_done_lists_what_the_caller_did(drive):
    pid = _submitted(drive)
    drive.act("zz_supervisor", pid, comment="同意")
    done = drive("zz_supervisor").get("/api/v1/tasks/done/").json()["results"]
    assert [(d["process"], d["action"], d["comment"]) for d in done] == [(pid, "approve", "同意")]
    assert drive("zz_leader").get("/api/v1/tasks/done/").json()["count"] == 0
    assert drive("ly_supervisor").get("/api/v1/tasks/done/").json()["count"] == 0


def test_withdrawal_is_refused_once_the_next_step_has_acted(drive):
    pid = _submitted(drive)
    drive.act("zz_supervisor", pid)
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json")
    assert response.status_code == 409
    assert ApprovalProcess.objects.get(pk=pid).state == "in_review"
