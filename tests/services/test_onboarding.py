"""Onboarding through the services: start, the approval loop, copy (报备), return, reject, withdraw."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.errors import Conflict, NotAllowed
from governance.models import Channel
from workflows import services
from workflows.models import ApprovalProcess, CopyNotice, ProcessEvent
from workflows.selectors import copies_for_user, inbox_for_user
from tests import starts

REVIEWERS = ["zz_supervisor", "zz_leader", "prov_marketing"]


def test_start_makes_channel_pending_and_queues_the_supervisor(svc):
    channel = svc.new_channel()
    process = svc.onboard(channel)
    assert re.fullmatch(r"XZ\d{8}\d{6}", process.number)
    assert process.state == ApprovalProcess.State.IN_REVIEW
    assert process.requester.username == "zz_manager"
    assert process.requester_post.code == "channel_manager"
    assert process.org_unit.code == "ZZ-JS"
    assert [(s["post"], s["step"]) for s in process.plan] == [
        ("channel_supervisor", "approve"), ("branch_leader", "approve"), ("province_marketing", "approve"),
        ("city_support", "assign_code")]
    assert (process.current_post.code, process.current_unit.code) == ("channel_supervisor", "ZZ")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.PENDING
    event = process.events.get()
    assert (event.action, event.actor.username, event.post, event.org_unit.code) == ("submit", "zz_manager",
                                                                                    "渠道经理", "ZZ")
    task = svc.task("zz_supervisor", process)
    assert task.status == STATUS.NEW and task.owner_id is None
    assert services.task_actions(task, process) == ["approve", "reject", "return"]


def test_full_route_activates_the_channel(svc):
    process = svc.onboard()
    for username in REVIEWERS:
        process = svc.act(username, process, comment="同意")
        assert process.state == ApprovalProcess.State.IN_REVIEW
    assert process.current_post.code == "city_support"
    process = svc.act("zz_support", process, boss_code="ZZ12345678")
    assert process.state == ApprovalProcess.State.COMPLETED
    assert process.finished is not None
    assert process.subject.status == Channel.Status.ACTIVE
    assert Channel.objects.get(pk=process.subject_id).boss_code == "ZZ12345678"
    assert svc.actions(process) == [("zz_manager", "submit"), ("zz_supervisor", "approve"),
                                    ("zz_leader", "approve"), ("prov_marketing", "approve"),
                                    ("zz_support", "assign_code"), (None, "activate")]
    steps = list(process.events.exclude(step="").values_list("step", flat=True))
    assert steps == ["渠道主管审批", "分管领导审批", "省市场经营部审批", "分公司业务支援中心分配BOSS编码", "系统"]
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])\
        .exists()
    # the channel record's history names the last approver for the automatic activation
    record = process.subject.history.order_by("-history_date", "-history_id").first()
    assert (record.status, record.history_user.username, record.acting_post) == ("active", "zz_support", "系统")


def test_record_filing_copies_marketing_without_a_task(svc):
    process = svc.onboard(social=True, channel_type="agent_point")
    assert process.filing == "record"
    process = svc.approve_all(process, ["zz_supervisor", "zz_leader"])
    assert process.current_post.code == "city_support"
    assert svc.task("prov_marketing", process) is None
    assert not Task.objects.filter(process=process, owner_permission="post:province_marketing").exists()
    copy = process.events.get(action="copy")
    assert (copy.post, copy.org_unit.code, copy.actor) == ("省市场经营部", "HA", None)
    notice = CopyNotice.objects.get(process=process)
    assert (notice.post.code, notice.org_unit.code) == ("province_marketing", "HA")
    assert [c.process_id for c in copies_for_user(user=svc.user("prov_marketing"))] == [process.pk]
    assert list(copies_for_user(user=svc.user("prov_finance"))) == []


def test_return_and_resubmit_stay_in_the_same_process(svc):
    process = svc.onboard()
    process = svc.act("zz_supervisor", process)
    with pytest.raises(ValidationError) as exc:
        svc.act("zz_leader", process, "return", comment="  ")
    assert "退回" in exc.value.message_dict["comment"][0]

    process = svc.act("zz_leader", process, "return", comment="补充照片")
    assert process.state == ApprovalProcess.State.RETURNED
    assert process.step_index == 0
    revise = svc.task("zz_manager", process)
    assert revise.flow_task.name == "revise"
    assert revise.owner.username == "zz_manager"
    assert services.task_actions(revise, process) == ["approve"]
    # a supervisor (also a requester post) does not get someone else's revision
    assert svc.task("zz_supervisor", process) is None

    process = svc.act("zz_manager", process, comment="已补充")
    assert process.state == ApprovalProcess.State.IN_REVIEW
    assert process.current_post.code == "channel_supervisor"
    assert ApprovalProcess.objects.count() == 1
    assert svc.actions(process)[-2:] == [("zz_leader", "return"), ("zz_manager", "resubmit")]
    process = svc.approve_all(process, REVIEWERS)
    process = svc.act("zz_support", process, boss_code="ZZRESUB001")
    assert process.state == ApprovalProcess.State.COMPLETED


def test_core_fields_editable_only_while_draft_or_returned(svc):
    from governance.services import channel_update, core_fields_editable

    channel = svc.new_channel()
    assert core_fields_editable(channel)
    process = svc.onboard(channel)
    channel.refresh_from_db()
    assert not core_fields_editable(channel)
    with pytest.raises(ValidationError) as exc:
        channel_update(channel=channel, user=svc.user("zz_manager"), data={"name": "改名"})
    assert "核心信息变更" in exc.value.message_dict["name"][0]
    svc.act("zz_supervisor", process, "return", comment="改名")
    channel.refresh_from_db()
    assert core_fields_editable(channel)
    channel_update(channel=channel, user=svc.user("zz_manager"), data={"name": "改名"})
    assert Channel.objects.get(pk=channel.pk).name == "改名"


def test_returned_channel_moving_unit_must_take_a_matching_node_code(svc):
    from governance.services import channel_update

    channel = svc.new_channel(unit="ZZ-JS")
    svc.act("zz_supervisor", svc.onboard(channel), "return", comment="应归中原区")
    manager = svc.user("zz_manager")
    with pytest.raises(ValidationError) as exc:
        channel_update(channel=channel, user=manager, data={"org_unit": svc.unit("ZZ-ZY")})
    assert "ZZ-ZY-" in exc.value.message_dict["node_code"][0]
    channel_update(channel=channel, user=manager, data={"org_unit": svc.unit("ZZ-ZY"), "node_code": "ZZ-ZY-7001"})
    assert svc.channel("ZZ-ZY-7001").org_unit.code == "ZZ-ZY"


def test_reject_puts_channel_back_to_draft(svc):
    process = svc.onboard()
    with pytest.raises(ValidationError):
        svc.act("zz_supervisor", process, "reject")
    process = svc.act("zz_supervisor", process, "reject", comment="重复建点")
    assert process.state == ApprovalProcess.State.REJECTED
    assert process.current_post is None
    assert Channel.objects.get(pk=process.subject_id).status == Channel.Status.DRAFT
    assert not inbox_for_user(user=svc.user("zz_leader")).exists()
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
    event = process.events.get(action="reject")
    assert (event.actor.username, event.post, event.comment) == ("zz_supervisor", "渠道主管", "重复建点")


def test_withdraw_rules(svc):
    process = svc.onboard()
    manager, supervisor = svc.user("zz_manager"), svc.user("zz_supervisor")
    assert services.can_withdraw(process, manager)
    assert not services.can_withdraw(process, supervisor)
    with pytest.raises(NotAllowed):
        services.process_withdraw(process=process, user=supervisor)

    process = services.process_withdraw(process=process, user=manager, comment="录错了")
    assert process.state == ApprovalProcess.State.WITHDRAWN
    assert Channel.objects.get(pk=process.subject_id).status == Channel.Status.DRAFT
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
    with pytest.raises(Conflict):
        services.process_withdraw(process=process, user=manager)

    other = svc.onboard()
    svc.act("zz_supervisor", other)
    other.refresh_from_db()
    assert not services.can_withdraw(other, manager)
    with pytest.raises(Conflict):
        services.process_withdraw(process=other, user=manager)
    assert ApprovalProcess.objects.get(pk=other.pk).state == ApprovalProcess.State.IN_REVIEW


def test_withdraw_after_resubmit_until_next_decision(svc):
    process = svc.onboard()
    svc.act("zz_supervisor", process, "return", comment="补充")
    process = svc.act("zz_manager", process)
    assert services.can_withdraw(process, svc.user("zz_manager"))
    process = svc.act("zz_supervisor", process)
    assert not services.can_withdraw(process, svc.user("zz_manager"))


def test_task_act_guards(svc):
    process = svc.onboard()
    task = svc.task("zz_supervisor", process)
    for username in ["auditor", "ly_supervisor", "zz_leader", "zz_manager"]:
        with pytest.raises(Http404):
            services.task_act(task_id=task.pk, user=svc.user(username), action="approve")
    with pytest.raises(Http404):
        services.task_act(task_id="nonsense", user=svc.user("zz_supervisor"), action="approve")
    with pytest.raises(ValidationError):
        services.task_act(task_id=task.pk, user=svc.user("zz_supervisor"), action="dance")
    services.task_act(task_id=task.pk, user=svc.user("zz_supervisor"), action="approve")
    with pytest.raises(Conflict):
        services.task_act(task_id=task.pk, user=svc.user("zz_supervisor"), action="approve")
    assert process.events.filter(action="approve").count() == 1


def test_boss_code_rules(svc):
    process = svc.approve_all(svc.onboard(), REVIEWERS)
    for bad in ["", "short", "ZZ_000001", "ZZ00010001"]:
        with pytest.raises(ValidationError) as exc:
            svc.act("zz_support", process, boss_code=bad)
        assert exc.value.message_dict["boss_code"]
    assert Channel.objects.get(pk=process.subject_id).boss_code is None
    assert ApprovalProcess.objects.get(pk=process.pk).state == ApprovalProcess.State.IN_REVIEW
    # a failed attempt leaves the task open and unclaimed for the next try
    task = svc.task("zz_support", process)
    assert task.status == STATUS.NEW and task.owner_id is None
    svc.act("zz_support", process, boss_code=" ZZ0000AB12 ")
    assert Channel.objects.get(pk=process.subject_id).boss_code == "ZZ0000AB12"


def test_who_may_start(svc):
    channel = svc.new_channel()
    for username in ["auditor", "prov_marketing", "zz_leader", "zz_support"]:
        with pytest.raises(NotAllowed):
            starts.onboarding_start(user=svc.user(username), channel_id=channel.pk)
    with pytest.raises(Http404):
        starts.onboarding_start(user=svc.user("ly_manager"), channel_id=channel.pk)
    assert not ApprovalProcess.objects.exists()
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.DRAFT
    # a supervisor is a requester post too, but cannot review their own request: with nobody else in the
    # post the start is refused (it could never finish); with a colleague it goes to the colleague
    with pytest.raises(ValidationError) as exc:
        starts.onboarding_start(user=svc.user("zz_supervisor"), channel_id=channel.pk)
    assert "只有申请人本人" in exc.value.messages[0]
    svc.hold("zz_supervisor2", "channel_supervisor", "ZZ")
    process = starts.onboarding_start(user=svc.user("zz_supervisor"), channel_id=channel.pk)
    assert process.requester_post.code == "channel_supervisor"
    assert svc.task("zz_supervisor", process) is None and svc.task("zz_supervisor2", process) is not None


def test_start_needs_a_draft_and_no_open_process(svc):
    channel = svc.new_channel()
    svc.onboard(channel)
    with pytest.raises(Conflict):
        starts.onboarding_start(user=svc.user("zz_manager"), channel_id=channel.pk)
    with pytest.raises(ValidationError):
        starts.onboarding_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0001").pk)
    assert ApprovalProcess.objects.count() == 1


def test_start_revalidates_the_channel(svc):
    channel = svc.new_channel(social=True)
    Channel.objects.filter(pk=channel.pk).update(bank_account="")  # broken behind the service's back
    with pytest.raises(ValidationError) as exc:
        svc.onboard(channel)
    assert "bank_account" in exc.value.message_dict
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.DRAFT
    assert not ApprovalProcess.objects.exists()


def test_events_are_append_only(svc):
    event = svc.onboard().events.get()
    event.comment = "篡改"
    with pytest.raises(ValueError):
        event.save()
    assert ProcessEvent.objects.get(pk=event.pk).comment == ""


def test_resubmitted_channel_in_another_unit_is_routed_from_there(svc):
    from governance.models import Post, PostAssignment
    from governance.services import channel_update

    channel = svc.new_channel(unit="ZZ-JS")
    process = svc.act("zz_supervisor", svc.onboard(channel), "return", comment="应归中原区")
    manager = svc.user("zz_manager")
    PostAssignment.objects.create(user=svc.user("ly_supervisor"), post=Post.objects.get(code="channel_supervisor"),
                                  org_unit=svc.unit("ZZ-ZY"))
    channel_update(channel=channel, user=manager, data={"org_unit": svc.unit("ZZ-ZY"), "node_code": "ZZ-ZY-7002"})
    process = svc.act("zz_manager", process, "approve", comment="已改归中原区")
    assert process.org_unit.code == "ZZ-ZY"
    assert process.current_unit.code == "ZZ-ZY"  # the county's own supervisor now reviews it
