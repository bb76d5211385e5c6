"""岗位空缺 and 离岗: tasks whose holder left go back to the queue; queues nobody holds move up the tree.

Run by Celery beat, a management command, the demo's run loop, and when a post assignment changes.
Every move is done under the flow's lock and written to the trail.
"""
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import OrgUnit, Post, PostAssignment
from governance.selectors import nearest_holder_unit, post_names

from ..models import ApprovalProcess, ProcessEvent
from .plan import step_title
from .trail import Actor, event_record

POST_PREFIX = "post:"
OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)


def _queued():
    return Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_TASK, owner_permission__startswith=POST_PREFIX)


def tasks_requeue_vacant() -> int:
    """Release tasks claimed by people who no longer hold their post, then move queues nobody holds up to
    the nearest unit with a holder. Returns the number of tasks moved up."""
    held_by = set(PostAssignment.objects.valid_on().values_list("user_id", "post__code", "org_unit_id"))
    for task in _queued().filter(owner__isnull=False).only("pk", "owner_id", "owner_permission",
                                                           "owner_permission_obj_pk"):
        code = task.owner_permission.removeprefix(POST_PREFIX)
        if (task.owner_id, code, int(task.owner_permission_obj_pk)) not in held_by:
            task_release(task_id=task.pk)
    held = {(POST_PREFIX + code, str(unit)) for _user, code, unit in held_by}
    moved = 0
    for permission, unit_pk in set(_queued().filter(owner__isnull=True).values_list(
            "owner_permission", "owner_permission_obj_pk")) - held:
        vacant = OrgUnit.objects.get(pk=unit_pk)
        target = nearest_holder_unit(vacant, permission.removeprefix(POST_PREFIX))
        if target is not None:  # nobody anywhere above: the admin must appoint someone; the task stays visible
            moved += _requeue(permission, vacant, target)
    return moved


@transaction.atomic
def task_release(*, task_id: int) -> bool:
    """离岗: a claimed task whose owner left the post goes back to its queue, recorded in the trail."""
    task = Task.objects.select_for_update().filter(pk=task_id, status=STATUS.ASSIGNED).first()
    if task is None:
        return False
    with task.activation() as activation:
        owner = activation.task.owner
        activation.unassign()
    process = ApprovalProcess.objects.get(pk=task.process_id)
    post = Post.objects.get(code=task.owner_permission.removeprefix(POST_PREFIX))
    event_record(process=process, action=ProcessEvent.Action.RELEASE, actor=Actor(post=post), task=task,
                 unit=OrgUnit.objects.get(pk=task.owner_permission_obj_pk), step_index=process.step_index,
                 step=step_title(process.current_step, post_names()) if process.current_step else "",
                 comment=f"{owner.get_full_name() or owner.username}已不再担任“{post.name}”岗位,任务退回岗位待办。")
    return True


@transaction.atomic
def _requeue(permission: str, vacant: OrgUnit, target: OrgUnit) -> int:
    tasks = Task.objects.select_for_update().filter(flow_task_type="HUMAN", status=STATUS.NEW, owner__isnull=True,
                                                    owner_permission=permission, owner_permission_obj_pk=str(vacant.pk))
    process_ids = list(tasks.values_list("process_id", flat=True))
    count = tasks.update(owner_permission_obj_pk=str(target.pk))
    ApprovalProcess.objects.filter(pk__in=process_ids, current_unit=vacant).update(current_unit=target)
    post = Post.objects.get(code=permission.removeprefix(POST_PREFIX))
    for process in ApprovalProcess.objects.filter(pk__in=process_ids):
        event_record(process=process, action=ProcessEvent.Action.REQUEUE, actor=Actor(post=post), unit=target,
                     comment=f"{vacant.name}“{post.name}”岗位空缺,转{target.name}处理。", step="系统",
                     step_index=process.step_index)
    return count
