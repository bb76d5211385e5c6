"""The step kinds every process kind may use: 审批 (approve) and 抄送 (copy)."""
from ..models import ProcessEvent
from ..registry import register_step
from .base import StepKind


class ApproveStep(StepKind):
    """审批: approve, reject or return, by any holder of the post (或签)."""


class CopyStep(StepKind):
    """抄送: the post is told; nobody acts and the request moves on (报备)."""

    code = "copy"
    label = "抄送"
    actions = ()
    event = ProcessEvent.Action.COPY
    signs = False
    queued = False


APPROVE = register_step(ApproveStep())
COPY = register_step(CopyStep())
