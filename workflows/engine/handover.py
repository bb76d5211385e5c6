"""Handing a task on: 签收/放弃签收 (claim, unclaim), 转办 (transfer), 委派 (delegate), 加签 (add an approver).
Each is recorded in the trail with its reason, under the flow's lock."""
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from governance.errors import Conflict, NotAllowed
from governance.selectors import can_act, post_names

from ..models import ApprovalProcess, Decision, ProcessEvent
from ..selectors import open_task_for_user, processes_for_user
from . import notices
from .act import OPEN_TASK, is_countersign, is_delegated, is_revise, task_actions
from .actors import actor_for, own_post
from .plan import excluded_users, step_title
from .trail import event_record

BUSY = "该任务正在被他人处理或已处理,请刷新后查看。"


@contextmanager
def _locked(task, process):
    """The flow's lock on the task, and the process's version moved on (so a racing act gets a 409)."""
    try:
        with transaction.atomic():
            if not ApprovalProcess.objects.filter(pk=process.pk, version=process.version).update(
                    version=F("version") + 1):
                raise Conflict(BUSY)
            with task.activation() as activation:
                if activation.task.status not in OPEN_TASK:
                    raise Conflict("该任务已处理,无需重复操作。")
                yield activation
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict(BUSY)


def _title(process) -> str:
    return step_title(process.current_step, post_names()) if process.current_step else ""


def _holder_only(task, process, user, what: str) -> None:
    """Only who may take the task now hands it on; a revision, a delegation or a countersign is not handed."""
    if task.status not in OPEN_TASK:
        raise Conflict("该任务已处理,无需重复操作。")
    if task.owner_id not in (None, user.pk):
        raise Conflict("该任务已由他人签收处理。")
    if is_revise(task) or is_delegated(task) or is_countersign(process.current_step):
        raise ValidationError({"action": f"这一任务不能{what}。"})
    if not task_actions(task, process, user):
        raise NotAllowed(f"您不能{what}这一任务。")


def _target(process, username, what: str):
    """Someone who may see the request, may act, and is not excluded from its step; one answer for all else."""
    target = get_user_model().objects.filter(username=str(username or "")[:150], is_active=True).first()
    refused = ValidationError({"to": f"“{str(username)[:40]}”不能{what}:账号不存在、不在本申请的数据范围内或为只读岗位。"})
    if target is None or not can_act(target) or not processes_for_user(user=target).filter(pk=process.pk).exists():
        raise refused
    if target.pk in excluded_users(process, process.current_step):
        raise ValidationError({"to": f"按不相容岗位分离,不能{what}给申请人或已签批本申请其他环节的人员。"})
    return target


def _reason(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": f"请填写{what}原因。"})
    return comment


def task_claim(*, task_id, user):
    """签收: take a queued task so colleagues in the same post see it is being handled."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    if task.status != STATUS.NEW or task.owner_id:
        raise Conflict("该任务已被签收或已处理。")
    if is_countersign(process.current_step):
        raise ValidationError({"action": "会签环节由每位会签人分别办理,不能签收。"})
    if not task_actions(task, process, user):
        raise NotAllowed("按不相容岗位分离或岗位权限,您不能签收这一任务。")
    with _locked(task, process) as activation:
        activation.assign(user)
        event_record(process=process, action=ProcessEvent.Action.CLAIM, actor=actor_for(user, task, process),
                     task=activation.task, step=_title(process), step_index=process.step_index, visit=process.visit)
    return activation.task


def task_unclaim(*, task_id, user):
    """放弃签收: the claimant puts the task back in the post's queue."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    if task.status != STATUS.ASSIGNED or task.owner_id != user.pk or not task.owner_permission:
        raise Conflict("只有本人已签收、尚未办理的岗位任务可以放弃签收。")
    with _locked(task, process) as activation:
        activation.unassign()
        event_record(process=process, action=ProcessEvent.Action.UNCLAIM, actor=actor_for(user, task, process),
                     task=activation.task, step=_title(process), step_index=process.step_index, visit=process.visit)
    return activation.task


def _hand(task, process, user, target, *, mode: str, action: str, comment: str):
    actor = actor_for(user, task, process)
    with _locked(task, process) as activation:
        handed = activation.task
        handed.data = {"handed": mode, "from": user.pk, "perm": handed.owner_permission,
                       "obj": handed.owner_permission_obj_pk}
        handed.owner, handed.owner_permission, handed.status = target, "", STATUS.ASSIGNED
        handed.save()
        event_record(process=process, action=action, actor=actor, comment=comment, task=handed, step=_title(process),
                     step_index=process.step_index, visit=process.visit)
    notices.handed(process, target)
    return handed


def task_transfer(*, task_id, user, to, comment: str = ""):
    """转办: the task becomes another person's, who then owns it and decides."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    _holder_only(task, process, user, "转办")
    reason = _reason(comment, "转办")
    target = _target(process, to, "转办")
    if target.pk == user.pk:
        raise ValidationError({"to": "不能转办给自己。"})
    name = target.get_full_name() or target.username
    return _hand(task, process, user, target, mode="transfer", action=ProcessEvent.Action.TRANSFER,
                 comment=f"转办给{name}:{reason}")


def task_delegate(*, task_id, user, to, comment: str = ""):
    """委派: another person gives their opinion, then the task comes back to its owner to decide."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    _holder_only(task, process, user, "委派")
    target = _target(process, to, "委派")
    if target.pk == user.pk:
        raise ValidationError({"to": "不能委派给自己。"})
    name = target.get_full_name() or target.username
    return _hand(task, process, user, target, mode="delegate", action=ProcessEvent.Action.DELEGATE,
                 comment=f"委派{name}办理,办理后退回本人确认。{(comment or '').strip()}")


def task_add_approver(*, task_id, user, to, position: str, comment: str = "") -> ApprovalProcess:
    """加签: another person approves before the current step (the task moves to them, then comes back to the
    step's post) or after it (once the step is approved)."""
    if position not in ("before", "after"):
        raise ValidationError({"position": "加签位置应为 before(本环节之前)或 after(本环节之后)。"})
    task, process = open_task_for_user(task_id=task_id, user=user)
    _holder_only(task, process, user, "加签")
    target = _target(process, to, "加签")
    post = own_post(target, process)
    if post.post is None:
        raise ValidationError({"to": "该人员没有可办理的岗位。"})
    name = target.get_full_name() or target.username
    added = {**process.current_step, "post": post.post.code, "unit": post.unit.pk, "user": target.pk,
             "step": "approve", "label": f"加签:{name}", "condition": "", "payload": {}, "item": "",
             "mode": "any", "requester_may_act": False, "exclusive": True, "added_by": user.pk}
    added.pop("members", None)
    actor = actor_for(user, task, process)
    where = "之前" if position == "before" else "之后"
    with _locked(task, process) as activation:
        process = activation.process
        event_record(process=process, action=ProcessEvent.Action.ADD_APPROVER, actor=actor, task=activation.task,
                     comment=f"在本环节{where}加签{name}。{(comment or '').strip()}", step=_title(process),
                     step_index=process.step_index, visit=process.visit)
        process.plan.insert(process.step_index + (position == "after"), added)
        if position == "before":
            if activation.task.owner_id is None:
                activation.assign(user)
            activation.start(None)
            process.decision = Decision.REROUTE
            process.save()
            activation.execute()
        else:
            process.save()
    return ApprovalProcess.objects.get(pk=process.pk)
