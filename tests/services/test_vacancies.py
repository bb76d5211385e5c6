"""岗位空缺: a task left waiting on a post nobody holds any more moves up to the nearest holder."""
from datetime import timedelta

from django.utils import timezone

from governance.models import Post, PostAssignment
from workflows import services
from workflows.selectors import inbox_for_user


def _county_supervisor(svc):
    return PostAssignment.objects.create(user=svc.user("ly_leader"), post=Post.objects.get(code="channel_supervisor"),
                                         org_unit=svc.unit("ZZ-JS"))


def test_task_of_a_departed_holder_moves_to_the_city(svc):
    county = _county_supervisor(svc)
    process = svc.onboard()
    assert process.current_unit.code == "ZZ-JS"
    county.valid_to = timezone.localdate() - timedelta(days=1)
    county.save()
    assert not inbox_for_user(user=svc.user("zz_supervisor")).filter(process_id=process.pk).exists()

    assert services.tasks_requeue_vacant() == 1
    process.refresh_from_db()
    assert process.current_unit.code == "ZZ"
    assert process.events.filter(action="requeue", org_unit__code="ZZ").exists()
    process = svc.act("zz_supervisor", process)
    assert process.current_post.code == "branch_leader"
    assert services.tasks_requeue_vacant() == 0


def test_claimed_task_returns_to_the_queue_when_its_owner_leaves(svc):
    county = _county_supervisor(svc)
    process = svc.onboard()
    task = svc.task("ly_leader", process)
    services.task_claim(task_id=task.pk, user=svc.user("ly_leader"))
    county.valid_to = timezone.localdate() - timedelta(days=1)
    county.save()
    services.tasks_requeue_vacant()
    assert svc.task("zz_supervisor", process) is not None
