"""Reads for processes and tasks; every query goes through the one scoping selector."""
from django.db.models import Q, QuerySet
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.backends import post_permission
from governance.selectors import assignments_of, filtered, scoped

from .filters import ProcessFilter
from .models import ApprovalProcess, CopyNotice

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def processes_for_user(*, user) -> QuerySet:
    """Processes of the user's subtrees, including transfers into them (接收单位)."""
    return scoped(ApprovalProcess.objects.all(), user, "org_unit", "target_unit").select_related(
        "channel", "org_unit", "requester", "current_post", "current_unit")


def process_list(*, user, filters=None) -> QuerySet:
    """审批流程清单: the user's processes, newest first, narrowed by ProcessFilter.

    GET /api/v1/processes/ and the processes export both call this, so they hold the same rows."""
    return filtered(ProcessFilter, processes_for_user(user=user).order_by("-pk"), filters)


def _queue_q(user) -> Q:
    """Tasks waiting for one of the user's (post, unit) pairs."""
    q = Q(pk__in=[])
    for a in assignments_of(user):
        if not a.post.read_only:
            q |= Q(owner_permission=post_permission(a.post.code), owner_permission_obj_pk=str(a.org_unit_id))
    return q


def tasks_of_user(*, user) -> QuerySet:
    """Every human task that is or was the user's: assigned to them or queued for their post."""
    return Task.objects.filter(flow_task_type="HUMAN").filter(Q(owner=user) | _queue_q(user))


def inbox_for_user(*, user) -> QuerySet:
    """待办: open tasks assigned to the user or claimable by their post in their scope."""
    return (
        tasks_of_user(user=user)
        .filter(status__in=OPEN)
        .filter(Q(owner=user) | Q(owner__isnull=True))
        .order_by("-pk")
    )


def open_task_for_user(*, task_id, user) -> tuple[Task, ApprovalProcess]:
    try:
        task = tasks_of_user(user=user).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("任务不存在或不属于您。")
    return task, ApprovalProcess.objects.select_related("channel", "current_post", "current_unit",
                                                        "requester_post", "org_unit").get(pk=task.process_id)


def processes_by_id(ids) -> dict[int, ApprovalProcess]:
    qs = (
        ApprovalProcess.objects.filter(pk__in=set(ids))
        .select_related("channel", "current_post")
        .only("number", "kind", "state", "plan", "step_index", "requester", "channel__name", "current_post__code",
              "current_post__name")
    )
    return {p.pk: p for p in qs}


def requests_of_user(*, user) -> QuerySet:
    """我的申请."""
    return processes_for_user(user=user).filter(requester=user).order_by("-pk")


def copies_for_user(*, user) -> QuerySet:
    q = Q(pk__in=[])
    for a in assignments_of(user):
        q |= Q(post=a.post, org_unit=a.org_unit)
    return CopyNotice.objects.filter(q).select_related("process", "post").order_by("-created")


def change_rows(process: ApprovalProcess) -> list[dict]:
    """Side-by-side diff of a core-info change, with readable values: field, label, old, new, changed."""
    from governance.models import CORE_FIELDS, Channel, OrgUnit

    if not process.changes:
        return []
    units = dict(OrgUnit.objects.values_list("pk", "name"))
    rows = []
    for field in CORE_FIELDS:
        model_field = Channel._meta.get_field(field)
        change = process.changes.get(field)
        current = model_field.value_to_string(process.channel)
        old, new = (change["old"], change["new"]) if change else (current, current)
        rows.append({"field": field, "label": str(model_field.verbose_name), "changed": bool(change),
                     "old": _readable(model_field, old, units), "new": _readable(model_field, new, units)})
    return rows


def _readable(model_field, value, units):
    if model_field.name == "org_unit":
        return units.get(int(value), value) if value else ""
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def step_rows(process: ApprovalProcess) -> list[dict]:
    """The plan as a list for display: title, post, state (done / current / waiting)."""
    from governance.selectors import post_names

    from .routes import step_title

    names = post_names()
    rows = []
    for i, step in enumerate(process.plan):
        if process.state in (ApprovalProcess.State.COMPLETED, ApprovalProcess.State.APPROVED,
                             ApprovalProcess.State.SCHEDULED) or i < process.step_index:
            state = "done"
        elif i == process.step_index and process.state == ApprovalProcess.State.RETURNED:
            state = "returned"
        elif i == process.step_index and process.is_open:
            state = "current"
        elif i == process.step_index and process.state in (ApprovalProcess.State.REJECTED,
                                                           ApprovalProcess.State.WITHDRAWN):
            state = "stopped"
        else:
            state = "waiting"
        rows.append({"title": step_title(step, names), "post": names.get(step["post"], step["post"]),
                     "action": step["action"], "state": state})
    return rows
