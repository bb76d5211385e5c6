"""The approval trail (审批记录): every state change of a process as one append-only row."""
from dataclasses import dataclass

from governance.models import OrgUnit, Post

from ..models import ApprovalProcess, ProcessEvent

SYSTEM_POST = "系统"
SYSTEM_CODE = "system"


@dataclass(frozen=True)
class Actor:
    """Who acts and in which post: a person holding a post in a unit, or the system (user None)."""

    user: object = None
    post: Post | None = None
    unit: OrgUnit | None = None
    note: str = ""  # e.g. 【代理 张三】 when a substitute acts for someone out of office

    @property
    def post_name(self) -> str:
        return self.post.name if self.post else (SYSTEM_POST if self.user is None else "")

    @property
    def post_code(self) -> str:
        return self.post.code if self.post else (SYSTEM_CODE if self.user is None else "")


SYSTEM = Actor()


def acting(assignment) -> Actor:
    """The actor for a post assignment (任职) of a person; None → the system."""
    if assignment is None:
        return SYSTEM
    return Actor(assignment.user, assignment.post, assignment.org_unit)


def event_record(*, process: ApprovalProcess, action: str, actor: Actor = SYSTEM, comment: str = "", task=None,
                 step: str = "", step_index: int | None = None, unit: OrgUnit | None = None,
                 signs: bool = False, visit: int | None = None) -> ProcessEvent:
    comment = f"{actor.note}{comment or ''}" if actor.note else comment or ""
    if signs and "_signatures" in process.__dict__:
        process._signatures.append((step_index, actor.user.pk if actor.user else None))  # plan.signatures
    return ProcessEvent.objects.create(
        process=process, action=action, actor=actor.user, post=actor.post_name, post_code=actor.post_code,
        org_unit=unit or actor.unit, comment=comment, task_id=task.pk if task else None, step=step,
        step_index=step_index, signs=signs, visit=visit,
    )
