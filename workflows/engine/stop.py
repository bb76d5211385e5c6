"""Ending a request early: withdrawal (撤回) by the requester before anyone decided; cancellation (作废) by the
requester or an administrator at any time while it is open, with a reason."""
from django.core.exceptions import ValidationError
from django.db import transaction

from governance import posts
from governance.errors import Conflict, NotAllowed
from governance.selectors import assignments_of

from ..models import ApprovalProcess, ProcessEvent, State
from ..registry import step_for
from .actors import own_post
from .trail import Actor, event_record


def can_withdraw(process: ApprovalProcess, user) -> bool:
    """Only the requester, and only while nobody has decided since the (re)submission: no queries needed."""
    if process.requester_id is None or process.requester_id != user.pk:
        return False
    if process.state == State.RETURNED:
        return True
    first = next((i for i, s in enumerate(process.plan) if step_for(s["step"]).queued), len(process.plan))
    return process.state == State.IN_REVIEW and process.step_index <= first


@transaction.atomic
def process_withdraw(*, process: ApprovalProcess, user, comment: str = "") -> ApprovalProcess:
    process = ApprovalProcess.objects.select_for_update(of=("self",)).select_related(
        "requester_post", "org_unit").get(pk=process.pk)
    if process.requester_id != user.pk:
        raise NotAllowed("只有申请人本人可以撤回。")
    if not can_withdraw(process, user):
        raise Conflict("审批已有处理意见或流程已结束,不能撤回。")
    _end(process, State.WITHDRAWN)
    actor = Actor(user, process.requester_post, process.org_unit)
    event_record(process=process, action=ProcessEvent.Action.WITHDRAW, actor=actor, comment=comment)
    process.kind_spec.on_stop(process=process, user=user, post_name=actor.post_name)
    return process


def _end(process: ApprovalProcess, state: str) -> None:
    """Cancel the flow's open tasks and end the process in `state`."""
    flow_class = process.flow_class
    flow_class.instance.cancel(process)
    fresh = ApprovalProcess.objects.get(pk=process.pk)
    process.status, process.finished = fresh.status, fresh.finished
    process.move_to(state)
    process.current_post = process.current_unit = process.step_due = None
    process.version += 1
    process.save()


def is_admin(user) -> bool:
    return user.is_superuser or any(a.post.code == posts.ADMIN for a in assignments_of(user))


def can_cancel(process: ApprovalProcess, user) -> bool:
    return process.is_open and (process.requester_id == user.pk or is_admin(user))


@transaction.atomic
def process_cancel(*, process: ApprovalProcess, user, comment: str = "") -> ApprovalProcess:
    """作废: the request ends as cancelled; its subject goes back to how it was before the request."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写作废原因。"})
    process = ApprovalProcess.objects.select_for_update(of=("self",)).select_related(
        "requester_post", "org_unit").get(pk=process.pk)
    if process.requester_id != user.pk and not is_admin(user):
        raise NotAllowed("只有申请人本人或系统管理员可以作废申请。")
    if not process.is_open:
        raise Conflict("流程已结束,不能作废。")
    actor = Actor(user, process.requester_post, process.org_unit) if process.requester_id == user.pk \
        else own_post(user, process)
    _end(process, State.CANCELLED)
    event_record(process=process, action=ProcessEvent.Action.CANCEL, actor=actor, comment=comment)
    process.kind_spec.on_stop(process=process, user=user, post_name=actor.post_name)
    return process
