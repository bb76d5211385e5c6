"""Who is told what when a request moves (站内通知, and e-mail for those who chose it).

Each function runs after the transaction that moved the request commits, so a failed approval tells
nobody; each costs a few queries whatever the size of the tables.
"""
from django.contrib.auth import get_user_model
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import PostAssignment
from governance.notifications import notify
from governance.selectors import post_names, substitute_of

from ..models import ApprovalProcess, CopyNotice
from .plan import excluded_users, step_title

NEW_TASK, RETURNED, REJECTED, COMPLETED = "task.new", "process.returned", "process.rejected", "process.completed"
REMINDED, DEADLINE, COPIED, OBJECTED = "task.reminded", "task.deadline", "process.copied", "process.objected"


def _process(process_id):
    return ApprovalProcess.objects.select_related("requester", "current_post").filter(pk=process_id).first()


def _link(process) -> str:
    return f"/processes/{process.pk}/"


def current_holders(process) -> list:
    """Who may take the current step: its person, its countersign members, or the eligible holders of its
    queue; a holder out of office is stood in for by their substitute."""
    step = process.current_step
    if not process.is_open or step is None or process.current_post_id is None:
        return []
    if step.get("user"):
        ids = {step["user"]}
    elif step.get("members"):
        ids = set(step["members"])
    else:
        ids = set(PostAssignment.objects.valid_on().filter(
            post=process.current_post, org_unit_id=process.current_unit_id).values_list("user_id", flat=True))
        ids -= excluded_users(process, step)
    owners = Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN", status=STATUS.ASSIGNED) \
        .exclude(owner=None).values_list("owner_id", flat=True)
    ids = set(owners) or ids
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    return [substitute_of(u.pk) or u for u in users]


def new_task(*, process_id: int) -> None:
    process = _process(process_id)
    if process is None or not process.is_open:
        return
    step = step_title(process.current_step, post_names()) if process.current_step else ""
    notify(users=current_holders(process), event=NEW_TASK, title=f"待办:{process.get_kind_display()} {process.number}",
           body=f"{process.title} · {step}", link=_link(process))


def _to_requester(process_id: int, event: str, what: str, body: str = "") -> None:
    process = _process(process_id)
    if process is None or process.requester is None:
        return
    notify(users=[process.requester], event=event, title=f"{what}:{process.get_kind_display()} {process.number}",
           body=body or process.title, link=_link(process))


def returned(*, process_id: int, reason: str) -> None:
    _to_requester(process_id, RETURNED, "已退回", f"退回原因:{reason}")


def rejected(*, process_id: int, reason: str) -> None:
    _to_requester(process_id, REJECTED, "已驳回", f"驳回原因:{reason}")


def finished(*, process_id: int) -> None:
    _to_requester(process_id, COMPLETED, "已办结")


def reminded(*, process_id: int, by: str) -> None:
    process = _process(process_id)
    if process is not None:
        notify(users=current_holders(process), event=REMINDED, title=f"催办:{process.get_kind_display()} {process.number}",
               body=f"{by}催促办理:{process.title}", link=_link(process))


def deadline(*, process_id: int, passed: bool) -> None:
    process = _process(process_id)
    if process is None:
        return
    what = "已超过办理时限" if passed else "即将到达办理时限"
    users = current_holders(process) + ([process.requester] if passed and process.requester else [])
    notify(users=users, event=DEADLINE, title=f"{what}:{process.get_kind_display()} {process.number}",
           body=process.title, link=_link(process))


def copied(*, copy_ids: list[int]) -> None:
    copies = list(CopyNotice.objects.filter(pk__in=copy_ids, user__isnull=False).select_related("user", "process"))
    if copies:
        process = copies[0].process
        notify(users=[c.user for c in copies], event=COPIED, title=f"抄送:{process.get_kind_display()} {process.number}",
               body=copies[0].comment or process.title, link=_link(process))


def objected(*, process_id: int, by: str, reason: str) -> None:
    _to_requester(process_id, OBJECTED, "上级提出异议", f"{by}:{reason}")


def handed(*, process_id: int, user_id: int) -> None:
    process = _process(process_id)
    user = get_user_model().objects.filter(pk=user_id).first()
    if process is not None and user is not None:
        notify(users=[substitute_of(user.pk) or user], event=NEW_TASK,
               title=f"待办:{process.get_kind_display()} {process.number}", body=f"{process.title}(转交给您办理)",
               link=_link(process))
