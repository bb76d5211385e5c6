"""Onboarding driven through /api/v1 like an outside client: start, review, return, reject, withdraw."""
from datetime import datetime

import pytest

from governance.models import Channel
from workflows.models import ApprovalProcess, CopyNotice
from tests.api.conftest import error_messages, is_chinese
from tests.conftest import processes_of

REVIEWERS = ["zz_supervisor", "zz_leader", "prov_marketing"]


def test_onboarding_end_to_end(drive):
    channel = drive.create_channel()
    started = drive.start("onboarding", channel=channel["id"], comment="新开自营厅")
    pid = started["id"]
    assert started["kind"] == "onboarding"
    assert started["status"] == "in_review"
    assert started["number"].startswith("XZ")
    assert started["filing"] == "approval"
    assert drive.channel(channel["id"])["status"] == "pending"

    expected_posts = ["渠道主管", "分管领导", "省市场经营部"]
    for username, post in zip(REVIEWERS, expected_posts):
        assert drive.process(pid)["current_post"] == post
        # only the current post's holder has the task
        others = {"zz_supervisor", "zz_leader", "prov_marketing", "zz_support"} - {username}
        assert all(drive.task(other, pid) is None for other in others)
        task = drive.task(username, pid)
        assert task["actions"] == ["approve", "reject", "return"]
        assert task["name"] == f"{post}审批"
        assert task["kind"] == "onboarding" and task["subject"]["id"] == channel["id"]
        detail = drive.act(username, pid, comment=f"{post}同意")
        assert detail["status"] == "in_review"

    task = drive.task("zz_support", pid)
    assert task["actions"] == ["approve"]
    assert drive.channel(channel["id"])["status"] == "pending"
    detail = drive.act("zz_support", pid, boss_code="ZZ0001T9001")
    assert detail["status"] == "completed"
    assert detail["finished"]

    stored = Channel.objects.get(pk=channel["id"])
    assert stored.status == Channel.Status.ACTIVE
    assert stored.boss_code == "ZZ0001T9001"
    assert drive.process(pid)["status"] == "completed"
    assert all(s["state"] == "done" for s in detail["steps"])

    history = drive.process(pid)["history"]
    trail = [(h["actor"], h["post"], h["action"]) for h in history]
    assert trail == [
        ("zz_manager", "渠道经理", "submit"),
        ("zz_supervisor", "渠道主管", "approve"),
        ("zz_leader", "分管领导", "approve"),
        ("prov_marketing", "省市场经营部", "approve"),
        ("zz_support", "分公司业务支援中心", "assign_code"),
        (None, "系统", "activate"),
    ]
    assert [h["post_code"] for h in history] == ["channel_manager", "channel_supervisor", "branch_leader",
                                                 "province_marketing", "city_support", "system"]
    assert history[0]["comment"] == "新开自营厅"
    assert history[1]["comment"] == "渠道主管同意"
    assert "ZZ0001T9001" in history[4]["comment"]
    times = [datetime.fromisoformat(h["time"]) for h in history]
    assert times == sorted(times)
    assert [h["org_unit"] for h in history[:5]] == ["郑州分公司", "郑州分公司", "郑州分公司", "河南省公司",
                                                    "郑州分公司"]
    # nobody has anything left to do
    for username in ["zz_manager", *REVIEWERS, "zz_support"]:
        assert drive.task(username, pid) is None
    # the channel's own history shows the moves
    reasons = [h["reason"] for h in drive.channel(channel["id"])["history"]]
    assert "提交渠道新增审批" in reasons and "分配BOSS编码" in reasons


