"""Starting a request of any kind: scope, one open request per subject, who may ask, the route, the plan."""
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from governance.errors import Conflict, NotAllowed
from governance.models import OrgUnit
from governance.selectors import can_act, post_names
from governance.services import acting_assignment

from ..flows import ApprovalFlow
from ..kinds.base import PlanContext, ProcessKind
from ..models import OPEN_STATES, ApprovalProcess
from ..registry import kind_for
from .plan import build_plan, check_plan, route_for, route_snapshot
from .trail import SYSTEM, Actor, acting

BAD_ID = (ValueError, TypeError, OverflowError)


def kind_or_404(code: str) -> ProcessKind:
    try:
        return kind_for(code)
    except LookupError:
        raise Http404("未知的流程类型。")


@transaction.atomic
def process_start(*, kind: str, user, data: dict) -> ApprovalProcess:
    """A person starts a request: the subject must be in their scope (404), free of another open request
    (409), and theirs to ask for (403); the kind validates the request (400)."""
    spec = kind_or_404(kind)
    subject = _lock_subject(spec, user, data.get(spec.subject_field))
    actor = _requester(spec, user, spec.unit_of(subject))
    return _begin(spec, subject, data=data, actor=actor)


@transaction.atomic
def process_start_by_system(*, kind: str, subject, data: dict | None = None) -> ApprovalProcess:
    """The system starts a request (e.g. from a timer or a data check); the trail names 系统 as requester."""
    spec = kind_or_404(kind)
    subject = type(subject).objects.select_for_update().get(pk=subject.pk)
    _refuse_if_busy(spec, subject)
    return _begin(spec, subject, data=data or {}, actor=SYSTEM)


def _lock_subject(spec: ProcessKind, user, pk):
    try:
        visible = spec.subjects(user).filter(pk=pk).exists()
    except BAD_ID:
        visible = False
    if not visible:
        raise Http404(f"{spec.subject_noun}不存在或不在您的数据范围内。")
    subject = spec.subject_model.objects.select_for_update().get(pk=pk)
    _refuse_if_busy(spec, subject)
    return subject


def _refuse_if_busy(spec: ProcessKind, subject) -> None:
    busy = open_process_of(subject)
    if busy is not None:
        raise Conflict(f"该{spec.subject_noun}已有进行中的流程“{busy.number} {busy.get_kind_display()}”,"
                       "请待其办结后再发起。")


def open_process_of(subject) -> ApprovalProcess | None:
    """The open request on a subject, if any (one at a time per subject)."""
    return ApprovalProcess.objects.filter(subject_type=ContentType.objects.get_for_model(subject),
                                          subject_id=subject.pk, state__in=OPEN_STATES).first()


def _requester(spec: ProcessKind, user, unit: OrgUnit) -> Actor:
    if not can_act(user) and not user.is_superuser:
        raise NotAllowed("您的岗位为只读岗位,不能发起流程。")
    assignment = acting_assignment(user, unit, spec.requester_posts)
    if assignment is None and not user.is_superuser:
        names = post_names()
        allowed = "、".join(names.get(code, code) for code in sorted(spec.requester_posts))
        raise NotAllowed(f"只有{allowed}可以为本单位发起“{spec.label}”。")
    return acting(assignment) if assignment else Actor(user)


def _begin(spec: ProcessKind, subject, *, data: dict, actor: Actor) -> ApprovalProcess:
    request = spec.prepare(subject=subject, data=data, user=actor.user)
    unit = spec.unit_of(subject)
    category = spec.category_of(subject)
    snapshot = route_snapshot(route_for(spec, category=category, tier=unit.tier), category=category, tier=unit.tier)
    plan = build_plan(snapshot["steps"], PlanContext(spec, subject, request.payload, unit, request.receiving_unit))
    check_plan(plan, requester=actor.user)
    flow_class = spec.flow_class or ApprovalFlow
    process = flow_class.start.run(
        kind=spec.code, number=f"TMP-{uuid.uuid4().hex}", org_unit=unit, receiving_unit=request.receiving_unit,
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, title=request.title[:200],
        requester=actor.user, requester_post=actor.post, filing=snapshot["filing"], route_snapshot=snapshot, plan=plan,
        payload=request.payload, comment=(data.get("comment") or "").strip(), submitted=actor,
    )
    number = f"{spec.prefix}{timezone.localdate():%Y%m%d}{process.pk:06d}"
    ApprovalProcess.objects.filter(pk=process.pk).update(number=number)
    process = ApprovalProcess.objects.get(pk=process.pk)
    spec.on_start(process=process, user=actor.user, post_name=actor.post_name)
    return process
