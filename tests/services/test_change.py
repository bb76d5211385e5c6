"""Core-info change through the services: validation, the plan, the effective-date timer, transfer."""
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.errors import Conflict, NotAllowed
from governance.models import Channel
from governance.selectors import scoped
from workflows import services
from workflows.models import ApprovalProcess
from workflows.selectors import processes_for_user
from workflows.tasks import fire_due_timers
from tests import starts

APPROVERS = ["zz_supervisor", "zz_leader", "prov_marketing"]


def today():
    return timezone.localdate()


def change(svc, node_code, changes, effective_date=None, username="zz_manager"):
    return starts.change_start(user=svc.user(username), channel_id=svc.channel(node_code).pk, changes=changes,
                                 effective_date=effective_date or today())


def posts_of(process):
    return [s["post"] for s in process.plan]


@pytest.mark.parametrize("changes, finance", [
    ({"bank_account": "6217000011112222333"}, True),
    ({"bank_name": "中国农业银行"}, True),
    ({"operator_company": "新经营公司"}, True),
    ({"credit_code": "91410100317000222T"}, True),
    ({"name": "新名字"}, False),
    ({"address": "新地址"}, False),
    ({"star_level": 5}, False),
    ({"business_scope": "仅终端销售"}, False),
    ({"deposit": "1.00"}, True),  # a deposit change goes past province finance
    ({"contract_number": "HT-NEW-1"}, False),
    ({"contract_end": "2029-12-31"}, False),
])
def test_finance_step_only_for_money_fields(svc, changes, finance):
    process = change(svc, "ZZ-JS-0002", changes)
    expected = ["channel_supervisor", "branch_leader", "province_marketing"]
    assert posts_of(process) == expected + (["province_finance"] if finance else [])


def test_diff_records_old_and_new(svc):
    channel = svc.channel("ZZ-JS-0002")
    process = change(svc, "ZZ-JS-0002", {"bank_account": "6217000011112222333", "star_level": "4"})
    assert process.payload["changes"] == {
        "bank_account": {"old": channel.bank_account, "new": "6217000011112222333"},
        "star_level": {"old": "3", "new": "4"},
    }
    rows = {r["field"]: r for r in process.payload["rows"]}
    assert set(rows) == {"name", "channel_type", "operator_company", "credit_code", "bank_name", "bank_account",
                         "org_unit", "address", "business_scope", "star_level",
                         "deposit", "contract_number", "contract_start", "contract_end"}
    assert [f for f, r in rows.items() if r["changed"]] == ["bank_account", "star_level"]
    assert rows["org_unit"]["old"] == rows["org_unit"]["new"] == "金水区"


def test_unchanged_values_are_dropped_from_the_diff(svc):
    process = change(svc, "ZZ-JS-0001", {"name": "新名", "address": svc.channel("ZZ-JS-0001").address})
    assert list(process.payload["changes"]) == ["name"]


def test_bank_change_reaches_finance_only_after_marketing_and_applies_today(svc):
    process = change(svc, "ZZ-JS-0002", {"bank_account": "6217000011112222333"})
    for username in APPROVERS:
        assert svc.task("prov_finance", process) is None
        process = svc.act(username, process)
    assert process.current_post.code == "province_finance" and process.current_unit.code == "HA"
    assert svc.channel("ZZ-JS-0002").bank_account == "6222020200112233445"
    process = svc.act("prov_finance", process)
    assert process.state == ApprovalProcess.State.COMPLETED
    channel = svc.channel("ZZ-JS-0002")
    assert channel.bank_account == "6217000011112222333"
    record = channel.history.order_by("-history_date", "-history_id").first()
    assert process.number in record.history_change_reason
    assert record.history_user.username == "prov_finance"
    assert record.bank_account == "6217000011112222333"
    assert svc.actions(process)[-1] == (None, "apply")


