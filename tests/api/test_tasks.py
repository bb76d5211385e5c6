"""The inbox (/api/v1/tasks/) and acting on tasks: claimable queues, claiming, pagination."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.models import Task

from governance.models import OrgUnit, Post, PostAssignment
from workflows.models import ProcessEvent


def second_supervisor():
    user = get_user_model().objects.create_user("zz_supervisor2", password="demo-pass-2026", first_name="郑州主管二")
    PostAssignment.objects.create(user=user, post=Post.objects.get(code="channel_supervisor"),
                                  org_unit=OrgUnit.objects.get(code="ZZ"))
    return user


def test_inbox_rows(drive):
    started = drive.submit_new()
    inbox = drive("zz_supervisor").get("/api/v1/tasks/").json()
    assert inbox["count"] == 1 and inbox["next"] is None
    row = inbox["results"][0]
    assert row["process"] == started["id"]
    assert row["number"] == started["number"]
    assert row["name"] == "渠道主管审批"
    assert row["actions"] == ["approve", "reject", "return"]
    assert row["claimed"] is False
    assert row["subject"] == {"id": started["subject"]["id"], "name": started["subject"]["name"]}
    assert started["channel_name"] == started["subject"]["name"]
    # the requester has nothing to do, the next reviewers neither (yet)
    for username in ["zz_manager", "zz_leader", "prov_marketing", "zz_support"]:
        assert drive(username).get("/api/v1/tasks/").json()["count"] == 0


def test_inbox_is_paginated_newest_first(drive):
    ids = [drive.submit_new()["id"] for _ in range(3)]
    page = drive("zz_supervisor").get("/api/v1/tasks/", {"page_size": 2}).json()
    assert page["count"] == 3
    assert [t["process"] for t in page["results"]] == [ids[2], ids[1]]
    assert page["next"]
    rest = drive("zz_supervisor").get(page["next"]).json()
    assert [t["process"] for t in rest["results"]] == [ids[0]]
    assert rest["next"] is None


def test_queue_is_shared_by_holders_of_the_post_and_acting_claims(drive):
    second_supervisor()
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)
    assert drive.task("zz_supervisor2", pid)["id"] == task["id"]

    drive.act_on("zz_supervisor2", task["id"], comment="二号主管同意")
    assert Task.objects.get(pk=task["id"]).owner.username == "zz_supervisor2"
    event = [h for h in drive.process(pid)["history"] if h["action"] == "approve"]
    assert [(e["actor"], e["post"]) for e in event] == [("zz_supervisor2", "渠道主管")]
    # the colleague's copy is gone and acting on it is a conflict
    assert drive.task("zz_supervisor", pid) is None
    drive.act_on("zz_supervisor", task["id"], expect=409)


def test_claim_hides_task_from_colleagues(drive):
    second_supervisor()
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)
    response = drive("zz_supervisor").post(f"/api/v1/tasks/{task['id']}/claim/")
    assert response.status_code == 200, response.json()
    assert response.json()["claimed"] is True
    assert drive.task("zz_supervisor", pid)["claimed"] is True
    assert drive.task("zz_supervisor2", pid) is None
    drive.act_on("zz_supervisor2", task["id"], expect=409)
    assert drive("zz_supervisor2").post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 409
    assert ProcessEvent.objects.filter(process_id=pid, action="claim").count() == 1
    drive.act_on("zz_supervisor", task["id"])
    assert drive.process(pid)["current_post"] == "分管领导"


def test_assignment_ended_drops_the_queue(drive):
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)
    PostAssignment.objects.filter(user__username="zz_supervisor").update(
        valid_to=timezone.localdate() - timedelta(days=1))
    drive._clients.clear()
    assert drive.inbox("zz_supervisor") == []
    drive.act_on("zz_supervisor", task["id"], expect=404)


def test_auditor_has_empty_inbox_and_cannot_act(drive):
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)
    inbox = drive("auditor").get("/api/v1/tasks/").json()
    assert (inbox["count"], inbox["next"], inbox["results"]) == (0, None, [])
    for action in ["approve", "reject", "return"]:
        response = drive("auditor").post(f"/api/v1/tasks/{task['id']}/{action}/", {"comment": "审计意见"},
                                         format="json")
        assert response.status_code == 404
    assert drive("auditor").post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
    assert drive.process(pid)["history"][-1]["action"] == "submit"
    assert drive.task("zz_supervisor", pid) is not None


def test_non_numeric_and_junk_bodies_never_500(drive):
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)
    client = drive("zz_supervisor")
    assert client.post("/api/v1/tasks/abc/approve/", {}, format="json").status_code == 404
    response = client.post(f"/api/v1/tasks/{task['id']}/approve/", ["not", "an", "object"], format="json")
    assert response.status_code == 400
    response = client.post(f"/api/v1/tasks/{task['id']}/approve/", {"comment": {"nested": 1}}, format="json")
    assert response.status_code == 400
    assert drive.task("zz_supervisor", pid) is not None
