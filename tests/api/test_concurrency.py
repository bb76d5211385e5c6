"""Real concurrency: two holders of one post approve one task at the same moment; one wins, the other gets 409.

The threaded tests need PostgreSQL (row locks); on SQLite they skip themselves. The sequential
double approve runs everywhere.
"""
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import OrgUnit, Post, PostAssignment
from workflows.models import ApprovalProcess, ProcessEvent
from tests.conftest import PASSWORD, processes_of

ROUNDS = 5


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")


def second_supervisor():
    user = get_user_model().objects.create_user("zz_supervisor2", password=PASSWORD)
    PostAssignment.objects.create(user=user, post=Post.objects.get(code="channel_supervisor"),
                                  org_unit=OrgUnit.objects.get(code="ZZ"))
    return user


def supervisor_step_outcome(pid):
    """(approve events of the supervisor step, branch-leader tasks, tasks left half-done)."""
    approvals = ProcessEvent.objects.filter(process_id=pid, action="approve", post="渠道主管").count()
    leader_tasks = Task.objects.filter(process_id=pid, owner_permission="post:branch_leader").count()
    started = Task.objects.filter(process_id=pid, status=STATUS.STARTED).count()
    return approvals, leader_tasks, started


def race(*calls):
    """Run the calls in threads released together by a barrier; return their status codes in order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call().status_code
        except Exception as exc:  # reported below: a thread must not fail silently
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    assert not errors, errors
    return results


def test_sequential_double_approve_is_409(drive):
    second_supervisor()
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)
    drive.act_on("zz_supervisor", task["id"])
    response = drive.act_on("zz_supervisor2", task["id"], expect=409)
    assert response["detail"]
    drive.act_on("zz_supervisor", task["id"], expect=409)
    assert supervisor_step_outcome(pid) == (1, 1, 0)
    assert ApprovalProcess.objects.get(pk=pid).step_index == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_one_wins(on_postgres, drive):
    second_supervisor()
    first, second = drive("zz_supervisor"), drive("zz_supervisor2")
    for round_ in range(ROUNDS):
        pid = drive.submit_new()["id"]
        url = f"/api/v1/tasks/{drive.task('zz_supervisor', pid)['id']}/approve/"
        statuses = race(lambda: first.post(url, {"comment": "同意"}, format="json"),
                        lambda: second.post(url, {"comment": "同意"}, format="json"))
        assert sorted(statuses) == [200, 409], (round_, statuses)
        assert supervisor_step_outcome(pid) == (1, 1, 0), round_
        process = ApprovalProcess.objects.get(pk=pid)
        assert process.step_index == 1 and process.current_post.code == "branch_leader"
        assert not Task.objects.filter(process_id=pid, owner_permission="post:channel_supervisor",
                                       status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
        assert len(drive.inbox("zz_leader")) == round_ + 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_on_one_channel_open_one_process(on_postgres, drive):
    # a second supervisor, so that a supervisor's own start is a valid one (someone else can review it)
    colleague = get_user_model().objects.create(username="zz_supervisor2")
    PostAssignment.objects.create(user=colleague, post=Post.objects.get(code="channel_supervisor"),
                                  org_unit=OrgUnit.objects.get(code="ZZ"))
    manager, supervisor = drive("zz_manager"), drive("zz_supervisor")
    for _ in range(ROUNDS):
        channel = drive.create_channel()
        body = {"channel": channel["id"]}
        statuses = race(lambda: manager.post("/api/v1/processes/onboarding/", body, format="json"),
                        lambda: supervisor.post("/api/v1/processes/onboarding/", body, format="json"))
        assert sorted(statuses) == [201, 409], statuses
        assert processes_of(channel["id"]).count() == 1
        assert ProcessEvent.objects.filter(process__in=processes_of(channel["id"]), action="submit").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_withdraw_racing_the_first_approval(on_postgres, drive):
    manager, supervisor = drive("zz_manager"), drive("zz_supervisor")
    for _ in range(ROUNDS):
        pid = drive.submit_new()["id"]
        task_id = drive.task("zz_supervisor", pid)["id"]
        approve, withdraw = race(
            lambda: supervisor.post(f"/api/v1/tasks/{task_id}/approve/", {}, format="json"),
            lambda: manager.post(f"/api/v1/processes/{pid}/withdraw/", {}, format="json"))
        assert sorted([approve, withdraw]) == [200, 409], (approve, withdraw)
        process = ApprovalProcess.objects.get(pk=pid)
        actions = list(ProcessEvent.objects.filter(process_id=pid).values_list("action", flat=True))
        if approve == 200:
            assert process.state == "in_review" and process.current_post.code == "branch_leader"
            assert "withdraw" not in actions
            assert process.subject.status == "pending"
        else:
            assert process.state == "withdrawn" and "approve" not in actions
            assert process.subject.status == "draft"
            assert not Task.objects.filter(process_id=pid, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
        assert not Task.objects.filter(process_id=pid, status=STATUS.STARTED).exists()
