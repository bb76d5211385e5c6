"""Approval operations: start a process, act on a task, withdraw; the same rules serve pages, API and tests.

Flows call back into `process_route_next`, `onboarding_complete`, `change_apply` and `exit_complete`.
"""
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance import posts
from governance.errors import Conflict, NotAllowed
from governance.models import CORE_FIELDS, Channel, OrgUnit, Post
from governance.selectors import can_act, get_scoped_or_404, post_names
from governance.services import acting_assignment, channel_apply_changes, channel_set_status

from . import routes
from .models import ApprovalProcess, CopyNotice, ProcessEvent, ProcessKind
from .selectors import open_task_for_user

NUMBER_PREFIX = {"onboarding": "XZ", "change": "BG", "exit": "TC"}
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)
REASON_REQUIRED = "请填写{what}原因。"


# ---------------------------------------------------------------- history

def event_record(*, process, action, actor=None, post="", unit=None, comment="", task=None, step=""):
    return ProcessEvent.objects.create(
        process=process, action=action, actor=actor, post=post, org_unit=unit, comment=comment or "",
        task_id=task.pk if task else None, step=step,
    )


def _system_actor(process):
    """Automatic steps are recorded under the person whose action triggered them."""
    last = process.events.exclude(actor=None).order_by("-at", "-id").first()
    return last.actor if last else process.requester


# ---------------------------------------------------------------- starting

def _requester_assignment(user, unit: OrgUnit):
    if not can_act(user) and not user.is_superuser:
        raise NotAllowed("您的岗位为只读岗位,不能发起流程。")
    assignment = acting_assignment(user, unit, posts.REQUESTERS)
    if assignment is None and not user.is_superuser:
        raise NotAllowed("只有渠道经理、渠道主管可以为本单位渠道发起流程。")
    return assignment


def _lock_channel(user, channel_id) -> Channel:
    channel = get_scoped_or_404(Channel.objects.all(), user, "org_unit", pk=channel_id)
    channel = Channel.objects.select_for_update().select_related("org_unit").get(pk=channel.pk)
    busy = channel.processes.filter(state__in=ApprovalProcess.OPEN_STATES).first()
    if busy:
        raise Conflict(f"该渠道已有进行中的流程“{busy.number} {busy.get_kind_display()}”,请待其办结后再发起。")
    return channel


def _begin(kind, *, user, channel, plan, route, assignment, comment="", **fields) -> ApprovalProcess:
    """Start the kind's flow; returns the process as it stands after routing to its first step."""
    from .flows import FLOWS

    routes.check_plan(plan)
    process = FLOWS[kind].start.run(
        kind=kind, number=f"TMP-{uuid.uuid4().hex}", org_unit=channel.org_unit, channel=channel,
        requester=user, requester_post=assignment.post if assignment else None, plan=plan,
        filing=route.filing, comment=comment, submitted={"user": user, "assignment": assignment, "comment": comment},
        **fields,
    )
    number = f"{NUMBER_PREFIX[kind]}{timezone.localdate():%Y%m%d}{process.pk:06d}"
    ApprovalProcess.objects.filter(pk=process.pk).update(number=number)
    return ApprovalProcess.objects.get(pk=process.pk)


def submit_record(*, process, user, assignment, comment):
    event_record(process=process, action=ProcessEvent.Action.SUBMIT, actor=user,
                 post=assignment.post.name if assignment else "系统管理员",
                 unit=assignment.org_unit if assignment else process.org_unit, comment=comment)


@transaction.atomic
def onboarding_start(*, user, channel_id, comment="") -> ApprovalProcess:
    channel = _lock_channel(user, channel_id)
    assignment = _requester_assignment(user, channel.org_unit)
    if channel.status != Channel.Status.DRAFT:
        raise ValidationError({"channel": "只有草稿状态的渠道可以提交新增审批。"})
    channel.full_clean()
    route = routes.route_for("onboarding", channel.channel_type)
    post_name = assignment.post.name if assignment else ""
    channel_set_status(channel=channel, status=Channel.Status.PENDING, user=user, post_name=post_name,
                       reason="提交渠道新增审批")
    return _begin("onboarding", user=user, channel=channel, route=route, assignment=assignment,
                  plan=routes.onboarding_plan(route, channel), comment=comment)


