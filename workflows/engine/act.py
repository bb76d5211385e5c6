"""Acting on a task (办理): approve, reject, return, resubmit; claim and unclaim (签收/放弃签收).

The same rules serve pages, API and tests. Exactly one of two simultaneous callers wins; the other
gets a Conflict (409).
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from governance.errors import Conflict, NotAllowed
from governance.selectors import assignments_of, can_act, post_names

from ..kinds.base import StepContext
from ..models import ApprovalProcess, Decision, ProcessEvent, State
from ..registry import step_for
from ..selectors import open_task_for_user
from .plan import excluded_users, is_exclusive_signature, process_replan, step_title
from .trail import Actor, event_record

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)
REVISE = "revise"
REASON_REQUIRED = "请填写{what}原因。"
RESUBMIT_TITLE = "修改后重新提交"


def is_revise(task) -> bool:
    return task.flow_task.name == REVISE


def task_actions(task, process: ApprovalProcess, user=None) -> list[str]:
    """What may be done on the task now. With `user`, also whether that person may take the step at all
    (不相容岗位分离); lists already exclude such tasks, so rows pass no user."""
    if task.status not in OPEN_TASK:
        return []
    if is_revise(task):
        return ["approve"]
    step = process.current_step
    if step is None:
        return []
    if user is not None and user.pk in excluded_users(process, step):
        return []
    actions = list(step_for(step["step"]).actions)
    return actions if process.requester_id else [a for a in actions if a != "return"]


def actor_for(user, task, process: ApprovalProcess) -> Actor:
    """Who acts, in the post the task waits for (the trail names the post they hold today)."""
    if is_revise(task):
        submitted = process.events.filter(action=ProcessEvent.Action.SUBMIT).select_related("org_unit").first()
        return Actor(user, process.requester_post, submitted.org_unit if submitted else process.org_unit)
    code = (task.owner_permission or "").removeprefix("post:")
    for a in assignments_of(user):
        if a.post.code == code and str(a.org_unit_id) == str(task.owner_permission_obj_pk):
            return Actor(user, a.post, a.org_unit)
    return Actor(user, process.current_post, process.current_unit)


def _check(task, process, user, action: str) -> list[str]:
    if task.status not in OPEN_TASK:
        raise Conflict("该任务已处理,无需重复操作。")
    if task.owner_id and task.owner_id != user.pk:
        raise Conflict(f"该任务已由{task.owner.get_full_name() or task.owner}签收处理。")
    if not can_act(user) and not user.is_superuser:
        raise NotAllowed("您的岗位为只读岗位,不能办理。")
    allowed = task_actions(task, process, user)
    if not allowed:
        raise NotAllowed("按不相容岗位分离,您不能办理本申请的这一环节(申请人本人或已签批其他环节),请由同岗位其他人员处理。")
    if action not in allowed:
        raise ValidationError({"action": f"当前环节不支持此操作。可用操作:{'、'.join(allowed)}。"})
    return allowed


def _input(task, process, action: str, data: dict) -> dict:
    """The step's own fields, typed and validated by the step kind (or the kind, for a resubmission)."""
    if action != "approve":
        return {}
    if is_revise(task):
        input_class = process.kind_spec.resubmit_input
    else:
        input_class = step_for(process.current_step["step"]).input_class
    serializer = input_class(data=data)
    if not serializer.is_valid():
        raise ValidationError({k: [str(m) for m in v] if isinstance(v, list) else [str(v)]
                               for k, v in serializer.errors.items()})
    return dict(serializer.validated_data)


