"""Exit through the API: reason enum, status while in flight, the close-out checklist, rejection."""
import pytest

from governance.models import Channel
from workflows.models import ApprovalProcess
from tests.api.conftest import error_messages, is_chinese
from tests.conftest import processes_of

APPROVERS = ["zz_supervisor", "zz_leader", "prov_marketing"]
CHECKLIST = [  # (who, title) for a social channel with a BOSS code
    ("zz_support", "酬金已结清"),
    ("prov_finance", "保证金已退还"),
    ("zz_manager", "终端及库存已回收"),
    ("zz_support", "BOSS编码已关闭"),
]


def store():
    return Channel.objects.get(node_code="ZZ-JS-0002")  # social, with deposit and BOSS code


def hall():
    return Channel.objects.get(node_code="ZZ-JS-0001")  # own hall


@pytest.mark.parametrize("reason", ["", "bankrupt", None, 3])
def test_exit_reason_is_validated(drive, reason):
    channel = store()
    response = drive("zz_manager").post("/api/v1/processes/exit/", {"channel": channel.pk, "reason": reason},
                                        format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "reason")[0])
    channel.refresh_from_db()
    assert channel.status == Channel.Status.ACTIVE
    assert not processes_of(channel).exists()


def test_exit_social_channel_runs_the_whole_checklist(drive):
    channel = store()
    started = drive.start("exit", channel=channel.pk, reason="contract_end", comment="合同到期不再续签")
    pid = started["id"]
    assert started["exit_reason"] == "contract_end"
    assert started["number"].startswith("TC")
    assert [s["title"] for s in started["steps"][3:]] == [title for _, title in CHECKLIST]
    channel.refresh_from_db()
    assert channel.status == Channel.Status.EXITING

    # while in flight the channel is locked for edits
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "x"}, format="json")
    assert response.status_code == 400

    for username in APPROVERS:
        drive.act(username, pid)
    assert drive.process(pid)["status"] == "closing"

    for i, (username, title) in enumerate(CHECKLIST):
        assert Channel.objects.get(pk=channel.pk).status == Channel.Status.EXITING
        # the item belongs to its post only
        others = {"zz_support", "prov_finance", "zz_manager", "zz_supervisor"} - {username}
        assert all(drive.task(other, pid) is None for other in others), title
        task = drive.task(username, pid)
        assert task["name"] == title
        assert task["actions"] == ["approve"]
        detail = drive.act(username, pid)
        assert detail["status"] == ("completed" if i == len(CHECKLIST) - 1 else "closing")

    channel.refresh_from_db()
    assert channel.status == Channel.Status.CLOSED
    history = drive.process(pid)["history"]
    checks = [(h["actor"], h["post"], h["action"], h["comment"]) for h in history if h["action"] == "check"]
    assert checks == [
        ("zz_support", "分公司业务支援中心", "check", "已确认:酬金已结清"),
        ("prov_finance", "省财务部", "check", "已确认:保证金已退还"),
        ("zz_manager", "渠道经理", "check", "已确认:终端及库存已回收"),
        ("zz_support", "分公司业务支援中心", "check", "已确认:BOSS编码已关闭"),
    ]
    assert history[-1]["action"] == "close"

    # closed: no more edits, no more processes, but still readable with its full history
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "x"}, format="json")
    assert response.status_code == 400
    assert is_chinese(response.json()["detail"])
    drive.start("change", channel=channel.pk, changes={"name": "复活"}, effective_date="2026-01-01", expect=400)
    detail = drive.channel(channel.pk)
    assert detail["status"] == "closed"
    reasons = [h["reason"] for h in detail["history"]]
    assert reasons[0] == "演示数据"
    assert any("发起退出" in r for r in reasons)
    assert any("退出办结" in r for r in reasons)
    assert drive.channel(channel.pk, "auditor")["status"] == "closed"
    assert drive.process(pid, "auditor")["status"] == "completed"


def test_own_channel_has_no_commission_or_deposit_items(drive):
    """Own channels earn no commission and pay no deposit: only terminals and BOSS code remain."""
    channel = hall()
    pid = drive.start("exit", channel=channel.pk, reason="relocation")["id"]
    for username in APPROVERS:
        drive.act(username, pid)
    for username, title in CHECKLIST[2:]:
        assert drive.task("prov_finance", pid) is None
        assert drive.task(username, pid)["name"] == title
        drive.act(username, pid)
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.CLOSED


def test_rejected_exit_puts_channel_back_to_active(drive):
    channel = store()
    pid = drive.start("exit", channel=channel.pk, reason="poor_performance")["id"]
    drive.act("zz_supervisor", pid)
    drive.act("zz_leader", pid, "reject", expect=400)
    detail = drive.act("zz_leader", pid, "reject", comment="业绩已有改善,暂不退出")
    assert detail["status"] == "rejected"
    channel.refresh_from_db()
    assert channel.status == Channel.Status.ACTIVE
    # active again: directly editable and may exit later
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"staff_count": 3}, format="json")
    assert response.status_code == 200
    drive.start("exit", channel=channel.pk, reason="violation")


def test_withdrawn_exit_puts_channel_back_to_active(drive):
    channel = hall()
    pid = drive.start("exit", channel=channel.pk, reason="operator_request")["id"]
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json")
    assert response.status_code == 200
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.ACTIVE


def test_checklist_items_cannot_be_rejected(drive):
    channel = hall()
    pid = drive.start("exit", channel=channel.pk, reason="relocation")["id"]
    for username in APPROVERS:
        drive.act(username, pid)
    drive.act("zz_manager", pid, "reject", expect=400, comment="不")
    assert drive.process(pid)["status"] == "closing"


def test_exit_of_draft_is_refused(drive):
    draft = Channel.objects.get(node_code="ZZ-ZY-0002")
    response = drive("zz_manager").post("/api/v1/processes/exit/", {"channel": draft.pk, "reason": "relocation"},
                                        format="json")
    assert response.status_code == 400
    assert Channel.objects.get(pk=draft.pk).status == Channel.Status.DRAFT
    assert not ApprovalProcess.objects.exists()