def test_record_filing_copies_province_marketing(drive):
    """报备 (agent point): marketing is only copied; support centre follows the branch leader."""
    channel = drive.create_channel(social=True, channel_type="agent_point")
    started = drive.start("onboarding", channel=channel["id"])
    pid = started["id"]
    assert started["filing"] == "record"
    assert [s["step"] for s in started["steps"]] == ["approve", "approve", "copy", "assign_code"]

    drive.act("zz_supervisor", pid)
    drive.act("zz_leader", pid)
    assert drive.task("prov_marketing", pid) is None
    detail = drive.process(pid)
    assert detail["current_post"] == "分公司业务支援中心"
    copies = [h for h in detail["history"] if h["action"] == "copy"]
    assert len(copies) == 1
    assert copies[0]["post"] == "省市场经营部"
    assert CopyNotice.objects.filter(process_id=pid, post__code="province_marketing", org_unit__code="HA").count() == 1
    # province marketing can still read it, and finds it under 抄送给我
    assert drive.process(pid, "prov_marketing")["id"] == pid
    copied = drive("prov_marketing").get("/api/v1/copies/").json()["results"]
    assert [(c["process"], c["post"]) for c in copied] == [(pid, "省市场经营部")]
    assert drive("prov_finance").get("/api/v1/copies/").json()["count"] == 0

    drive.act("zz_support", pid, boss_code="ZZAP000123")
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.ACTIVE
    actions = [h["action"] for h in drive.process(pid)["history"]]
    assert actions == ["submit", "approve", "approve", "copy", "assign_code", "activate"]


def test_seeded_agent_point_draft_uses_record_route(drive):
    channel = Channel.objects.get(node_code="LY-LL-0003")
    started = drive.start("onboarding", "ly_manager", channel=channel.pk)
    assert started["filing"] == "record"
    drive.act("ly_supervisor", started["id"])
    drive.act("ly_leader", started["id"])
    assert drive.task("prov_marketing", started["id"]) is None
    assert drive.task("ly_support", started["id"]) is not None


def test_return_for_revision_and_resubmit_into_same_process(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    drive.act("zz_supervisor", pid)

    # a reason is required
    response = drive.act("zz_leader", pid, "return", expect=400)
    assert is_chinese(response["errors"]["comment"][0])
    assert drive.process(pid)["status"] == "in_review"
    assert drive.task("zz_leader", pid) is not None

    detail = drive.act("zz_leader", pid, "return", comment="地址不完整,请补充门牌号")
    assert detail["status"] == "returned"
    assert detail["can_withdraw"] is False  # the leader is not the requester
    assert drive.task("zz_leader", pid) is None
    assert drive.task("zz_supervisor", pid) is None

    revise = drive.task("zz_manager", pid)
    assert revise is not None
    assert revise["actions"] == ["approve"]
    assert revise["name"] == "修改后重新提交"

    # while returned, the submitter may fix core fields directly
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel['id']}/",
                                         {"address": "郑州市金水区测试路1号3号楼"}, format="json")
    assert response.status_code == 200, response.json()
    assert Channel.objects.get(pk=channel["id"]).address.endswith("3号楼")

    detail = drive.act("zz_manager", pid, comment="已补充门牌号")
    assert detail["id"] == pid
    assert detail["status"] == "in_review"
    assert detail["current_post"] == "渠道主管"
    assert drive.task("zz_supervisor", pid) is not None
    assert processes_of(channel["id"]).count() == 1

    actions = [(h["actor"], h["action"]) for h in drive.process(pid)["history"]]
    assert actions == [("zz_manager", "submit"), ("zz_supervisor", "approve"), ("zz_leader", "return"),
                       ("zz_manager", "resubmit")]
    returned = drive.process(pid)["history"][2]
    assert returned["comment"] == "地址不完整,请补充门牌号" and returned["post"] == "分管领导"

    # once back in review, core fields are locked again
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel['id']}/", {"name": "再改名"}, format="json")
    assert response.status_code == 400

    # and the whole route runs again
    for username in REVIEWERS:
        drive.act(username, pid)
    drive.act("zz_support", pid, boss_code="ZZRET00001")
    assert drive.process(pid)["status"] == "completed"