def task_act(*, task_id, user, action: str, comment: str = "", data: dict | None = None) -> ApprovalProcess:
    """Claim (if needed) and complete a task."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    _check(task, process, user, action)
    fields = _input(task, process, action, data or {})
    comment = (comment or "").strip()
    if action in ("reject", "return") and not comment:
        raise ValidationError({"comment": REASON_REQUIRED.format(what="驳回" if action == "reject" else "退回")})
    actor = actor_for(user, task, process)
    seen_version = process.version
    try:
        with transaction.atomic():
            if not ApprovalProcess.objects.filter(pk=process.pk, version=seen_version).update(version=F("version") + 1):
                raise Conflict("该任务已被他人处理,请刷新后查看。")
            with task.activation() as activation:
                if activation.task.status not in OPEN_TASK or activation.task.owner_id not in (None, user.pk):
                    raise Conflict("该任务已处理,无需重复操作。")
                if activation.task.owner_id is None:
                    activation.assign(user)
                activation.start(None)
                process = activation.process  # the one instance the flow saves as it moves on
                _decide(process, activation.task, actor, action, comment, fields)
                activation.execute()
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict("该任务正在被他人处理或已处理,请刷新后查看。")
    return ApprovalProcess.objects.get(pk=process.pk)


def _decide(process: ApprovalProcess, task, actor: Actor, action: str, comment: str, fields: dict) -> None:
    if is_revise(task):
        return _resubmit(process, task, actor, comment, fields)
    step = process.current_step
    title = step_title(step, post_names())
    spec = process.kind_spec
    if action == "approve":
        kind = step_for(step["step"])
        comment = kind.perform(StepContext(process, step, actor.user, actor.post_name, fields, comment))
        event_record(process=process, action=kind.event, actor=actor, comment=comment, task=task, step=title,
                     step_index=process.step_index, signs=is_exclusive_signature(step))
        process.step_index += 1
        process.decision = Decision.APPROVE
    elif action == "reject":
        event_record(process=process, action=ProcessEvent.Action.REJECT, actor=actor, comment=comment, task=task,
                     step=title, step_index=process.step_index, signs=is_exclusive_signature(step))
        process.move_to(State.REJECTED)
        process.current_post = process.current_unit = None
        process.decision = Decision.REJECT
        spec.on_stop(process=process, user=actor.user, post_name=actor.post_name)
    else:
        event_record(process=process, action=ProcessEvent.Action.RETURN, actor=actor, comment=comment, task=task,
                     step=title, step_index=process.step_index, signs=is_exclusive_signature(step))
        process.move_to(State.RETURNED)
        process.step_index = 0
        process.decision = Decision.RETURN
        spec.on_return(process=process, user=actor.user, post_name=actor.post_name)
    process.save()


def _resubmit(process: ApprovalProcess, task, actor: Actor, comment: str, fields: dict) -> None:
    """The requester's revision goes into the same process and is routed afresh from its revised content."""
    process.kind_spec.on_resubmit(process=process, data=fields, user=actor.user)
    process_replan(process)
    process.move_to(State.IN_REVIEW)
    process.decision = Decision.RESUBMIT
    process.save()
    event_record(process=process, action=ProcessEvent.Action.RESUBMIT, actor=actor, comment=comment, task=task,
                 step=RESUBMIT_TITLE)


def task_claim(*, task_id, user):
    """签收: take a queued task so colleagues in the same post see it is being handled."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    if task.status != STATUS.NEW or task.owner_id:
        raise Conflict("该任务已被签收或已处理。")
    if not task_actions(task, process, user):
        raise NotAllowed("按不相容岗位分离或岗位权限,您不能签收这一任务。")
    actor = actor_for(user, task, process)
    try:
        with transaction.atomic(), task.activation() as activation:
            if activation.task.status != STATUS.NEW:
                raise Conflict("该任务已被签收或已处理。")
            activation.assign(user)
            event_record(process=process, action=ProcessEvent.Action.CLAIM, actor=actor, task=activation.task,
                         step=step_title(process.current_step, post_names()), step_index=process.step_index)
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict("该任务正在被他人处理,请刷新后查看。")
    return activation.task


def task_unclaim(*, task_id, user):
    """放弃签收: the claimant puts the task back in the post's queue."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    if task.status != STATUS.ASSIGNED or task.owner_id != user.pk or is_revise(task):
        raise Conflict("只有本人已签收、尚未办理的任务可以放弃签收。")
    actor = actor_for(user, task, process)
    try:
        with transaction.atomic(), task.activation() as activation:
            if activation.task.status != STATUS.ASSIGNED or activation.task.owner_id != user.pk:
                raise Conflict("该任务已处理或已被他人签收。")
            activation.unassign()
            event_record(process=process, action=ProcessEvent.Action.UNCLAIM, actor=actor, task=activation.task,
                         step=step_title(process.current_step, post_names()), step_index=process.step_index)
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict("该任务正在被他人处理,请刷新后查看。")
    return activation.task