def _coerce_changes(channel: Channel, raw: dict) -> tuple[dict, Channel]:
    """Validate requested core-field values against a copy of the channel; return field → (old, new)."""
    if not isinstance(raw, dict) or not raw:
        raise ValidationError({"changes": "请至少填写一项要变更的核心信息。"})
    unknown = [f for f in raw if f not in CORE_FIELDS]
    if unknown:
        raise ValidationError({"changes": f"以下字段不是核心信息或不存在:{'、'.join(unknown)}。非核心信息可直接修改。"})
    candidate = Channel.objects.get(pk=channel.pk)
    errors = {}
    for field, value in raw.items():
        model_field = Channel._meta.get_field(field)
        if isinstance(value, (dict, list)):
            errors[field] = ["应填写单个值。"]
            continue
        try:
            if field == "org_unit":
                value = OrgUnit.objects.get(pk=value) if str(value).isdigit() else OrgUnit.objects.get(code=value)
            else:
                value = model_field.clean(value, candidate)
        except (ValidationError, OrgUnit.DoesNotExist, ValueError, TypeError) as exc:
            errors[field] = getattr(exc, "messages", None) or ["单位不存在。"]
            continue
        setattr(candidate, field, value)
    if errors:
        raise ValidationError(errors)
    try:
        candidate.full_clean()
    except ValidationError as exc:
        raise ValidationError({f: m for f, m in exc.message_dict.items() if f in raw or f == "__all__"} or exc)
    diff = {}
    for field in raw:
        old, new = getattr(channel, field), getattr(candidate, field)
        if old != new:
            as_json = Channel._meta.get_field(field).value_to_string
            diff[field] = {"old": as_json(channel), "new": as_json(candidate)}
    if not diff:
        raise ValidationError({"changes": "变更后的值与当前值相同,无需变更。"})
    return diff, candidate


@transaction.atomic
def change_start(*, user, channel_id, changes, effective_date, comment="") -> ApprovalProcess:
    channel = _lock_channel(user, channel_id)
    assignment = _requester_assignment(user, channel.org_unit)
    if channel.status not in (Channel.Status.ACTIVE, Channel.Status.SUSPENDED):
        raise ValidationError({"channel": "只有正常或暂停状态的渠道可以发起核心信息变更。"})
    if effective_date is None:
        raise ValidationError({"effective_date": "请填写生效日期。"})
    diff, candidate = _coerce_changes(channel, changes)
    target = candidate.org_unit if "org_unit" in diff else None
    if target is not None and target.tier == OrgUnit.Tier.PROVINCE:
        raise ValidationError({"changes": "渠道不能直接归属省公司。"})
    route = routes.route_for("change", channel.channel_type)
    plan = routes.change_plan(route, channel, set(diff), target)
    return _begin("change", user=user, channel=channel, route=route, assignment=assignment, plan=plan,
                  changes=diff, effective_date=effective_date, target_unit=target, comment=comment)


@transaction.atomic
def exit_start(*, user, channel_id, reason, comment="") -> ApprovalProcess:
    from .models import ExitReason

    channel = _lock_channel(user, channel_id)
    assignment = _requester_assignment(user, channel.org_unit)
    if reason not in ExitReason.values:
        raise ValidationError({"reason": "退出原因无效,可选:" + "、".join(ExitReason.labels) + "。"})
    if channel.status not in (Channel.Status.ACTIVE, Channel.Status.SUSPENDED):
        raise ValidationError({"channel": "只有正常或暂停状态的渠道可以发起退出。"})
    route = routes.route_for("exit", channel.channel_type)
    post_name = assignment.post.name if assignment else ""
    channel_set_status(channel=channel, status=Channel.Status.EXITING, user=user, post_name=post_name,
                       reason=f"发起退出:{ExitReason(reason).label}")
    return _begin("exit", user=user, channel=channel, route=route, assignment=assignment,
                  plan=routes.exit_plan(route, channel), exit_reason=reason, comment=comment)


# ---------------------------------------------------------------- routing (called by the flows)

def process_route_next(*, process: ApprovalProcess) -> None:
    """Skip past copy steps (recording them), then point the process at the next step's queue."""
    while (step := process.current_step) and step["action"] == routes.COPY:
        unit = routes.resolve_unit(step)
        post = Post.objects.get(code=step["post"])
        CopyNotice.objects.create(process=process, post=post, org_unit=unit)
        event_record(process=process, action=ProcessEvent.Action.COPY, post=post.name, unit=unit,
                     comment=f"报备抄送{post.name}", step=f"{post.name}抄送")
        process.step_index += 1
    if step:
        process.current_post = Post.objects.get(code=step["post"])
        process.current_unit = routes.resolve_unit(step)
        if step["action"] == routes.CHECK:
            process.state = ApprovalProcess.State.CLOSING
    else:
        process.current_post = process.current_unit = None
        process.state = _approved_state(process)
    process.save()