def test_returned_request_cannot_be_reviewed_or_resubmitted_by_others(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    drive.act("zz_supervisor", pid, "return", comment="补充资料")
    revise = drive.task("zz_manager", pid)
    drive.act_on("zz_supervisor", revise["id"], "approve", expect=404)
    drive.act_on("ly_manager", revise["id"], "approve", expect=404)
    # the revision step only resubmits
    drive.act_on("zz_manager", revise["id"], "reject", expect=400, comment="x")
    assert drive.process(pid)["status"] == "returned"


def test_reject_with_reason_returns_channel_to_draft(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    drive.act("zz_supervisor", pid)

    response = drive.act("zz_leader", pid, "reject", expect=400, comment="   ")
    assert is_chinese(response["errors"]["comment"][0])
    assert drive.process(pid)["status"] == "in_review"

    detail = drive.act("zz_leader", pid, "reject", comment="选址与现有厅重叠")
    assert detail["status"] == "rejected"
    assert detail["current_post"] is None
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.DRAFT
    assert drive.task("prov_marketing", pid) is None
    assert drive.task("zz_manager", pid) is None
    rejected = drive.process(pid)["history"][-1]
    assert (rejected["actor"], rejected["post"], rejected["action"], rejected["comment"]) == (
        "zz_leader", "分管领导", "reject", "选址与现有厅重叠")

    # a draft again: it can be submitted anew (a new process)
    again = drive.start("onboarding", channel=channel["id"])
    assert again["id"] != pid


def test_withdraw_before_supervisor_acts(drive):
    channel = drive.create_channel()
    started = drive.start("onboarding", channel=channel["id"])
    pid = started["id"]
    assert started["can_withdraw"] is True
    task = drive.task("zz_supervisor", pid)

    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/withdraw/", {"comment": "信息有误"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "withdrawn"
    assert body["history"][-1]["action"] == "withdraw"
    assert body["history"][-1]["comment"] == "信息有误"
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.DRAFT
    assert drive.task("zz_supervisor", pid) is None
    # the old task cannot be acted on any more
    drive.act_on("zz_supervisor", task["id"], "approve", expect=409)
    # withdrawing twice is a conflict
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json")
    assert response.status_code == 409


def test_withdraw_after_supervisor_acted_is_409(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    drive.act("zz_supervisor", pid)
    assert drive.process(pid)["can_withdraw"] is False
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/withdraw/", {"comment": "算了"}, format="json")
    assert response.status_code == 409
    assert is_chinese(response.json()["detail"])
    assert drive.process(pid)["status"] == "in_review"
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.PENDING


def test_withdraw_by_someone_else_is_refused(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    response = drive("zz_supervisor").post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json")
    assert response.status_code == 403
    response = drive("ly_manager").post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json")
    assert response.status_code == 404
    assert drive.process(pid)["status"] == "in_review"
    assert drive.task("zz_supervisor", pid) is not None


def test_withdraw_while_returned(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    drive.act("zz_supervisor", pid, "return", comment="补充材料")
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "withdrawn"
    assert drive.task("zz_manager", pid) is None
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.DRAFT


# ---------------------------------------------------------------- boss code

def _at_support_step(drive, **kwargs):
    channel = drive.create_channel(**kwargs)
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    for username in REVIEWERS:
        drive.act(username, pid)
    return channel, pid


@pytest.mark.parametrize("code", ["", "ABC12", "ZZ-0001-X", "中文编码123456", "A" * 21])
def test_boss_code_format_is_checked(drive, code):
    channel, pid = _at_support_step(drive)
    response = drive.act("zz_support", pid, expect=400, boss_code=code)
    assert is_chinese(response["errors"]["boss_code"][0])
    assert Channel.objects.get(pk=channel["id"]).boss_code is None
    assert drive.task("zz_support", pid) is not None
    assert drive.process(pid)["status"] == "in_review"


def test_boss_code_must_be_unique(drive):
    channel, pid = _at_support_step(drive)
    response = drive.act("zz_support", pid, expect=400, boss_code="ZZ00010001")  # the seeded 金水路自营厅
    assert "ZZ00010001" in response["errors"]["boss_code"][0]
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.PENDING
    # a good code still goes through afterwards
    drive.act("zz_support", pid, boss_code="ZZ00019999")
    assert Channel.objects.get(pk=channel["id"]).status == Channel.Status.ACTIVE


def test_task_of_someone_else_is_404(drive):
    channel, pid = _at_support_step(drive)
    task = drive.task("zz_support", pid)
    for username in ["zz_leader", "zz_manager", "ly_support", "auditor", "prov_marketing"]:
        response = drive(username).post(f"/api/v1/tasks/{task['id']}/approve/", {"boss_code": "ZZ00018888"},
                                        format="json")
        assert response.status_code == 404, username
    assert Channel.objects.get(pk=channel["id"]).boss_code is None


def test_task_already_done_is_409(drive):
    channel, pid = _at_support_step(drive)
    task = drive.task("zz_support", pid)
    drive.act_on("zz_support", task["id"], boss_code="ZZ00017777")
    response = drive.act_on("zz_support", task["id"], expect=409, boss_code="ZZ00016666")
    assert is_chinese(response["detail"])
    assert Channel.objects.get(pk=channel["id"]).boss_code == "ZZ00017777"
    drive.act_on("zz_support", task["id"], "reject", expect=409, comment="x")


def test_done_review_task_is_409_for_its_actor(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    task = drive.task("zz_supervisor", pid)
    drive.act_on("zz_supervisor", task["id"])
    drive.act_on("zz_supervisor", task["id"], expect=409)
    drive.act_on("zz_supervisor", task["id"], "return", expect=409, comment="再看看")
    assert [h["action"] for h in drive.process(pid)["history"]].count("approve") == 1


def test_unknown_task_and_action(drive):
    channel = drive.create_channel()
    pid = drive.start("onboarding", channel=channel["id"])["id"]
    task = drive.task("zz_supervisor", pid)
    drive.act_on("zz_supervisor", 999999, expect=404)
    drive.act_on("zz_supervisor", task["id"], "delete", expect=404)
    assert drive.task("zz_supervisor", pid) is not None


# ---------------------------------------------------------------- starting

def test_unknown_kind_is_404(drive):
    channel = drive.create_channel()
    response = drive("zz_manager").post("/api/v1/processes/frobnicate/", {"channel": channel["id"]}, format="json")
    assert response.status_code == 404
    assert not ApprovalProcess.objects.exists()


def test_kinds_not_built_yet_do_not_exist(drive):
    """Later kinds of CONTRACT.md (warning, star review, promotion) are not registered: 404, never a 405."""
    for kind in ("warning", "star-review", "promotion", "Onboarding", "no_such"):
        response = drive("zz_manager").post(f"/api/v1/processes/{kind}/", {}, format="json")
        assert response.status_code == 404, kind
    assert drive("zz_manager").get("/api/v1/processes/abc/").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({}, "channel"),
    ({"channel": "abc"}, "channel"),
])
def test_bad_start_bodies_are_400(drive, body, field):
    response = drive("zz_manager").post("/api/v1/processes/onboarding/", body, format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, field)[0])


def test_onboarding_needs_a_draft(drive):
    active = Channel.objects.get(node_code="ZZ-JS-0001")
    response = drive("zz_manager").post("/api/v1/processes/onboarding/", {"channel": active.pk}, format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "channel")[0])
    assert not processes_of(active).exists()


def test_unknown_channel_is_404(drive):
    response = drive("zz_manager").post("/api/v1/processes/onboarding/", {"channel": 999999}, format="json")
    assert response.status_code == 404


def test_second_open_process_on_same_channel_is_409(drive):
    channel = drive.create_channel()
    first = drive.start("onboarding", channel=channel["id"])
    response = drive("zz_supervisor").post("/api/v1/processes/onboarding/", {"channel": channel["id"]},
                                           format="json")
    assert response.status_code == 409
    assert first["number"] in response.json()["detail"]
    assert processes_of(channel["id"]).count() == 1

    active = Channel.objects.get(node_code="ZZ-JS-0001")
    drive.start("exit", channel=active.pk, reason="relocation")
    response = drive("zz_manager").post("/api/v1/processes/change/", {
        "channel": active.pk, "changes": {"name": "新名"}, "effective_date": "2026-01-01"}, format="json")
    assert response.status_code == 409
    assert processes_of(active).count() == 1


def test_process_list_and_filters(drive):
    first = drive.submit_new()
    second = drive.submit_new()
    drive("zz_manager").post(f"/api/v1/processes/{second['id']}/withdraw/", {}, format="json")
    listed = drive("zz_manager").get("/api/v1/processes/").json()
    assert listed["count"] == 2
    assert [p["id"] for p in listed["results"]] == [second["id"], first["id"]]
    open_only = drive("zz_manager").get("/api/v1/processes/", {"state": "in_review"}).json()
    assert [p["id"] for p in open_only["results"]] == [first["id"]]
    paged = drive("zz_manager").get("/api/v1/processes/", {"page_size": 1}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]
