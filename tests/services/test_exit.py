"""Exit through the services: reason, status while in flight, checklist by post, close, rejection."""
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.errors import Conflict
from governance.models import Channel
from governance.services import channel_update
from workflows import services
from workflows.models import ApprovalProcess
from tests import starts
from tests.services.conftest import plan_for

APPROVERS = ["zz_supervisor", "zz_leader", "prov_marketing"]


def exit_(svc, node_code, reason="contract_end", username="zz_manager"):
    return starts.exit_start(user=svc.user(username), channel_id=svc.channel(node_code).pk, reason=reason,
                               comment="退出说明")


@pytest.mark.parametrize("reason", ["", "bankrupt", None, "CONTRACT_END"])
def test_reason_must_be_one_of_the_codes(svc, reason):
    with pytest.raises(ValidationError) as exc:
        exit_(svc, "ZZ-JS-0002", reason)
    assert "合同到期" in exc.value.message_dict["reason"][0]
    assert svc.channel("ZZ-JS-0002").status == Channel.Status.ACTIVE
    assert not ApprovalProcess.objects.exists()


def test_checklist_items_by_channel_kind(svc):
    def items(node_code):
        channel = svc.channel(node_code)
        return [(s["item"], s["post"]) for s in plan_for("exit", channel) if s["step"] == "check"]

    assert items("ZZ-JS-0002") == [("commission_settled", "city_support"), ("deposit_refunded", "province_finance"),
                                   ("terminals_returned", "channel_manager"), ("boss_code_closed", "city_support")]
    assert items("ZZ-JS-0001") == [("terminals_returned", "channel_manager"), ("boss_code_closed", "city_support")]
    Channel.objects.filter(node_code="ZZ-JS-0001").update(boss_code=None)
    assert items("ZZ-JS-0001") == [("terminals_returned", "channel_manager")]


def test_social_channel_exit_end_to_end(svc):
    process = exit_(svc, "ZZ-JS-0002", "violation")
    assert process.payload["reason"] == "violation"
    assert svc.channel("ZZ-JS-0002").status == Channel.Status.EXITING
    with pytest.raises(ValidationError):
        channel_update(channel=svc.channel("ZZ-JS-0002"), user=svc.user("zz_manager"), data={"staff_count": 1})

    process = svc.approve_all(process, APPROVERS)
    assert process.state == ApprovalProcess.State.CLOSING
    checklist = [("zz_support", "commission_settled"), ("prov_finance", "deposit_refunded"),
                 ("zz_manager", "terminals_returned"), ("zz_support", "boss_code_closed")]
    for username, item in checklist:
        assert svc.channel("ZZ-JS-0002").status == Channel.Status.EXITING
        assert process.current_step["item"] == item
        for other in {"zz_support", "prov_finance", "zz_manager", "zz_supervisor", "zz_leader"} - {username}:
            assert svc.task(other, process) is None, (other, item)
        task = svc.task(username, process)
        assert services.task_actions(task, process) == ["approve"]
        process = svc.act(username, process)

    assert process.state == ApprovalProcess.State.COMPLETED
    channel = svc.channel("ZZ-JS-0002")
    assert channel.status == Channel.Status.CLOSED
    checks = list(process.events.filter(action="check").values_list("actor__username", "step"))
    assert checks == [("zz_support", "酬金已结清"), ("prov_finance", "保证金已退还"),
                      ("zz_manager", "终端及库存已回收"), ("zz_support", "BOSS编码已关闭")]
    assert svc.actions(process)[-1] == (None, "close")
    statuses = list(channel.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[0] == "active" and statuses[-1] == "closed" and "exiting" in statuses


def test_closed_channel_is_frozen_but_kept(svc):
    process = exit_(svc, "ZZ-JS-0001")
    process = svc.approve_all(process, APPROVERS + ["zz_manager", "zz_support"])
    assert process.state == ApprovalProcess.State.COMPLETED
    channel = svc.channel("ZZ-JS-0001")
    assert channel.status == Channel.Status.CLOSED
    with pytest.raises(ValidationError) as exc:
        channel_update(channel=channel, user=svc.user("zz_manager"), data={"opening_hours": "x"})
    assert "已关闭" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        exit_(svc, "ZZ-JS-0001")
    with pytest.raises(ValidationError):
        starts.change_start(user=svc.user("zz_manager"), channel_id=channel.pk, changes={"name": "x"},
                              effective_date=timezone.localdate())
    assert channel.history.count() >= 3


def test_rejected_exit_returns_the_channel_to_active(svc):
    process = exit_(svc, "ZZ-JS-0002", "poor_performance")
    process = svc.act("zz_supervisor", process)
    process = svc.act("zz_leader", process, "reject", comment="再观察一季度")
    assert process.state == ApprovalProcess.State.REJECTED
    assert svc.channel("ZZ-JS-0002").status == Channel.Status.ACTIVE


def test_returned_exit_keeps_the_channel_exiting_until_withdrawn(svc):
    process = exit_(svc, "ZZ-JS-0002")
    process = svc.act("zz_supervisor", process, "return", comment="补充结算单")
    assert process.state == ApprovalProcess.State.RETURNED
    assert svc.channel("ZZ-JS-0002").status == Channel.Status.EXITING
    services.process_withdraw(process=process, user=svc.user("zz_manager"))
    assert svc.channel("ZZ-JS-0002").status == Channel.Status.ACTIVE


def test_suspended_channel_may_exit(svc):
    Channel.objects.filter(node_code="ZZ-JS-0001").update(status=Channel.Status.SUSPENDED)
    process = exit_(svc, "ZZ-JS-0001")
    assert svc.channel("ZZ-JS-0001").status == Channel.Status.EXITING
    assert process.state == ApprovalProcess.State.IN_REVIEW


def test_exit_while_another_process_is_open_is_a_conflict(svc):
    starts.change_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0001").pk,
                          changes={"name": "新名"}, effective_date=timezone.localdate())
    with pytest.raises(Conflict):
        exit_(svc, "ZZ-JS-0001")
    assert svc.channel("ZZ-JS-0001").status == Channel.Status.ACTIVE