def _approved_state(process) -> str:
    """A change dated in the future waits for its date (待生效); everything else proceeds at once."""
    if process.kind == ProcessKind.CHANGE and process.effective_date > timezone.localdate():
        return ApprovalProcess.State.SCHEDULED
    return ApprovalProcess.State.APPROVED


def onboarding_complete(*, process: ApprovalProcess) -> None:
    actor = _system_actor(process)
    channel_set_status(channel=process.channel, status=Channel.Status.ACTIVE, user=actor, post_name="系统",
                       reason=f"渠道新增审批通过({process.number})")
    _finish(process, ProcessEvent.Action.ACTIVATE, "渠道已生效,可在BOSS系统办理业务。")


def change_apply(*, process: ApprovalProcess) -> None:
    channel = Channel.objects.select_for_update().get(pk=process.channel_id)
    values = {}
    for field, change in process.changes.items():
        model_field = Channel._meta.get_field(field)
        values[field] = (OrgUnit.objects.get(pk=change["new"]) if field == "org_unit"
                         else model_field.to_python(change["new"]))
    # on its date the timer applies it (nobody); at once, it is the last approver's doing
    by = None if process.state == ApprovalProcess.State.SCHEDULED else _system_actor(process)
    channel_apply_changes(channel=channel, changes=values, user=by, post_name="系统",
                          reason=f"核心信息变更生效({process.number})")
    _finish(process, ProcessEvent.Action.APPLY,
            f"生效日期 {process.effective_date:%Y-%m-%d},于 {timezone.localdate():%Y-%m-%d} 执行变更。")


def exit_complete(*, process: ApprovalProcess) -> None:
    channel_set_status(channel=process.channel, status=Channel.Status.CLOSED, user=_system_actor(process),
                       post_name="系统", reason=f"渠道退出办结({process.number})")
    _finish(process, ProcessEvent.Action.CLOSE, "退出清单全部确认,渠道已关闭。")


def _finish(process, action, comment):
    process.state = ApprovalProcess.State.COMPLETED
    process.save()
    event_record(process=process, action=action, comment=comment, step="系统")
    from reports.services import document_archive_enqueue

    transaction.on_commit(lambda: document_archive_enqueue(process_id=process.pk), robust=True)


# ---------------------------------------------------------------- acting on tasks

def task_actions(task, process: ApprovalProcess, user=None) -> list[str]:
    """What may be done on the task now; a requester never approves their own request (不相容岗位分离)."""
    if task.status not in OPEN_TASK_STATUSES:
        return []
    if task.flow_task.name == "revise":
        return ["approve"]
    step = process.current_step or {}
    if step.get("action") == routes.APPROVE:
        return [] if user is not None and process.requester_id == user.pk else ["approve", "reject", "return"]
    return ["approve"]


