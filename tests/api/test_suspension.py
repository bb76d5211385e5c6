"""暂停/恢复营业 through the API: suspend an active channel, resume a suspended one, BOSS reads the status."""
import pytest

from governance.models import Channel
from tests.api.conftest import error_messages, is_chinese
from reports.documents import approval_form_html
from tests.conftest import processes_of
from workflows.models import ApprovalProcess

APPROVERS = ["zz_supervisor", "zz_leader"]


def hall():
    return Channel.objects.get(node_code="ZZ-JS-0001")


def _suspend(drive, channel, action="suspend", reason="门店装修,暂停营业一个月"):
    return drive.start("suspension", channel=channel.pk, action=action, reason=reason)


def test_suspend_then_resume_an_active_channel(drive):
    channel = hall()
    started = _suspend(drive, channel)
    assert started["kind"] == "suspension" and started["number"].startswith("ZT")
    assert [s["title"] for s in started["steps"]] == ["渠道主管审批", "分管领导审批"]
    assert drive.channel(channel.pk)["boss_operable"] is True  # nothing changes before the approvals
    drive.act("zz_supervisor", started["id"], comment="同意")
    assert drive.channel(channel.pk)["status"] == "active"
    drive.act("zz_leader", started["id"], comment="同意")
    detail = drive.process(started["id"])
    assert detail["status"] == "completed" and detail["action"] == "suspend"
    assert detail["reason"] == "门店装修,暂停营业一个月"
    seen = drive.channel(channel.pk, username="zz_support")  # as BOSS reads it
    assert (seen["status"], seen["status_display"], seen["boss_operable"]) == ("suspended", "暂停", False)
    assert "暂停营业" in seen["history"][-1]["reason"] and seen["history"][-1]["user"] == "zz_leader"

    resumed = _suspend(drive, channel, action="resume", reason="装修完成")
    drive.act("zz_supervisor", resumed["id"])
    drive.act("zz_leader", resumed["id"])
    seen = drive.channel(channel.pk)
    assert (seen["status"], seen["boss_operable"]) == ("active", True)
    assert [p.state for p in processes_of(channel).filter(kind="suspension")] == ["completed", "completed"]


@pytest.mark.parametrize("action,status", [("suspend", "suspended"), ("suspend", "draft"), ("resume", "active"),
                                           ("suspend", "closed")])
def test_only_an_active_channel_is_suspended_and_only_a_suspended_one_resumed(drive, action, status):
    channel = hall()
    Channel.objects.filter(pk=channel.pk).update(status=status)
    response = drive("zz_manager").post("/api/v1/processes/suspension/",
                                        {"channel": channel.pk, "action": action, "reason": "测试"}, format="json")
    assert response.status_code == 400, response.json()
    assert is_chinese(error_messages(response, "channel")[0])
    assert not processes_of(channel).exists()
    assert Channel.objects.get(pk=channel.pk).status == status


@pytest.mark.parametrize("body,field", [
    ({"action": "stop", "reason": "x"}, "action"), ({"reason": "x"}, "action"),
    ({"action": "suspend"}, "reason"), ({"action": "suspend", "reason": " "}, "reason"),
])
def test_bad_requests_are_refused_in_chinese(drive, body, field):
    channel = hall()
    response = drive("zz_manager").post("/api/v1/processes/suspension/", {"channel": channel.pk, **body},
                                        format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, field)[0])
    assert not processes_of(channel).exists()


def test_rejection_leaves_the_channel_active(drive):
    channel = hall()
    started = _suspend(drive, channel)
    drive.act("zz_supervisor", started["id"], "reject", comment="不同意暂停")
    assert drive.process(started["id"])["status"] == "rejected"
    assert Channel.objects.get(pk=channel.pk).status == "active"


@pytest.mark.parametrize("username,expect", [("ly_manager", 404), ("zz_supervisor", 403), ("auditor", 403)])
def test_who_may_file_it(drive, username, expect):
    channel = hall()
    response = drive(username).post("/api/v1/processes/suspension/",
                                    {"channel": channel.pk, "action": "suspend", "reason": "测试"}, format="json")
    assert response.status_code == expect, response.json()
    assert not processes_of(channel).exists()


def test_the_approval_form_holds_the_request(drive):
    started = _suspend(drive, hall())
    response = drive("zz_manager").get(f"/api/v1/processes/{started['id']}/document/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    html = approval_form_html(ApprovalProcess.objects.get(pk=started["id"]))
    for words in ("暂停/恢复营业审批单", "暂停营业", "门店装修,暂停营业一个月", "暂停后BOSS不可办理该渠道业务"):
        assert words in html, words
