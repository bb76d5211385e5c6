"""Acting on a task (办理): approve, reject, return (to the requester or an earlier step), resubmit;
a countersign's votes; a delegate's opinion. The same rules serve pages, API and tests. Exactly one of two
simultaneous callers wins; the other gets a Conflict (409)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.managers import coerce_to_related_instance
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.errors import Conflict, NotAllowed
from governance.selectors import can_act, post_names

from ..kinds.base import Rejection, StepContext
from ..models import ApprovalProcess, Decision, ProcessEvent, State
from ..registry import step_for
from ..selectors import open_task_for_user
from . import notices
from .actors import actor_for
from .plan import excluded_users, is_exclusive_signature, process_replan, step_title
from .routing import process_route_next
from .trail import Actor, event_record

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)
REVISE = "revise"
REASON_REQUIRED = "请填写{what}原因。"
RESUBMIT_TITLE = "修改后重新提交"


def is_revise(task) -> bool:
    return task.flow_task.name == REVISE


def is_delegated(task) -> bool:
    return (task.data or {}).get("handed") == "delegate"


def is_countersign(step: dict | None) -> bool:
    return bool(step and step.get("members"))


def task_actions(task, process: ApprovalProcess, user=None) -> list[str]:
    """What may be done on the task now. With `user`, also whether that person may take the step at all
    (不相容岗位分离, a countersign's members); lists already exclude such tasks, so rows pass no user."""
    if task.status not in OPEN_TASK:
        return []
    if is_revise(task) or is_delegated(task):
        return ["approve"]
    step = process.current_step
    if step is None:
        return []
    if user is not None and not _may_take(process, step, user):
        return []
    actions = list(step_for(step["step"]).actions)
    return actions if process.requester_id else [a for a in actions if a != "return"]


def _may_take(process, step, user) -> bool:
    if user.pk in excluded_users(process, step):
        return False
    if is_countersign(step):
        voted = process.events.filter(visit=process.visit, action=ProcessEvent.Action.APPROVE, actor=user)
        return user.pk in step["members"] and not voted.exists()
    return True


def check_task_open_to(task, user) -> None:
    """What every touch of a task checks first: still open, not claimed by another, not a read-only post."""
    if task.status not in OPEN_TASK:
        raise Conflict("该任务已处理,无需重复操作。")
    if task.owner_id and task.owner_id != user.pk:
        raise Conflict(f"该任务已由{task.owner.get_full_name() or task.owner}签收处理。")
    if not can_act(user) and not user.is_superuser:
        raise NotAllowed("您的岗位为只读岗位,不能办理。")


def _check(task, process, user, action: str) -> None:
    check_task_open_to(task, user)
    allowed = task_actions(task, process, user)
    if not allowed:
        raise NotAllowed("按不相容岗位分离,您不能办理本申请的这一环节(申请人本人或已签批其他环节),请由同岗位其他人员处理。")
    if action not in allowed:
        raise ValidationError({"action": f"当前环节不支持此操作。可用操作:{'、'.join(allowed)}。"})


def _input(task, process, action: str, data: dict) -> dict:
    """The step's own fields, typed and validated by the step kind (or the kind, for a resubmission)."""
    if action == "return":
        return _return_target(process, data)
    if action != "approve" or is_delegated(task):
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


def _return_target(process, data: dict) -> dict:
    """退回: to the requester (no `to_step`), or to an earlier step of the plan that a person decided."""
    to_step = data.get("to_step") if isinstance(data, dict) else None
    if to_step in (None, ""):
        return {}
    earlier = [i for i, s in enumerate(process.plan[:process.step_index]) if step_for(s["step"]).queued]
    try:
        to_step = int(to_step)
    except (TypeError, ValueError):
        to_step = -1
    if to_step not in earlier:
        raise ValidationError({"to_step": f"只能退回到之前已办理的环节(可选:{'、'.join(map(str, earlier)) or '无'})。"})
    return {"to_step": to_step}


def task_act(*, task_id, user, action: str, comment: str = "", data: dict | None = None) -> ApprovalProcess:
    """Claim (if needed) and complete a task, or record a countersign vote or a delegate's opinion."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    _check(task, process, user, action)
    fields = _input(task, process, action, data or {})
    comment = (comment or "").strip()
    if action in ("reject", "return") and not comment:
        raise ValidationError({"comment": REASON_REQUIRED.format(what="驳回" if action == "reject" else "退回")})
    return act_as(task=task, process=process, actor=actor_for(user, task, process), action=action,
                  comment=comment, fields=fields)


def act_as(*, task, process, actor: Actor, action: str, comment: str, fields: dict,
           force: bool = False) -> ApprovalProcess:
    """Do `action` on `task` as `actor` (a person, or the system on a deadline), under the flow's lock.
    `force`: the system acts whoever claimed the task (a deadline, an objection)."""
    seen_version = process.version
    try:
        with transaction.atomic():
            if not ApprovalProcess.objects.filter(pk=process.pk, version=seen_version).update(version=F("version") + 1):
                raise Conflict("该任务已被他人处理,请刷新后查看。")
            activation = _activation(task, process)
            user_id = actor.user.pk if actor.user else None
            if activation.task.status not in OPEN_TASK or (
                    not force and activation.task.owner_id not in (None, user_id)):
                raise Conflict("该任务已处理,无需重复操作。")
            process = activation.process  # the one instance the flow saves as it moves on
            if _holds_task(process, activation, actor, action, comment, fields):
                process.save()
                return ApprovalProcess.objects.get(pk=process.pk)
            if activation.task.status == STATUS.NEW:  # taken as it is done: saved once, on completion
                if actor.user is not None:  # the system takes it as nobody (a deadline, an objection)
                    activation.task.owner = actor.user
                activation.task.status = STATUS.ASSIGNED
            activation.start(None)
            _decide(process, activation.task, actor, action, comment, fields)
            activation.execute()
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict("该任务正在被他人处理或已处理,请刷新后查看。")
    return process  # the instance every node of this action saved: already as stored


def _activation(task, seen: ApprovalProcess):
    """The task's activation, with task and process read afresh (one query) under the row lock that the version
    update above already holds (the row the flow's select_for_update lock would take). The signatures read
    before are still true: a new one needs that lock and a new version."""
    fresh = Task.objects.select_related("process__approvalprocess").get(pk=task.pk)
    fresh.process = coerce_to_related_instance(fresh.process.approvalprocess, fresh.flow_task.flow_class.process_class)
    if "_signatures" in seen.__dict__:
        fresh.process._signatures = seen._signatures
    return fresh.flow_task.activation_class(fresh)


def _holds_task(process, activation, actor, action, comment, fields) -> bool:
    """A delegate's opinion and a countersign's not-yet-last vote leave the task open."""
    task = activation.task
    if is_delegated(task):
        _delegate_done(process, task, actor, comment)
        return True
    step = process.current_step
    if action == "approve" and is_countersign(step):
        _record(process, task, actor, ProcessEvent.Action.APPROVE, comment or "同意", step)
        votes = process.events.filter(visit=process.visit, action=ProcessEvent.Action.APPROVE).values("actor")
        return votes.distinct().count() < step["needed"]
    return False


def _record(process, task, actor, action, comment, step) -> None:
    event_record(process=process, action=action, actor=actor, comment=comment, task=task,
                 step=step_title(step, post_names()), step_index=process.step_index,
                 signs=is_exclusive_signature(step), visit=process.visit)


def _delegate_done(process, task, actor, comment) -> None:
    """委派: the delegate's opinion is recorded and the task goes back to its owner to confirm."""
    handed = task.data
    event_record(process=process, action=ProcessEvent.Action.DELEGATE_DONE, actor=actor, comment=comment or "已办理",
                 task=task, step=step_title(process.current_step, post_names()), step_index=process.step_index,
                 visit=process.visit)
    task.owner_id = handed["from"]
    task.owner_permission, task.owner_permission_obj_pk = handed.get("perm") or "", handed.get("obj")
    task.data = {}
    task.save()


def _decide(process: ApprovalProcess, task, actor: Actor, action: str, comment: str, fields: dict) -> None:
    if is_revise(task):
        return _resubmit(process, task, actor, comment, fields)
    step = process.current_step
    spec = process.kind_spec
    if action == "approve":
        outcome = None
        if not is_countersign(step):
            kind = step_for(step["step"])
            outcome = kind.perform(StepContext(process, step, actor.user, actor.post_name, fields, comment))
            _record(process, task, actor, kind.event, getattr(outcome, "reason", outcome), step)
        if isinstance(outcome, Rejection):
            _rejected(process, actor, outcome.reason)
        else:
            process.step_index += 1
            process.decision = Decision.APPROVE
    elif action == "reject" and not (is_countersign(step) and step.get("on_reject") == "return"):
        _record(process, task, actor, ProcessEvent.Action.REJECT, comment, step)
        _rejected(process, actor, comment)
    elif "to_step" in fields:
        target = fields["to_step"]
        _record(process, task, actor, ProcessEvent.Action.RETURN,
                f"{comment}(退回至“{step_title(process.plan[target], post_names())}”)", step)
        process.step_index = target
        process.decision = Decision.REROUTE
    else:
        _record(process, task, actor, ProcessEvent.Action.RETURN, comment, step)
        process.move_to(State.RETURNED)
        process.step_index = 0
        process.current_post = process.current_unit = process.step_due = None
        process.decision = Decision.RETURN
        spec.on_return(process=process, user=actor.user, post_name=actor.post_name)
        notices.returned(process, comment)
    if process.decision in (Decision.APPROVE, Decision.REROUTE):
        process_route_next(process=process)  # saves; the flow's `decide` then opens the next step or finishes
    else:
        process.save()


def _rejected(process: ApprovalProcess, actor: Actor, reason: str) -> None:
    """The request ends as rejected; its kind puts the subject back; the requester is told."""
    process.move_to(State.REJECTED)
    process.current_post = process.current_unit = process.step_due = None
    process.decision = Decision.REJECT
    process.kind_spec.on_stop(process=process, user=actor.user, post_name=actor.post_name)
    notices.rejected(process, reason)


def _resubmit(process: ApprovalProcess, task, actor: Actor, comment: str, fields: dict) -> None:
    """The requester's revision goes into the same process and is routed afresh from its revised content."""
    process.kind_spec.on_resubmit(process=process, data=fields, user=actor.user)
    process_replan(process)
    process.move_to(State.IN_REVIEW)
    process.decision = Decision.RESUBMIT
    process.save()
    event_record(process=process, action=ProcessEvent.Action.RESUBMIT, actor=actor, comment=comment, task=task,
                 step=RESUBMIT_TITLE)