def task_act(*, task_id, user, action: str, comment: str = "", data: dict | None = None) -> ApprovalProcess:
    """Claim (if needed) and complete a task. Exactly one of two simultaneous callers wins; the other gets 409."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    if task.status not in OPEN_TASK_STATUSES:
        raise Conflict("该任务已处理,无需重复操作。")
    if task.owner_id and task.owner_id != user.pk:
        raise Conflict(f"该任务已由{task.owner.get_full_name() or task.owner}签收处理。")
    if not can_act(user) and not user.is_superuser:
        raise NotAllowed("您的岗位为只读岗位,不能审批。")
    allowed = task_actions(task, process, user)
    if not allowed:
        raise NotAllowed("申请人不能审批本人提交的申请,请由同岗位其他人员处理。")
    if action not in allowed:
        raise ValidationError({"action": f"当前环节不支持此操作。可用操作:{'、'.join(allowed)}。"})
    comment = (comment or "").strip()
    if action in ("reject", "return") and not comment:
        raise ValidationError({"comment": REASON_REQUIRED.format(what="驳回" if action == "reject" else "退回")})
    seen_version = process.version
    try:
        with transaction.atomic():
            if not ApprovalProcess.objects.filter(pk=process.pk, version=seen_version).update(version=F("version") + 1):
                raise Conflict("该任务已被他人处理,请刷新后查看。")
            with task.activation() as activation:
                if activation.task.status not in OPEN_TASK_STATUSES or activation.task.owner_id not in (None, user.pk):
                    raise Conflict("该任务已处理,无需重复操作。")
                if activation.task.owner_id is None:
                    activation.assign(user)
                activation.start(None)
                process = activation.process  # the one instance the flow saves as it moves on
                _decide(process, activation.task, user, action, comment, data or {})
                activation.execute()
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict("该任务正在被他人处理或已处理,请刷新后查看。")
    return ApprovalProcess.objects.get(pk=process.pk)


def _decide(process, task, user, action, comment, data):
    step = process.current_step
    post_name = process.current_post.name if process.current_post_id else ""
    unit = process.current_unit
    if task.flow_task.name == "revise":
        return _resubmit(process, task, user, comment)
    title = routes.step_title(step, post_names())
    if action == "approve":
        _approve_step(process, task, user, step, post_name, unit, comment, data, title)
        process.step_index += 1
    elif action == "reject":
        _reject(process, task, user, post_name, unit, comment, title)
    else:
        process.state = ApprovalProcess.State.RETURNED
        process.step_index = 0
        event_record(process=process, action=ProcessEvent.Action.RETURN, actor=user, post=post_name, unit=unit,
                     comment=comment, task=task, step=title)
    process.last_decision = action
    process.save()


def _approve_step(process, task, user, step, post_name, unit, comment, data, title):
    action = ProcessEvent.Action.APPROVE
    if step["action"] == routes.ASSIGN_CODE:
        _assign_boss_code(process, user, data.get("boss_code", ""), post_name)
        action, comment = ProcessEvent.Action.ASSIGN_CODE, comment or f"BOSS编码:{process.channel.boss_code}"
    elif step["action"] == routes.CHECK:
        action = ProcessEvent.Action.CHECK
        comment = comment or f"已确认:{step['label']}"
    event_record(process=process, action=action, actor=user, post=post_name, unit=unit, comment=comment,
                 task=task, step=title)


def _assign_boss_code(process, user, boss_code, post_name):
    from governance.validators import validate_boss_code

    boss_code = (boss_code or "").strip()
    try:
        validate_boss_code(boss_code)
    except ValidationError as exc:
        raise ValidationError({"boss_code": exc.messages})
    if Channel.objects.filter(boss_code=boss_code).exclude(pk=process.channel_id).exists():
        raise ValidationError({"boss_code": f"BOSS编码“{boss_code}”已被其他渠道使用。"})
    channel = process.channel
    channel.boss_code = boss_code
    channel._history_user, channel._acting_post, channel._change_reason = user, post_name, "分配BOSS编码"
    channel.save(update_fields=["boss_code", "updated_at"])


def _reject(process, task, user, post_name, unit, comment, title):
    process.state = ApprovalProcess.State.REJECTED
    process.current_post = process.current_unit = None
    event_record(process=process, action=ProcessEvent.Action.REJECT, actor=user, post=post_name, unit=unit,
                 comment=comment, task=task, step=title)
    _revert_channel(process, user, post_name, f"{process.get_kind_display()}被驳回:{comment}")


def _resubmit(process, task, user, comment):
    if process.kind == ProcessKind.ONBOARDING:
        _replan_onboarding(process)
    process.state = ApprovalProcess.State.IN_REVIEW
    process.last_decision = "resubmit"
    process.save()
    submitted = process.events.filter(action=ProcessEvent.Action.SUBMIT).select_related("org_unit").first()
    event_record(process=process, action=ProcessEvent.Action.RESUBMIT, actor=user,
                 post=process.requester_post.name if process.requester_post_id else "",
                 unit=submitted.org_unit if submitted else process.org_unit,
                 comment=comment, task=task, step="修改后重新提交")


def _replan_onboarding(process):
    """The revised channel may have a new unit or type: route and approvers follow the channel as it is now."""
    channel = Channel.objects.select_related("org_unit").get(pk=process.channel_id)
    channel.full_clean()
    route = routes.route_for("onboarding", channel.channel_type)
    process.plan = routes.onboarding_plan(route, channel)
    routes.check_plan(process.plan)
    process.org_unit, process.filing, process.channel = channel.org_unit, route.filing, channel


def _revert_channel(process, user, post_name, reason):
    """A rejected or withdrawn request leaves the channel as it was before the request."""
    channel = process.channel
    if process.kind == ProcessKind.ONBOARDING and channel.status == Channel.Status.PENDING:
        channel_set_status(channel=channel, status=Channel.Status.DRAFT, user=user, post_name=post_name, reason=reason)
    elif process.kind == ProcessKind.EXIT and channel.status == Channel.Status.EXITING:
        channel_set_status(channel=channel, status=Channel.Status.ACTIVE, user=user, post_name=post_name, reason=reason)


# ---------------------------------------------------------------- withdrawing

def can_withdraw(process: ApprovalProcess, user) -> bool:
    """Only the requester, and only while nobody has decided since the (re)submission: no queries needed."""
    if process.requester_id != user.pk:
        return False
    if process.state == ApprovalProcess.State.RETURNED:
        return True
    first_decision = next((i for i, s in enumerate(process.plan) if s["action"] != routes.COPY), len(process.plan))
    return process.state == ApprovalProcess.State.IN_REVIEW and process.step_index <= first_decision


@transaction.atomic
def process_withdraw(*, process: ApprovalProcess, user, comment="") -> ApprovalProcess:
    from .flows import FLOWS

    process = ApprovalProcess.objects.select_for_update().get(pk=process.pk)
    if process.requester_id != user.pk:
        raise NotAllowed("只有申请人本人可以撤回。")
    if not can_withdraw(process, user):
        raise Conflict("审批已有处理意见或流程已结束,不能撤回。")
    FLOWS[process.kind].instance.cancel(process)
    process = ApprovalProcess.objects.get(pk=process.pk)
    process.state = ApprovalProcess.State.WITHDRAWN
    process.current_post = process.current_unit = None
    process.version += 1
    process.save()
    post_name = process.requester_post.name if process.requester_post_id else ""
    event_record(process=process, action=ProcessEvent.Action.WITHDRAW, actor=user, post=post_name,
                 unit=process.org_unit, comment=comment)
    _revert_channel(process, user, post_name, f"申请人撤回{process.get_kind_display()}")
    return process


def process_get_or_404(*, user, pk) -> ApprovalProcess:
    from .selectors import processes_for_user

    try:
        return processes_for_user(user=user).get(pk=pk)
    except (ApprovalProcess.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("流程不存在或不在您的数据范围内。")


def task_claim(*, task_id, user):
    """签收: take a queued task so colleagues in the same post see it is being handled."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    if task.status != STATUS.NEW or task.owner_id:
        raise Conflict("该任务已被签收或已处理。")
    if not can_act(user) and not user.is_superuser:
        raise NotAllowed("您的岗位为只读岗位,不能签收任务。")
    try:
        with transaction.atomic(), task.activation() as activation:
            if activation.task.status != STATUS.NEW:
                raise Conflict("该任务已被签收或已处理。")
            activation.assign(user)
            event_record(process=activation.process, action=ProcessEvent.Action.CLAIM, actor=user,
                         post=process.current_post.name if process.current_post_id else "",
                         unit=process.current_unit, task=activation.task)
    except (FlowLockFailed, TransitionNotAllowed):
        raise Conflict("该任务正在被他人处理,请刷新后查看。")
    return activation.task


