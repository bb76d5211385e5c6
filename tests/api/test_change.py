"""Core-info change through the API: diff, finance step, effective date (timer), transfer between cities."""
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import Channel, OrgUnit
from workflows.models import ApprovalProcess
from workflows.tasks import fire_due_timers
from tests.api.conftest import error_messages, is_chinese
from tests.conftest import processes_of

NEW_ACCOUNT = "6217000011112222333"


def today():
    return timezone.localdate()


def start_change(drive, channel, changes, effective_date=None, username="zz_manager", expect=201):
    return drive.start("change", username, expect=expect, channel=channel.pk, changes=changes,
                       effective_date=str(effective_date or today()))


def approve_all(drive, pid, usernames):
    detail = None
    for username in usernames:
        detail = drive.act(username, pid, comment="同意")
    return detail


def store():
    return Channel.objects.get(node_code="ZZ-JS-0002")  # 花园路指定专营店, social, 报批


def hall():
    return Channel.objects.get(node_code="ZZ-JS-0001")  # 金水路自营厅, own, 报批


def test_bank_account_change_adds_province_finance_after_marketing(drive):
    channel = store()
    old_account = channel.bank_account
    started = start_change(drive, channel, {"bank_account": NEW_ACCOUNT})
    pid = started["id"]
    assert started["kind"] == "change" and started["status"] == "in_review"
    assert [s["post"] for s in started["steps"]] == ["渠道主管", "分管领导", "省市场经营部", "省财务部"]

    for username in ["zz_supervisor", "zz_leader", "prov_marketing"]:
        assert drive.task("prov_finance", pid) is None
        drive.act(username, pid)
    channel.refresh_from_db()
    assert channel.bank_account == old_account  # not before finance has approved
    assert drive.task("prov_finance", pid)["actions"] == ["approve", "reject", "return"]
    detail = drive.act("prov_finance", pid, comment="账户核实无误")
    assert detail["status"] == "completed"

    channel.refresh_from_db()
    assert channel.bank_account == NEW_ACCOUNT
    assert channel.status == Channel.Status.ACTIVE
    history = drive.process(pid)["history"]
    assert [(h["actor"], h["action"]) for h in history] == [
        ("zz_manager", "submit"), ("zz_supervisor", "approve"), ("zz_leader", "approve"),
        ("prov_marketing", "approve"), ("prov_finance", "approve"), (None, "apply")]
    assert history[4]["post"] == "省财务部"
    # the channel's history shows the applied change
    applied = drive.channel(channel.pk)["history"][-1]
    assert started["number"] in applied["reason"]
    assert {"field": "bank_account", "old": old_account, "new": NEW_ACCOUNT} in applied["changes"]


def test_name_only_change_does_not_reach_finance(drive):
    channel = hall()
    pid = start_change(drive, channel, {"name": "金水路旗舰自营厅"})["id"]
    assert [s["post"] for s in drive.process(pid)["steps"]] == ["渠道主管", "分管领导", "省市场经营部"]
    drive.act("zz_supervisor", pid)
    drive.act("zz_leader", pid)
    drive.act("prov_marketing", pid)
    assert drive.task("prov_finance", pid) is None
    assert not Task.objects.filter(process_id=pid, owner_permission="post:province_finance").exists()
    assert drive.process(pid)["status"] == "completed"
    assert Channel.objects.get(pk=channel.pk).name == "金水路旗舰自营厅"


def test_change_diff_in_process_detail(drive):
    channel = store()
    pid = start_change(drive, channel, {"bank_account": NEW_ACCOUNT, "star_level": 4})["id"]
    rows = {r["field"]: r for r in drive.process(pid)["changes"]}
    assert rows["bank_account"] == {"field": "bank_account", "label": "银行账号", "changed": True,
                                    "old": channel.bank_account, "new": NEW_ACCOUNT}
    assert rows["star_level"]["changed"] is True
    assert (rows["star_level"]["old"], rows["star_level"]["new"]) == ("3星", "4星")  # one reading everywhere
    assert rows["name"]["changed"] is False
    assert rows["name"]["old"] == rows["name"]["new"] == channel.name
    assert rows["channel_type"]["old"] == "指定专营店"  # readable, not the code


