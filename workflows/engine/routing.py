"""Moving a process along its plan (called by the flow's nodes): the next step's queue, and completion."""
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from governance.models import OrgUnit, Post
from governance.selectors import nearest_holder_unit, post_names

from ..models import ApprovalProcess, CopyNotice, ProcessEvent, State
from ..registry import step_for
from ..signals import process_completed
from .plan import resolve_queue, step_title
from .trail import Actor, event_record


def process_route_next(*, process: ApprovalProcess) -> None:
    """Record the copy steps passed (抄送), then point the process at the next step's queue, or at its end."""
    while (step := process.current_step) and not step_for(step["step"]).queued:
        _copy(process, step)
        process.step_index += 1
    if step is None:
        process.current_post = process.current_unit = None
        process.move_to(State.SCHEDULED if _waits(process) else State.APPROVED)
        process.save()
        return
    queue = resolve_queue(process, step)
    process.current_post, process.current_unit = queue.post, queue.unit
    process.excludes_requester = not step.get("requester_may_act")
    process.excludes_signers = bool(step.get("exclusive")) and step_for(step["step"]).signs
    process.move_to(step_for(step["step"]).state)
    process.save()
    if queue.note:
        event_record(process=process, action=ProcessEvent.Action.ESCALATE, actor=Actor(post=queue.post),
                     unit=queue.unit, comment=queue.note, step=step_title(step, post_names()),
                     step_index=process.step_index)


def _copy(process: ApprovalProcess, step: dict) -> None:
    post = Post.objects.get(code=step["post"])
    unit = nearest_holder_unit(OrgUnit.objects.get(pk=step["unit"]), post.code) or process.org_unit
    CopyNotice.objects.create(process=process, post=post, org_unit=unit)
    event_record(process=process, action=ProcessEvent.Action.COPY, actor=Actor(post=post), unit=unit,
                 comment=f"报备抄送{post.name}", step=f"{post.name}抄送", step_index=process.step_index)


def _waits(process: ApprovalProcess) -> bool:
    due = process.kind_spec.due_date(process)
    return due is not None and due > timezone.localdate()


def is_due(process: ApprovalProcess) -> bool:
    return not _waits(process)


def due_at(process: ApprovalProcess) -> datetime:
    return timezone.make_aware(datetime.combine(process.kind_spec.due_date(process), time.min))


def process_complete(*, process: ApprovalProcess) -> None:
    """The approved request is carried out by its kind, as the system; the completion is announced on commit."""
    comment = process.kind_spec.complete(process=process)
    process.move_to(State.COMPLETED)
    process.save()
    event_record(process=process, action=process.kind_spec.complete_event, comment=comment, step="系统")
    pk = process.pk
    transaction.on_commit(lambda: process_completed.send(sender=ApprovalProcess, process_id=pk), robust=True)
