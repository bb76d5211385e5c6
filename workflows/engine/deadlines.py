"""Time on a step: 催办 (the requester reminds the holders, once a day a task), and the deadline sweep (beat):
a reminder before the step's time limit and at it, then what the route says: escalate to a superior post,
approve or return automatically. Everything is moved by the clock given, never by sleeping."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from governance.errors import Conflict, NotAllowed, TooSoon
from governance.models import OrgUnit, Post
from governance.selectors import nearest_holder_unit

from ..models import ApprovalProcess, ProcessEvent, RouteStep, State
from . import notices
from .act import OPEN_TASK, act_as
from .trail import SYSTEM, Actor, event_record

REMIND_BEFORE = timedelta(hours=24)
ONCE_A_DAY = timedelta(days=1)
NOT_YET, BEFORE, AT, HANDLED = 0, 1, 2, 3


def _open_tasks(process):
    return Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN", status__in=OPEN_TASK)


def can_remind(process: ApprovalProcess, user) -> bool:
    """Whether to offer 催办 (no queries): the requester, while a step is with someone else."""
    return process.is_open and process.requester_id == user.pk and process.state != State.RETURNED


def process_remind(*, process: ApprovalProcess, user, now=None) -> int:
    """催办: the requester reminds whoever holds the open tasks; a task is reminded at most once a day (429)."""
    now = now or timezone.now()
    if process.requester_id != user.pk:
        raise NotAllowed("只有申请人本人可以催办。")
    tasks = list(_open_tasks(process).exclude(flow_task__endswith=".revise"))
    if not process.is_open or not tasks:
        raise Conflict("该申请当前没有待办环节,无需催办。")
    recent = set(process.events.filter(action=ProcessEvent.Action.REMIND, at__gt=now - ONCE_A_DAY,
                                       task_id__in=[t.pk for t in tasks]).values_list("task_id", flat=True))
    due = [t for t in tasks if t.pk not in recent]
    if not due:
        raise TooSoon("今天已催办过,每个待办每天最多催办一次,请明天再试。")
    actor = Actor(user, process.requester_post, process.org_unit)
    with transaction.atomic():
        for task in due:
            event_record(process=process, action=ProcessEvent.Action.REMIND, actor=actor, task=task,
                         comment="申请人催办", step_index=process.step_index, visit=process.visit)
    name = user.get_full_name() or user.username
    notices.reminded(process, name)
    return len(due)


def deadlines_sweep(*, now=None) -> int:
    """Beat: steps nearing or past their time limit. Returns how many steps were handled at their deadline."""
    now = now or timezone.now()
    for process in ApprovalProcess.objects.filter(step_due__lte=now + REMIND_BEFORE, step_due__gt=now,
                                                  step_alerts=NOT_YET):
        _alert(process, BEFORE, passed=False)
    handled = 0
    for process in ApprovalProcess.objects.filter(step_due__lte=now, step_alerts__lt=HANDLED).select_related(
            "org_unit", "current_post"):
        if process.is_open and process.current_step:
            _alert(process, AT, passed=True)
            handled += _on_timeout(process)
    return handled


def _alert(process, level: int, *, passed: bool) -> None:
    if ApprovalProcess.objects.filter(pk=process.pk, step_alerts__lt=level).update(step_alerts=level):
        notices.deadline(process, passed)


def _on_timeout(process) -> int:
    step = process.current_step
    rule = step.get("on_timeout", RouteStep.OnTimeout.REMIND)
    ApprovalProcess.objects.filter(pk=process.pk).update(step_alerts=HANDLED)
    task = _open_tasks(process).first()
    if task is None:
        return 0
    process.refresh_from_db()
    note = f"已超过办理时限({timezone.localtime(process.step_due):%Y-%m-%d %H:%M})"
    if rule == RouteStep.OnTimeout.APPROVE:
        act_as(task=task, process=process, actor=SYSTEM, action="approve", comment=f"{note},系统自动同意。",
               fields={}, force=True)
    elif rule == RouteStep.OnTimeout.RETURN and process.requester_id:
        act_as(task=task, process=process, actor=SYSTEM, action="return", comment=f"{note},系统自动退回申请人。",
               fields={}, force=True)
    elif rule == RouteStep.OnTimeout.ESCALATE and step.get("escalate_post"):
        _escalate(process, task, step["escalate_post"], note)
    else:
        event_record(process=process, action=ProcessEvent.Action.TIMEOUT, actor=SYSTEM, comment=f"{note}。",
                     step_index=process.step_index, visit=process.visit)
    return 1


@transaction.atomic
def _escalate(process, task, post_code: str, note: str) -> None:
    """The task moves to the superior post's queue (from the request's unit up), claimed or not."""
    post = Post.objects.get(code=post_code)
    unit = nearest_holder_unit(process.org_unit, post_code) or OrgUnit.objects.filter(parent=None).first()
    Task.objects.filter(pk=task.pk).update(owner=None, status="NEW", owner_permission=f"post:{post_code}",
                                           owner_permission_obj_pk=str(unit.pk))
    ApprovalProcess.objects.filter(pk=process.pk).update(current_post=post, current_unit=unit)
    event_record(process=process, action=ProcessEvent.Action.TIMEOUT, actor=SYSTEM, unit=unit,
                 comment=f"{note},转{unit.name}{post.name}办理。", step_index=process.step_index, visit=process.visit)
    notices.new_task(process)
