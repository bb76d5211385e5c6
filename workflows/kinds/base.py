"""How a process kind and a step kind are described; the engine only ever talks to these.

A kind module subclasses `ProcessKind` once, says what its subject is, which unit scopes it, how
its request is validated, which named conditions its route rows may use, and what happens when it
completes or stops. Step kinds (审批, 抄送, 分配编码, 清单确认 …) carry their own typed input.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from django.db.models import Model, QuerySet
from rest_framework import serializers

from governance.models import OrgUnit

from ..models import ApprovalProcess, ProcessEvent, State


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, label="意见")


@dataclass(frozen=True)
class Condition:
    """A named test a route row may require (适用条件), evaluated on the request when its plan is built."""

    label: str
    test: Callable[["PlanContext"], bool]


@dataclass(frozen=True)
class Column:
    """A list and export column of one kind: a title and how to read it off a process."""

    title: str
    value: Callable[[ApprovalProcess], Any]
    width: int = 14


@dataclass
class Request:
    """What a kind makes of a start: the request's own fields and who else sees it."""

    payload: dict
    title: str
    receiving_unit: OrgUnit | None = None


@dataclass
class PlanContext:
    """What route conditions and unit choices look at."""

    kind: "ProcessKind"
    subject: Model
    payload: dict
    unit: OrgUnit
    receiving_unit: OrgUnit | None = None


@dataclass(frozen=True)
class Rejection:
    """A step's outcome that ends the request as rejected (a failed exam, a failed QA), with the reason."""

    reason: str


@dataclass
class StepContext:
    """One person completing one step: handed to the step kind's `perform`."""

    process: ApprovalProcess
    step: dict
    user: Any
    post_name: str
    data: dict = field(default_factory=dict)
    comment: str = ""


class StepKind:
    """One kind of step. `perform` runs when the step is completed with `approve` and returns the comment
    for the trail; it may refuse with ValidationError, which leaves the task untouched."""

    code = "approve"
    label = "审批"
    actions = ("approve", "reject", "return")
    approve_label = "同意"
    event = ProcessEvent.Action.APPROVE
    event_label = ""  # how the trail names `event` when it is the kind's own (not one of ProcessEvent.Action)
    signs = True  # a signature: counts for 不相容 (one person signs at most one such step)
    state = State.IN_REVIEW
    queued = True  # False: nobody acts (抄送), the engine records it and moves on
    input_class = CommentInput
    form_class = None  # a page form (workflows.forms.RequestForm) with the step's own fields

    def perform(self, ctx: StepContext) -> "str | Rejection":
        """Carry out the step; the trail's comment, or a Rejection that ends the request."""
        return ctx.comment

    def title(self, step: dict, post_names: dict) -> str:
        return step.get("label") or f"{post_names.get(step['post'], step['post'])}{self.label}"


class ProcessKind:
    """One kind of request. Subclasses set the class attributes and override the hooks they need."""

    code = ""
    label = ""
    prefix = ""  # 审批单号前缀
    subject_model: type[Model] | None = None
    subject_field = "subject"  # the start body's key that names the subject
    subject_noun = "对象"  # how messages name the subject: 渠道, 酬金政策, 外呼人员
    category_label = "类别"
    requester_posts: frozenset[str] = frozenset()
    start_input: type[serializers.Serializer] = CommentInput
    resubmit_input: type[serializers.Serializer] = CommentInput
    start_form = None  # page form (workflows.forms.RequestForm) that starts one on a subject
    resubmit_form = None  # page form of the request's own fields for a revision
    start_label = ""  # the button that starts one on the subject's page
    conditions: dict[str, Condition] = {}
    steps: tuple[StepKind, ...] = ()  # step kinds this kind brings
    columns: tuple[Column, ...] = ()
    template = ""  # the request's own section on process and task pages
    document_template = ""  # the request's section of the approval form
    flow_class = None  # set by the engine's flows module unless a kind brings its own

    # ---- the subject
    def subjects(self, user) -> QuerySet:
        """The subjects `user` may see (the scoping selector); the engine locks the one it starts on."""
        raise NotImplementedError

    def unit_of(self, subject) -> OrgUnit:
        return subject.org_unit

    def category_of(self, subject) -> str:
        return ""

    def categories(self) -> list[tuple[str, str]]:
        return []

    def category_label_of(self, category: str) -> str:
        return dict(self.categories()).get(category, category)

    def title_of(self, subject) -> str:
        return str(subject)

    def subject_url(self, subject) -> str:
        return ""

    def may_start_on(self, subject) -> bool:
        """Whether the subject is in a state this kind starts from (offer the button only then)."""
        return True

    # ---- the request
    def prepare(self, *, subject, data: dict, user) -> Request:
        """Validate a start (raise ValidationError) and return the request's own fields."""
        return Request(payload={}, title=self.title_of(subject))

    def on_start(self, *, process: ApprovalProcess, user, post_name: str) -> None:
        """Side effects of a started request on its subject (e.g. a channel becomes 审批中)."""

    def on_return(self, *, process: ApprovalProcess, user, post_name: str) -> None:
        """The request went back to the requester for revision."""

    def on_resubmit(self, *, process: ApprovalProcess, data: dict, user) -> None:
        """Take the revised request's own fields into `process.payload` (raise ValidationError if bad)."""

    def on_stop(self, *, process: ApprovalProcess, user, post_name: str) -> None:
        """Rejected, withdrawn or cancelled: leave the subject as it was before the request."""

    def due_date(self, process: ApprovalProcess) -> date | None:
        """A date the approved request waits for (待生效), or None to complete at once."""
        return None

    def complete(self, *, process: ApprovalProcess) -> str:
        """Carry out the approved request (as the system); returns the trail's comment."""
        return "审批通过,流程办结。"

    complete_event = ProcessEvent.Action.COMPLETE

    # ---- how it reads
    def detail(self, process: ApprovalProcess, user) -> dict:
        """Extra fields of the request for the API's process detail (only the request's own fields)."""
        return {}

    def task_fields(self, process: ApprovalProcess) -> dict:
        """Extra fields of an open task of this kind in task lists (e.g. a re-check's differences)."""
        return {}

    def page_context(self, process: ApprovalProcess, user) -> dict:
        return {}

    def document_context(self, process: ApprovalProcess) -> dict:
        return {}

    def __repr__(self):
        return f"<ProcessKind {self.code}>"
