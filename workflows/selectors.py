"""Reads for processes, tasks and copies: one visibility rule, built on the one scoping selector.

A process is visible in its requesting unit's scope, and in its receiving unit's scope while it is open.
A task is visible only while its process is visible and the user holds the task's post in its unit today
(or the task is the user's own: a revision, or one handed to them), and, while it is open, only if the
user may take it (not the requester, not someone who signed another exclusive step).
"""
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.backends import post_permission
from governance.selectors import (assignments_of, covered_assignments, filtered, post_names, scope_unit_ids,
                                  scoped)

from .engine.plan import step_title
from .filters import ProcessFilter
from .models import OPEN_STATES, ApprovalProcess, CopyNotice, ProcessEvent, State
from .registry import STEP_KINDS

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)
PROCESS_ROW = ("org_unit", "requester", "current_post", "current_unit", "subject_type")


def processes_for_user(*, user) -> QuerySet:
    return scoped(ApprovalProcess.objects.all(), user, "org_unit",
                  also={"receiving_unit": Q(state__in=OPEN_STATES)}).select_related(*PROCESS_ROW)


def process_list(*, user, filters=None) -> QuerySet:
    """审批流程清单: the user's processes, newest first, narrowed by ProcessFilter.

    GET /api/v1/processes/ and the processes export both call this, so they hold the same rows."""
    return filtered(ProcessFilter, processes_for_user(user=user).order_by("-pk"), filters)


def processes_of_subject(*, user, subject) -> QuerySet:
    return processes_for_user(user=user).filter(subject_type=ContentType.objects.get_for_model(subject),
                                                subject_id=subject.pk).order_by("-pk")


def process_get_or_404(*, user, pk) -> ApprovalProcess:
    try:
        return processes_for_user(user=user).get(pk=pk)
    except (ApprovalProcess.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("流程不存在或不在您的数据范围内。")


# ---------------------------------------------------------------- tasks

def _queue_q(user) -> Q:
    """Tasks waiting for one of the (post, unit) pairs the user holds today, or covers today as someone's
    substitute (外出代理), in a post that may act."""
    q = Q(pk__in=[])
    for a in [*assignments_of(user), *covered_assignments(user)]:
        if not a.post.read_only:
            q |= Q(owner_permission=post_permission(a.post.code), owner_permission_obj_pk=str(a.org_unit_id))
    return q


def _personal_q(user) -> Q:
    """Tasks that are the user's own whatever their posts: a revision of their request, or one handed to them."""
    return Q(owner=user) & (Q(owner_permission__isnull=True) | Q(owner_permission=""))


def _not_theirs_to_take(user):
    """Open queue tasks of processes where the user is excluded from the current step (不相容岗位分离), or has
    already given their vote on it (会签)."""
    signed = ProcessEvent.objects.filter(process=OuterRef("pk"), actor=user, signs=True).exclude(
        step_index=OuterRef("step_index"))
    voted = ProcessEvent.objects.filter(process=OuterRef("pk"), actor=user, visit=OuterRef("visit"),
                                        action=ProcessEvent.Action.APPROVE)
    excluded = ApprovalProcess.objects.filter(pk=OuterRef("process_id")).filter(
        Q(excludes_requester=True, requester=user) | Q(excludes_signers=True) & Exists(signed) | Exists(voted))
    return Q(status__in=OPEN_TASK) & Q(owner_permission__startswith="post:") & Exists(excluded)


def tasks_for_user(*, user) -> QuerySet:
    """Every human task that is or was the user's to see, by the visibility rule above."""
    if not user or not user.is_authenticated:
        return Task.objects.none()
    tasks = Task.objects.filter(flow_task_type="HUMAN").filter(_queue_q(user) | _personal_q(user))
    if scope_unit_ids(user) is not None:
        tasks = tasks.filter(process_id__in=processes_for_user(user=user).values("pk"))
    return tasks.exclude(_not_theirs_to_take(user))


def inbox_for_user(*, user) -> QuerySet:
    """待办: open tasks the user may take now, claimed by them or by nobody."""
    return (tasks_for_user(user=user).filter(status__in=OPEN_TASK)
            .filter(Q(owner=user) | Q(owner__isnull=True)).order_by("-pk"))


def open_task_for_user(*, task_id, user) -> tuple[Task, ApprovalProcess]:
    try:
        task = tasks_for_user(user=user).select_related("owner").get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("任务不存在或不属于您。")
    process = ApprovalProcess.objects.select_related(
        *PROCESS_ROW, "requester_post", "receiving_unit").get(pk=task.process_id)
    return task, process


def processes_by_id(ids) -> dict[int, ApprovalProcess]:
    qs = ApprovalProcess.objects.filter(pk__in=set(ids)).select_related("org_unit", "requester", "current_post")
    return {p.pk: p for p in qs}


def requests_of_user(*, user) -> QuerySet:
    """我的申请."""
    return processes_for_user(user=user).filter(requester=user).order_by("-pk")


def copies_for_user(*, user, unread=False) -> QuerySet:
    """抄送我的: copies to the user, of processes in their scope (a copy does not widen what one may see)."""
    if not user or not user.is_authenticated:
        return CopyNotice.objects.none()
    copies = CopyNotice.objects.filter(user=user)
    if unread:
        copies = copies.filter(read_at__isnull=True)
    if scope_unit_ids(user) is not None:
        copies = copies.filter(process_id__in=processes_for_user(user=user).values("pk"))
    return copies.select_related("process", "post", "copied_by").order_by("-created", "-id")


def done_actions() -> set[str]:
    """Trail actions that are a person doing their task: each queued step kind's own, and the decisions."""
    return {s.event for s in STEP_KINDS.values() if s.queued} | {"reject", "return", "delegate_done", "resubmit"}


def done_for_user(*, user) -> QuerySet:
    """已办: what the user did on requests they may still see, newest first (one row per action)."""
    if not user or not user.is_authenticated:
        return ProcessEvent.objects.none()
    events = ProcessEvent.objects.filter(actor=user, action__in=done_actions(), task_id__isnull=False)
    if scope_unit_ids(user) is not None:
        events = events.filter(process_id__in=processes_for_user(user=user).values("pk"))
    return events.select_related("process").order_by("-at", "-id")


DONE_STATES = (State.APPROVED, State.SCHEDULED, State.COMPLETED)  # every step of the plan is done


def step_rows(process: ApprovalProcess) -> list[dict]:
    """The plan as a person reads it: each step's title, post and state (done, current, returned,
    stopped or waiting)."""
    names = post_names()
    rows = []
    for i, step in enumerate(process.plan):
        rows.append({"title": step_title(step, names), "post": names.get(step["post"], step["post"]),
                     "step": step["step"], "state": _step_state(process, i)})
    return rows


def _step_state(process: ApprovalProcess, i: int) -> str:
    if process.state in DONE_STATES or i < process.step_index:
        return "done"
    if i != process.step_index:
        return "waiting"
    if process.state == State.RETURNED:
        return "returned"
    return "current" if process.is_open else "stopped"
