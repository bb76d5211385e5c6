"""批量办理 (each task checked and recorded on its own) and notifications (in-app, e-mail, each person's choice)."""
from django.core import mail
from django.utils import timezone

from governance.models import Notification, NotificationPreference
from tests import starts
from workflows.models import ApprovalProcess


def test_a_bulk_call_mixing_good_and_bad_tasks_reports_each(drive, svc):
    first, second = drive.submit_new()["id"], drive.submit_new()["id"]
    change = starts.change_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0001").pk,
                                 changes={"name": "批量测试厅"}, effective_date=timezone.localdate())
    ly = drive.start("onboarding", "ly_manager", channel=svc.channel("LY-LL-0003").pk)["id"]
    done = drive.task("zz_supervisor", second)["id"]
    drive.act_on("zz_supervisor", done)
    ids = [drive.task("zz_supervisor", first)["id"], done, drive.task("zz_supervisor", change.pk)["id"],
           drive.task("ly_supervisor", ly)["id"], 999999]
    response = drive("zz_supervisor").post("/api/v1/tasks/bulk/", {"action": "approve", "tasks": ids,
                                                                  "comment": "批量同意"}, format="json")
    assert response.status_code == 200
    assert [(r["id"], r["status"]) for r in response.json()] == [
        (ids[0], "ok"), (done, "conflict"), (ids[2], "invalid"), (ids[3], "not_found"), (999999, "not_found")]
    assert ApprovalProcess.objects.get(pk=first).current_post.code == "branch_leader"
    assert ApprovalProcess.objects.get(pk=change.pk).step_index == 0
    bad = drive("zz_supervisor").post("/api/v1/tasks/bulk/", {"action": "reject", "tasks": ids}, format="json")
    assert bad.status_code == 400


def test_bulk_return_needs_a_reason_per_task(drive):
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)["id"]
    result = drive("zz_supervisor").post("/api/v1/tasks/bulk/", {"action": "return", "tasks": [task]},
                                         format="json").json()
    assert result[0]["status"] == "invalid" and "退回" in result[0]["detail"]


def test_events_notify_the_people_concerned(drive):
    pid = drive.submit_new()["id"]
    assert Notification.objects.filter(recipient__username="zz_supervisor", event="task.new").count() == 1
    drive.act("zz_supervisor", pid, "return", comment="补充照片")
    told = Notification.objects.get(recipient__username="zz_manager", event="process.returned")
    assert "补充照片" in told.body and told.link == f"/processes/{pid}/"
    listed = drive("zz_manager").get("/api/v1/notifications/").json()
    assert listed["unread"] == 1
    drive("zz_manager").post(f"/api/v1/notifications/{told.pk}/read/")
    assert drive("zz_manager").get("/api/v1/notifications/").json()["unread"] == 0
    drive.act("zz_manager", pid)
    drive.act("zz_supervisor", pid, "reject", comment="重复网点")
    assert Notification.objects.filter(recipient__username="zz_manager", event="process.rejected").exists()


def test_each_person_chooses_what_they_receive(drive, svc, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    supervisor = svc.user("zz_supervisor")
    supervisor.email = "zz_supervisor@example.com"
    supervisor.save()
    NotificationPreference.objects.create(user=supervisor, event="task.new", in_app=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        drive.submit_new()
    assert not Notification.objects.filter(recipient=supervisor, event="task.new").exists()
    assert [m.to for m in mail.outbox] == [["zz_supervisor@example.com"]]
    assert "待办" in mail.outbox[0].subject


def test_the_unread_count_is_on_every_page(drive, client):
    from tests.conftest import login

    drive.submit_new()
    page = login(client, "zz_supervisor").get("/channels/").content.decode()
    assert 'class="count">1<' in page
    settings_page = client.get("/notifications/settings/")
    assert settings_page.status_code == 200 and "新的待办" in settings_page.content.decode()
