"""Data scope through the API: outside one's subtree nothing exists (404); auditors read everything."""
from governance.models import Channel
from workflows.models import ApprovalProcess


def zz_process_in_review(drive):
    started = drive.submit_new()
    return started["id"], drive.task("zz_supervisor", started["id"])


def test_luoyang_user_never_sees_zhengzhou_processes_or_tasks(drive):
    pid, task = zz_process_in_review(drive)
    ly_pid = drive.start("onboarding", "ly_manager", channel=Channel.objects.get(node_code="LY-LL-0003").pk)["id"]
    for username in ["ly_manager", "ly_supervisor", "ly_leader", "ly_support"]:
        client = drive(username)
        listed = client.get("/api/v1/processes/").json()
        assert pid not in [p["id"] for p in listed["results"]]
        assert listed["count"] == 1 and listed["results"][0]["id"] == ly_pid
        assert client.get(f"/api/v1/processes/{pid}/").status_code == 404
        assert client.get(f"/api/v1/processes/{pid}/document/").status_code == 404
        assert client.post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json").status_code == 404
        assert task["id"] not in [t["id"] for t in drive.inbox(username)]
        for action in ["approve", "reject", "return"]:
            assert client.post(f"/api/v1/tasks/{task['id']}/{action}/", {"comment": "x"},
                               format="json").status_code == 404
        assert client.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 404
    # the Luoyang supervisor has exactly the Luoyang task
    assert [t["process"] for t in drive.inbox("ly_supervisor")] == [ly_pid]
    assert [h["action"] for h in drive.process(pid)["history"]] == ["submit"]
    # and the reverse holds too
    assert drive("zz_manager").get(f"/api/v1/processes/{ly_pid}/").status_code == 404


def test_luoyang_user_cannot_start_processes_on_zhengzhou_channels(drive):
    hall = Channel.objects.get(node_code="ZZ-JS-0001")
    draft = Channel.objects.get(node_code="ZZ-ZY-0002")
    client = drive("ly_manager")
    assert client.post("/api/v1/processes/onboarding/", {"channel": draft.pk}, format="json").status_code == 404
    assert client.post("/api/v1/processes/exit/", {"channel": hall.pk, "reason": "violation"},
                       format="json").status_code == 404
    assert client.post("/api/v1/processes/change/", {"channel": hall.pk, "changes": {"name": "x"},
                                                     "effective_date": "2026-01-01"}, format="json").status_code == 404
    assert not ApprovalProcess.objects.exists()
    assert Channel.objects.get(pk=hall.pk).status == Channel.Status.ACTIVE


def test_filter_by_foreign_channel_reveals_nothing(drive):
    pid, _ = zz_process_in_review(drive)
    channel_id = ApprovalProcess.objects.get(pk=pid).subject_id
    assert drive("ly_manager").get("/api/v1/processes/", {"channel": channel_id}).json()["count"] == 0


def test_auditor_sees_all_processes(drive):
    zz_pid, _ = zz_process_in_review(drive)
    ly_pid = drive.start("onboarding", "ly_manager", channel=Channel.objects.get(node_code="LY-LL-0003").pk)["id"]
    listed = drive("auditor").get("/api/v1/processes/").json()
    assert {p["id"] for p in listed["results"]} == {zz_pid, ly_pid}
    detail = drive.process(zz_pid, "auditor")
    assert detail["can_withdraw"] is False
    assert detail["history"][0]["actor"] == "zz_manager"
    assert drive("auditor").get("/api/v1/tasks/").json()["count"] == 0


def test_province_approver_sees_processes_of_every_city(drive):
    zz_pid, _ = zz_process_in_review(drive)
    assert drive.process(zz_pid, "prov_marketing")["id"] == zz_pid
    assert drive.process(zz_pid, "prov_finance")["id"] == zz_pid