def test_future_effective_date_waits_for_the_timer(drive):
    channel = hall()
    effective = today() + timedelta(days=10)
    pid = start_change(drive, channel, {"name": "金水路新名厅"}, effective)["id"]
    detail = approve_all(drive, pid, ["zz_supervisor", "zz_leader", "prov_marketing"])

    assert detail["status"] == "scheduled"
    assert detail["effective_date"] == str(effective)
    assert Channel.objects.get(pk=channel.pk).name == "金水路自营厅"
    for username in ["zz_manager", "zz_supervisor", "zz_leader", "prov_marketing"]:
        assert drive.task(username, pid) is None

    # the due moment has not come: the sweep changes nothing
    fire_due_timers()
    assert Channel.objects.get(pk=channel.pk).name == "金水路自营厅"
    assert drive.process(pid)["status"] == "scheduled"
    # a scheduled change still blocks another one
    start_change(drive, channel, {"address": "别处"}, expect=409)

    just_before = timezone.make_aware(datetime.combine(effective, time.min)) - timedelta(minutes=1)
    with time_machine.travel(just_before, tick=False):
        assert fire_due_timers() == 0
    assert Channel.objects.get(pk=channel.pk).name == "金水路自营厅"

    with time_machine.travel(timezone.make_aware(datetime.combine(effective, time(0, 1)))):
        assert fire_due_timers() == 1
    assert Channel.objects.get(pk=channel.pk).name == "金水路新名厅"
    detail = drive.process(pid)
    assert detail["status"] == "completed"
    assert detail["history"][-1]["action"] == "apply"
    assert str(effective) in detail["history"][-1]["comment"]
    assert "金水路新名厅" in [c["new"] for c in drive.channel(channel.pk)["history"][-1]["changes"]]
    # firing again does nothing more
    with time_machine.travel(timezone.make_aware(datetime.combine(effective, time(0, 2)))):
        assert fire_due_timers() == 0


@pytest.mark.parametrize("days", [0, -3])
def test_change_dated_today_or_earlier_applies_at_last_approval(drive, days):
    channel = hall()
    pid = start_change(drive, channel, {"address": "金水路100号"}, today() + timedelta(days=days))["id"]
    drive.act("zz_supervisor", pid)
    drive.act("zz_leader", pid)
    assert Channel.objects.get(pk=channel.pk).address != "金水路100号"
    detail = drive.act("prov_marketing", pid)
    assert detail["status"] == "completed"
    assert Channel.objects.get(pk=channel.pk).address == "金水路100号"
    assert not Task.objects.filter(process_id=pid, status=STATUS.SCHEDULED).exists()


def test_rejected_change_leaves_channel_untouched(drive):
    channel = store()
    old = channel.bank_account
    pid = start_change(drive, channel, {"bank_account": NEW_ACCOUNT})["id"]
    approve_all(drive, pid, ["zz_supervisor", "zz_leader", "prov_marketing"])
    detail = drive.act("prov_finance", pid, "reject", comment="开户证明不全")
    assert detail["status"] == "rejected"
    channel.refresh_from_db()
    assert channel.bank_account == old and channel.status == Channel.Status.ACTIVE
    # closed, so a new change may start
    start_change(drive, channel, {"bank_account": NEW_ACCOUNT})


def test_transfer_to_another_city_needs_both_leaders(drive):
    channel = hall()
    ly_ll = OrgUnit.objects.get(code="LY-LL")
    started = start_change(drive, channel, {"org_unit": ly_ll.pk})
    pid = started["id"]
    assert [s["post"] for s in started["steps"]] == ["渠道主管", "分管领导", "分管领导", "省市场经营部"]
    assert started["steps"][2]["title"] == "接收单位会签"
    rows = {r["field"]: r for r in started["changes"]}
    assert (rows["org_unit"]["old"], rows["org_unit"]["new"]) == ("金水区", "洛龙区")

    # the receiving city sees the request from the start
    assert drive.process(pid, "ly_manager")["id"] == pid
    assert pid in [p["id"] for p in drive("ly_leader").get("/api/v1/processes/").json()["results"]]

    drive.act("zz_supervisor", pid)
    assert drive.task("ly_leader", pid) is None
    drive.act("zz_leader", pid)
    assert drive.task("zz_leader", pid) is None
    assert drive.task("ly_leader", pid) is not None
    assert drive.task("prov_marketing", pid) is None
    detail = drive.act("ly_leader", pid, comment="同意接收")
    assert detail["current_post"] == "省市场经营部"
    detail = drive.act("prov_marketing", pid)
    assert detail["status"] == "completed"

    trail = [(h["actor"], h["org_unit"]) for h in detail["history"] if h["action"] == "approve"]
    assert trail == [("zz_supervisor", "郑州分公司"), ("zz_leader", "郑州分公司"), ("ly_leader", "洛阳分公司"),
                     ("prov_marketing", "河南省公司")]
    channel.refresh_from_db()
    assert channel.org_unit == ly_ll
    drive.channel(channel.pk, "zz_manager", expect=404)
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "x"}, format="json")
    assert response.status_code == 404
    assert drive.channel(channel.pk, "ly_manager")["org_unit"] == ly_ll.pk
    # the Luoyang manager may now edit it directly
    response = drive("ly_manager").patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "07:00-23:00"},
                                         format="json")
    assert response.status_code == 200