def test_future_change_is_scheduled_and_applied_by_the_timer(svc):
    effective = today() + timedelta(days=30)
    process = change(svc, "ZZ-JS-0001", {"name": "定时改名厅", "star_level": 5}, effective)
    process = svc.approve_all(process, APPROVERS)
    assert process.state == ApprovalProcess.State.SCHEDULED
    assert process.is_open
    timer = Task.objects.get(process=process, flow_task_type="TIMER")
    assert timer.status == STATUS.SCHEDULED
    assert timezone.localtime(timer.scheduled) == timezone.make_aware(datetime.combine(effective, time.min))
    assert svc.channel("ZZ-JS-0001").name == "金水路自营厅"

    # before the date: the sweep leaves it alone
    assert fire_due_timers() == 0
    with time_machine.travel(timezone.make_aware(datetime.combine(effective - timedelta(days=1), time(23, 59)))):
        assert fire_due_timers() == 0
    channel = svc.channel("ZZ-JS-0001")
    assert (channel.name, channel.star_level) == ("金水路自营厅", 3)
    assert ApprovalProcess.objects.get(pk=process.pk).state == ApprovalProcess.State.SCHEDULED

    with time_machine.travel(timezone.make_aware(datetime.combine(effective, time(0, 1)))):
        assert fire_due_timers() == 1
        channel = svc.channel("ZZ-JS-0001")
        applied_at = timezone.localdate()
    assert (channel.name, channel.star_level) == ("定时改名厅", 5)
    assert applied_at == effective
    process.refresh_from_db()
    assert process.state == ApprovalProcess.State.COMPLETED
    assert Task.objects.get(pk=timer.pk).status == STATUS.DONE
    apply = process.events.get(action="apply")
    assert f"{effective:%Y-%m-%d}" in apply.comment
    # the change is recorded under the last approver, as the system
    record = channel.history.order_by("-history_date", "-history_id").first()
    assert (record.history_user, record.acting_post) == (None, "系统")  # applied by the timer, not a person


def test_scheduled_change_can_be_superseded_only_after_it_applies(svc):
    effective = today() + timedelta(days=3)
    process = svc.approve_all(change(svc, "ZZ-JS-0001", {"name": "三天后"}, effective), APPROVERS)
    with pytest.raises(Conflict):
        change(svc, "ZZ-JS-0001", {"address": "别处"})
    with pytest.raises(Conflict):
        starts.exit_start(user=svc.user("zz_manager"), channel_id=process.subject_id, reason="relocation")
    with time_machine.travel(timezone.make_aware(datetime.combine(effective, time(8)))):
        fire_due_timers()
    assert change(svc, "ZZ-JS-0001", {"address": "别处"}).state == ApprovalProcess.State.IN_REVIEW


@pytest.mark.parametrize("effective", [date(2020, 1, 1), None])
def test_change_dated_today_or_earlier_applies_at_the_last_approval(svc, effective):
    process = change(svc, "ZZ-JS-0001", {"address": "金水路88号"}, effective)
    process = svc.approve_all(process, APPROVERS[:2])
    assert svc.channel("ZZ-JS-0001").address != "金水路88号"
    process = svc.act("prov_marketing", process)
    assert process.state == ApprovalProcess.State.COMPLETED
    assert svc.channel("ZZ-JS-0001").address == "金水路88号"
    assert not Task.objects.filter(process=process, flow_task_type="TIMER").exists()


def test_transfer_plan_and_result(svc):
    ly_ll = svc.unit("LY-LL")
    process = change(svc, "ZZ-JS-0001", {"org_unit": ly_ll.pk})
    assert process.receiving_unit == ly_ll
    assert [(s["post"], s["label"]) for s in process.plan] == [
        ("channel_supervisor", ""), ("branch_leader", ""), ("branch_leader", "接收单位会签"),
        ("province_marketing", "")]
    assert processes_for_user(user=svc.user("ly_support")).filter(pk=process.pk).exists()

    process = svc.approve_all(process, ["zz_supervisor", "zz_leader"])
    assert (process.current_post.code, process.current_unit.code) == ("branch_leader", "LY")
    assert svc.task("zz_leader", process) is None
    process = svc.approve_all(process, ["ly_leader", "prov_marketing"])
    assert process.state == ApprovalProcess.State.COMPLETED
    channel = svc.channel("ZZ-JS-0001")
    assert channel.org_unit == ly_ll
    assert not scoped(Channel.objects.all(), svc.user("zz_manager")).filter(pk=channel.pk).exists()
    assert scoped(Channel.objects.all(), svc.user("ly_manager")).filter(pk=channel.pk).exists()
    # the requesting side keeps the request; the receiving side saw it only while it was open
    assert processes_for_user(user=svc.user("zz_manager")).filter(pk=process.pk).exists()
    assert not processes_for_user(user=svc.user("ly_manager")).filter(pk=process.pk).exists()


