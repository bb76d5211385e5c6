"""The one approval flow every process kind runs. It reads like the diagram; the rules live in `engine`.

The route is data (a plan of steps stored on the process), so `review` is one node that serves every
step, whoever holds its post; `finish` waits for a due date when the kind has one (a change's 生效日期).
"""
from django.shortcuts import redirect
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow import Flow
from viewflow.workflow.lock import select_for_update_lock

from governance.backends import post_permission

from .engine import routing
from .engine.trail import Actor, event_record
from .models import ApprovalProcess, Decision, ProcessEvent
from .nodes import DecisionView


def task_redirect(request, **kwargs):
    """The node view Viewflow needs: a task is handled on its own page."""
    return redirect("workflows:task", task_id=kwargs.get("task_pk"))


def _process(process) -> ApprovalProcess:
    return process if isinstance(process, ApprovalProcess) else ApprovalProcess.objects.get(pk=process.pk)


def queue_permission(activation) -> str | None:
    """A post's queue ("post:<code>" on the unit), or none for a step of one person (加签)."""
    process = _process(activation.process)
    if not process.current_post_id or (process.current_step or {}).get("user"):
        return None
    return post_permission(process.current_post.code)


def queue_unit(process):
    return _process(process).current_unit


def requester(activation):
    return _process(activation.process).requester


def assignee(activation):
    return routing.step_assignee(_process(activation.process))


def has_open_step(activation) -> bool:
    return _process(activation.process).current_post_id is not None


def was_returned(activation) -> bool:
    return _process(activation.process).decision == Decision.RETURN


def was_rejected(activation) -> bool:
    return _process(activation.process).decision == Decision.REJECT


def is_due(activation) -> bool:
    return routing.is_due(_process(activation.process))


def due_at(activation):
    return routing.due_at(_process(activation.process))


class ApprovalFlow(Flow):
    """审批流程: submit → each step of the plan → carried out (at once or on its due date)."""

    process_class = ApprovalProcess
    lock_impl = select_for_update_lock

    start = flow.StartHandle(this.start_process).Annotation(title="提交申请").Next(this.route)
    route = flow.Function(this.route_next).Annotation(title="按路由确定下一环节").Next(this.has_step)
    has_step = flow.If(has_open_step).Annotation(title="还有待办环节?").Then(this.review).Else(this.finish)
    # An approval routes to the next step inside the decision itself (engine.act), so the step leads on at once
    # to the next step, the completion or the wait: no decide/route/has_step/finish nodes per step (issue 10).
    review = (
        DecisionView(task_redirect)
        .Annotation(title="审批")
        .Permission(queue_permission, obj=queue_unit)
        .Assign(assignee)
        .Case(this.revise, was_returned).Case(this.rejected, was_rejected)
        .Case(this.review, has_open_step).Case(this.complete, is_due).Default(this.wait)
    )
    # no longer entered; kept so that the finished tasks of earlier approvals still name a node
    decide = (flow.Switch().Annotation(title="审批结果")
              .Case(this.revise, was_returned).Case(this.rejected, was_rejected).Default(this.route))
    revise = flow.View(task_redirect).Annotation(title="修改后重新提交").Assign(requester).Next(this.route)
    rejected = flow.End().Annotation(title="已驳回")
    finish = flow.If(is_due).Annotation(title="已到生效日期?").Then(this.complete).Else(this.wait)
    wait = flow.Timer(due_at).Annotation(title="等待生效日期").Next(this.complete)
    complete = flow.Function(this.complete_process).Annotation(title="办结").Next(this.end)
    end = flow.End().Annotation(title="办结")

    def start_process(self, activation, submitted: Actor, **fields):
        for name, value in fields.items():
            setattr(activation.process, name, value)
        activation.process.save()
        event_record(process=activation.process, action=ProcessEvent.Action.SUBMIT, actor=submitted,
                     comment=fields.get("comment", ""),
                     unit=submitted.unit or activation.process.org_unit)  # first in the trail, before any copy
        return activation.process

    def route_next(self, activation):
        routing.process_route_next(process=_process(activation.process))

    def complete_process(self, activation):
        routing.process_complete(process=_process(activation.process))