def test_transfer_by_unit_code(drive):
    started = start_change(drive, hall(), {"org_unit": "LY-LL"})
    assert started["steps"][2]["title"] == "接收单位会签"


def test_transfer_rejected_by_receiving_leader(drive):
    channel = hall()
    pid = start_change(drive, channel, {"org_unit": OrgUnit.objects.get(code="LY-LL").pk})["id"]
    approve_all(drive, pid, ["zz_supervisor", "zz_leader"])
    detail = drive.act("ly_leader", pid, "reject", comment="不同意接收")
    assert detail["status"] == "rejected"
    assert Channel.objects.get(pk=channel.pk).org_unit.code == "ZZ-JS"


def test_only_one_open_change_per_channel(drive):
    channel = hall()
    first = start_change(drive, channel, {"name": "新名一"})
    response = start_change(drive, channel, {"name": "新名二"}, username="zz_supervisor", expect=409)
    assert first["number"] in response["detail"]
    assert processes_of(channel).count() == 1


@pytest.mark.parametrize("changes, field", [
    ({"opening_hours": "00:00-24:00"}, "changes"),   # not a core field
    ({"no_such_field": 1}, "changes"),
    ({}, "changes"),
    ({"name": "花园路指定专营店"}, "changes"),         # same as now
    ({"credit_code": "91410100MA44C1234X"}, "credit_code"),
    ({"star_level": 9}, "star_level"),
    ({"channel_type": "castle"}, "channel_type"),
    ({"org_unit": 999999}, "org_unit"),
    ({"org_unit": "HA"}, "changes"),                   # a channel cannot belong to the province
    ({"bank_account": ""}, "bank_account"),           # a social channel needs one
    ({"star_level": [1, 2]}, "star_level"),
    ({"name": None}, "name"),
    ({"name": {"x": 1}}, "name"),                      # not a value at all
    ({"address": ["a", "b"]}, "address"),
])
def test_invalid_change_is_400_and_creates_nothing(drive, changes, field):
    channel = store()
    response = drive("zz_manager").post("/api/v1/processes/change/", {
        "channel": channel.pk, "changes": changes, "effective_date": str(today())}, format="json")
    assert response.status_code == 400, response.json()
    messages = error_messages(response, field)
    assert messages and is_chinese(messages[0]), response.json()
    assert not processes_of(channel).exists()


def test_change_needs_effective_date_and_active_channel(drive):
    channel = hall()
    response = drive("zz_manager").post("/api/v1/processes/change/", {
        "channel": channel.pk, "changes": {"name": "x"}}, format="json")
    assert response.status_code == 400
    assert "effective_date" in response.json()["errors"]
    draft = Channel.objects.get(node_code="ZZ-ZY-0002")
    response = drive("zz_manager").post("/api/v1/processes/change/", {
        "channel": draft.pk, "changes": {"name": "x"}, "effective_date": str(today())}, format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "channel")[0])
    assert not ApprovalProcess.objects.exists()


def test_change_of_other_city_channel_is_404(drive):
    channel = Channel.objects.get(node_code="LY-LL-0001")
    response = drive("zz_manager").post("/api/v1/processes/change/", {
        "channel": channel.pk, "changes": {"name": "x"}, "effective_date": str(today())}, format="json")
    assert response.status_code == 404
    assert not ApprovalProcess.objects.exists()