def test_transfer_within_one_leaders_area_does_not_ask_the_same_leader_twice(svc):
    process = change(svc, "ZZ-JS-0001", {"org_unit": "ZZ-ZY"})
    assert posts_of(process) == ["channel_supervisor", "branch_leader", "province_marketing"]
    process = svc.approve_all(process, APPROVERS)
    assert process.state == ApprovalProcess.State.COMPLETED
    assert svc.channel("ZZ-JS-0001").org_unit.code == "ZZ-ZY"


def test_transfer_to_a_county_with_its_own_leader_asks_that_leader(svc):
    svc.hold("zy_leader", "branch_leader", "ZZ-ZY")
    process = change(svc, "ZZ-JS-0001", {"org_unit": "ZZ-ZY"})
    assert process.plan[2]["label"] == "接收单位会签"
    process = svc.approve_all(process, ["zz_supervisor", "zz_leader"])
    assert (process.current_post.code, process.current_unit.code) == ("branch_leader", "ZZ-ZY")
    assert svc.task("zy_leader", process) is not None


@pytest.mark.parametrize("changes, field", [
    ({"opening_hours": "x"}, "changes"),
    ({}, "changes"),
    ("name", "changes"),
    ({"name": "金水路自营厅"}, "changes"),
    ({"credit_code": "91410100MA44C1234X"}, "credit_code"),
    ({"star_level": 0}, "star_level"),
    ({"org_unit": "NOPE"}, "org_unit"),
    ({"org_unit": "HA"}, "changes"),
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
])
def test_invalid_changes(svc, changes, field):
    with pytest.raises(ValidationError) as exc:
        change(svc, "ZZ-JS-0001", changes)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert not ApprovalProcess.objects.exists()


def test_own_channel_cannot_become_social_without_its_money_fields(svc):
    with pytest.raises(ValidationError) as exc:
        change(svc, "ZZ-JS-0001", {"channel_type": "agent_point"})
    assert set(exc.value.message_dict) == {"operator_company", "credit_code", "bank_name", "bank_account"}
    assert not ApprovalProcess.objects.exists()
    # together with them it is a valid change, and a finance one
    process = change(svc, "ZZ-JS-0001", {
        "channel_type": "agent_point", "operator_company": "金水商贸", "credit_code": "91410100317000222T",
        "bank_name": "中国银行", "bank_account": "6013000000000000001"})
    assert posts_of(process)[-1] == "province_finance"


def test_change_needs_an_active_channel_an_effective_date_and_a_requester(svc):
    draft = svc.channel("ZZ-ZY-0002")
    with pytest.raises(ValidationError):
        starts.change_start(user=svc.user("zz_manager"), channel_id=draft.pk, changes={"name": "x"},
                              effective_date=today())
    with pytest.raises(ValidationError):
        starts.change_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0001").pk,
                              changes={"name": "x"}, effective_date=None)
    with pytest.raises(NotAllowed):
        change(svc, "ZZ-JS-0001", {"name": "x"}, username="zz_support")
    assert not ApprovalProcess.objects.exists()


def test_one_open_change_per_channel(svc):
    first = change(svc, "ZZ-JS-0001", {"name": "一"})
    with pytest.raises(Conflict) as exc:
        change(svc, "ZZ-JS-0001", {"name": "二"})
    assert first.number in str(exc.value)
    # another channel is independent
    assert change(svc, "ZZ-JS-0002", {"name": "二"}).pk != first.pk