# ---------------------------------------------------------------- vacancies

def tasks_requeue_vacant() -> int:
    """岗位空缺: tasks waiting on a (post, unit) nobody holds any more move up to the nearest unit that has
    a holder; a task claimed by someone who left the post goes back to the queue first. Returns tasks moved."""
    from governance.models import PostAssignment
    from governance.selectors import nearest_holder_unit

    held = {(f"post:{code}", str(unit)) for code, unit in
            PostAssignment.objects.valid_on().values_list("post__code", "org_unit_id")}
    held_by = set(PostAssignment.objects.valid_on().values_list("user_id", "post__code", "org_unit_id"))
    waiting = Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN_TASK_STATUSES,
                                  owner_permission__startswith="post:")
    for task in waiting.filter(owner__isnull=False):
        if (task.owner_id, task.owner_permission[5:], int(task.owner_permission_obj_pk)) not in held_by:
            Task.objects.filter(pk=task.pk, status=STATUS.ASSIGNED).update(owner=None, status=STATUS.NEW)
    moved = 0
    for permission, unit_pk in set(waiting.filter(owner__isnull=True).values_list(
            "owner_permission", "owner_permission_obj_pk")) - held:
        vacant = OrgUnit.objects.get(pk=unit_pk)
        target = nearest_holder_unit(vacant, permission[5:])
        if target is None:
            continue  # nobody anywhere above: the admin must appoint someone; the task stays visible to them
        moved += _requeue(permission, vacant, target)
    return moved


@transaction.atomic
def _requeue(permission, vacant, target) -> int:
    tasks = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW, owner__isnull=True,
                                owner_permission=permission, owner_permission_obj_pk=str(vacant.pk))
    process_ids = list(tasks.values_list("process_id", flat=True))
    count = tasks.update(owner_permission_obj_pk=str(target.pk))
    ApprovalProcess.objects.filter(pk__in=process_ids, current_unit=vacant).update(current_unit=target)
    post = Post.objects.get(code=permission[5:])
    for process in ApprovalProcess.objects.filter(pk__in=process_ids):
        event_record(process=process, action=ProcessEvent.Action.REQUEUE, post=post.name, unit=target,
                     comment=f"{vacant.name}“{post.name}”岗位空缺,转{target.name}处理。", step="系统")
    return count
