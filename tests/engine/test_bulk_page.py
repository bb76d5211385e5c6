"""批量办理 from the 待办 page: tick tasks, one opinion, one result per task; failures listed, not hidden."""
from django.test import Client

from tests.conftest import login
from workflows.models import ApprovalProcess


def _page(username) -> Client:
    client = Client()
    login(client, username)
    return client


def test_the_inbox_offers_a_checkbox_per_task_and_the_bulk_form(drive):
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)["id"]
    html = _page("zz_supervisor").get("/").content.decode()
    assert f'name="tasks" value="{task}" form="bulk-form"' in html and 'id="bulk-form"' in html


def test_a_bulk_approval_from_the_page_reports_each_task(drive):
    first, second = drive.submit_new()["id"], drive.submit_new()["id"]
    ly = drive.start("onboarding", "ly_manager", channel=drive.create_channel("ly_manager", "LY-LL")["id"])["id"]
    ids = [drive.task("zz_supervisor", first)["id"], drive.task("zz_supervisor", second)["id"],
           drive.task("ly_supervisor", ly)["id"]]
    response = _page("zz_supervisor").post("/tasks/bulk/", {"action": "approve", "tasks": ids, "comment": "批量同意"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "成功 2 个" in html and "未办理 1 个" in html and "不存在或不属于您" in html
    assert {ApprovalProcess.objects.get(pk=p).current_post.code for p in (first, second)} == {"branch_leader"}
    assert ApprovalProcess.objects.get(pk=ly).current_post.code == "channel_supervisor"


def test_a_bulk_return_without_a_reason_returns_nothing(drive):
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)["id"]
    html = _page("zz_supervisor").post("/tasks/bulk/", {"action": "return", "tasks": [task]}).content.decode()
    assert "未办理 1 个" in html and "退回" in html
    assert ApprovalProcess.objects.get(pk=pid).state == "in_review"


def test_bad_bulk_input_is_a_chinese_message_and_changes_nothing(drive):
    pid = drive.submit_new()["id"]
    client = _page("zz_supervisor")
    for body in ({"action": "approve"}, {"action": "reject", "tasks": [1]}, {"action": "approve", "tasks": ["x"]},
                 {"action": "approve", "tasks": list(range(1, 102))}):
        response = client.post("/tasks/bulk/", body, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert any(m in text for m in ("请先勾选", "只支持同意或退回", "最多批量办理", "待办编号无效")), body
    assert ApprovalProcess.objects.get(pk=pid).current_post.code == "channel_supervisor"
