"""The channel lifecycle flows. They read like the diagram; the rules live in `services`.

Every flow shares one approval loop: the route is data (a plan of steps stored on the
process), so `review` is one node that serves every step, whoever holds its post.
"""
from datetime import datetime, time

from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow import Flow
from viewflow.workflow.lock import select_for_update_lock

from governance.backends import post_permission

from . import services
from .models import ApprovalProcess
from .views import task_redirect


def _process(process) -> ApprovalProcess:
    return process if isinstance(process, ApprovalProcess) else ApprovalProcess.objects.get(pk=process.pk)


def queue_permission(activation) -> str | None:
    process = _process(activation.process)
    return post_permission(process.current_post.code) if process.current_post_id else None


def queue_unit(process):
    return _process(process).current_unit


def requester(activation):
    return _process(activation.process).requester


def has_open_step(activation) -> bool:
    return _process(activation.process).current_post_id is not None


def was_returned(activation) -> bool:
    return _process(activation.process).last_decision == "return"


def was_rejected(activation) -> bool:
    return _process(activation.process).last_decision == "reject"


def change_is_due(activation) -> bool:
    return _process(activation.process).effective_date <= timezone.localdate()


def change_due_at(activation) -> datetime:
    day = _process(activation.process).effective_date
    return timezone.make_aware(datetime.combine(day, time.min))


class ApprovalLoop:
    """Nodes shared by the channel flows; each flow adds its own `finish` tail."""

    process_class = ApprovalProcess
    lock_impl = select_for_update_lock

    start = flow.StartHandle(this.start_process).Annotation(title="提交申请").Next(this.route)
    route = flow.Function(this.route_next_step).Annotation(title="按路由确定下一环节").Next(this.has_step)
    has_step = flow.If(has_open_step).Annotation(title="还有待办环节?").Then(this.review).Else(this.finish)
    review = (
        flow.View(task_redirect)
        .Annotation(title="审批")
        .Permission(queue_permission, obj=queue_unit)
        .Next(this.decide)
    )
    decide = flow.Switch().Annotation(title="审批结果").Case(this.revise, was_returned).Case(this.rejected, was_rejected).Default(this.route)
    revise = flow.View(task_redirect).Annotation(title="修改后重新提交").Assign(requester).Next(this.route)
    rejected = flow.End().Annotation(title="已驳回")
    end = flow.End().Annotation(title="办结")

    def start_process(self, activation, submitted=None, **fields):
        for name, value in fields.items():
            setattr(activation.process, name, value)
        activation.process.save()
        services.submit_record(process=activation.process, **submitted)  # first in the trail, before any copy
        return activation.process

    def route_next_step(self, activation):
        services.process_route_next(process=_process(activation.process))


class OnboardingFlow(ApprovalLoop, Flow):
    """渠道新增

    Manager enters the channel; the city reviews and signs off, province marketing approves
    (报批) or is copied (报备); the city support centre assigns the BOSS code; the channel is active.
    """

    finish = flow.Function(this.activate_channel).Annotation(title="渠道生效").Next(this.end)

    def activate_channel(self, activation):
        services.onboarding_complete(process=_process(activation.process))


class ChangeFlow(ApprovalLoop, Flow):
    """核心信息变更

    Old and new core fields side by side; a bank or operator change adds province finance,
    a transfer adds the receiving unit; the change applies on its effective date.
    """

    finish = flow.If(change_is_due).Annotation(title="已到生效日期?").Then(this.apply).Else(this.wait)
    wait = flow.Timer(change_due_at).Annotation(title="等待生效日期").Next(this.apply)
    apply = flow.Function(this.apply_change).Annotation(title="变更生效").Next(this.end)

    def apply_change(self, activation):
        services.change_apply(process=_process(activation.process))


class ExitFlow(ApprovalLoop, Flow):
    """渠道退出

    The exit is approved like an onboarding, then each close-out item is confirmed by its
    post (commission settled, deposit refunded, terminals returned, BOSS code closed).
    """

    finish = flow.Function(this.close_channel).Annotation(title="关闭渠道").Next(this.end)

    def close_channel(self, activation):
        services.exit_complete(process=_process(activation.process))


FLOWS = {
    "onboarding": OnboardingFlow,
    "change": ChangeFlow,
    "exit": ExitFlow,
}
