"""Moving a process along its plan (called by the flow's nodes): the next step's queue, and completion."""
from datetime import datetime, time
from math import ceil

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from governance.calendar import add_working_days
from governance.models import OrgUnit, Post, PostAssignment
from governance.selectors import nearest_holder_unit, post_names, substitute_of

from ..models import ApprovalProcess, CopyNotice, ProcessEvent, RouteStep, State
from ..registry import step_for
from ..signals import process_completed, process_completing
from . import notices
from .plan import eligible_holders, resolve_queue, step_title
from .trail import Actor, event_record

COUNTERSIGN = (RouteStep.Mode.ALL, RouteStep.Mode.SHARE)
OWN_FIELDS = [f.name for f in ApprovalProcess._meta.local_concrete_fields if not f.primary_key]


def process_route_next(*, process: ApprovalProcess) -> None:
    """Record the copy steps passed (抄送), then point the process at the next step's queue, or at its end."""
    while (step := process.current_step) and not step_for(step["step"]).queued:
        _copy(process, step)
        process.step_index += 1
    if step is None:
        process.current_post = process.current_unit = process.step_due = None
        process.move_to(State.SCHEDULED if _waits(process) else State.APPROVED)
        _save(process)
        return
    _enter(process, step)


def _save(process: ApprovalProcess) -> None:
    """Routing changes only the approval's own columns: Viewflow's process row is left as it is."""
    process.save(update_fields=OWN_FIELDS)


def _enter(process: ApprovalProcess, step: dict) -> None:
    process.visit += 1
    if step.get("user"):
        _enter_personal(process, step)
    else:
        _enter_queue(process, step)
    process.excludes_requester = not step.get("requester_may_act")
    process.excludes_signers = bool(step.get("exclusive")) and step_for(step["step"]).signs
    process.step_due = add_working_days(timezone.now(), step["due_days"]) if step.get("due_days") else None
    process.step_alerts = 0
    process.move_to(step_for(step["step"]).state)
    _save(process)
    notices.new_task(process, entered=True)


def _enter_queue(process: ApprovalProcess, step: dict) -> None:
    queue = resolve_queue(process, step)
    process.current_post, process.current_unit = queue.post, queue.unit
    if step.get("mode") in COUNTERSIGN:
        members = eligible_holders(process, step, queue.unit)
        needed = len(members) if step["mode"] == RouteStep.Mode.ALL else ceil(len(members) * step["share"] / 100)
        process.plan[process.step_index] = {**step, "members": members, "needed": max(1, needed)}
    if queue.note:
        event_record(process=process, action=ProcessEvent.Action.ESCALATE, actor=Actor(post=queue.post),
                     unit=queue.unit, comment=queue.note, step=step_title(step, post_names()),
                     step_index=process.step_index, visit=process.visit)


def _enter_personal(process: ApprovalProcess, step: dict) -> None:
    """A step for one person (加签): their substitute takes it while they are out of office."""
    stand_in = substitute_of(step["user"])
    if stand_in is not None:
        process.plan[process.step_index] = {**step, "user": stand_in.pk, "for_user": step["user"]}
    process.current_post = Post.objects.get(code=step["post"])
    process.current_unit = OrgUnit.objects.get(pk=step["unit"])


def step_assignee(process: ApprovalProcess):
    """The person a personal step is assigned to (the flow's Assign), else nobody (a post's queue)."""
    step = process.current_step or {}
    return get_user_model().objects.get(pk=step["user"]) if step.get("user") else None


def _copy(process: ApprovalProcess, step: dict) -> None:
    """报备抄送: each holder of the post is told; with an objection window (异议期) they may object until it ends."""
    post = Post.objects.get(code=step["post"])
    unit = nearest_holder_unit(OrgUnit.objects.get(pk=step["unit"]), post.code) or process.org_unit
    days = process.route_snapshot.get("objection_days", 0)
    until = add_working_days(timezone.now(), days) if days else None
    holders = PostAssignment.objects.valid_on().filter(post=post, org_unit=unit).values_list("user_id", flat=True)
    copies = CopyNotice.objects.bulk_create([CopyNotice(process=process, post=post, org_unit=unit, user_id=user_id,
                                                        objection_until=until) for user_id in sorted(set(holders))]
                                            or [CopyNotice(process=process, post=post, org_unit=unit)])
    window = f",异议期至 {timezone.localtime(until):%Y-%m-%d %H:%M}" if until else ""
    event_record(process=process, action=ProcessEvent.Action.COPY, actor=Actor(post=post), unit=unit,
                 comment=f"报备抄送{post.name}{window}", step=f"{post.name}抄送", step_index=process.step_index)
    ids = [c.pk for c in copies]
    notices.copied(copy_ids=ids)


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
    _save(process)
    event_record(process=process, action=process.kind_spec.complete_event, comment=comment, step="系统")
    process_completing.send(sender=ApprovalProcess, process=process)
    pk = process.pk
    transaction.on_commit(lambda: process_completed.send(sender=ApprovalProcess, process_id=pk), robust=True)
    notices.finished(process)

