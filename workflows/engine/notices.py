"""Who is told what when a request moves (站内通知, and e-mail for those who chose it).

Each function runs inside the transaction that moves the request: its notices commit with it and its e-mail
is sent after the commit, so a failed approval tells nobody; each costs a few queries whatever the size of
the tables.
"""
from django.contrib.auth import get_user_model
from django.db.models import Q
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import PostAssignment
from governance.notifications import notify
from governance.selectors import post_names, substitutes_of

from ..models import ApprovalProcess, CopyNotice
from .plan import excluded_users, step_title

NEW_TASK, RETURNED, REJECTED, COMPLETED = "task.new", "process.returned", "process.rejected", "process.completed"
REMINDED, DEADLINE, COPIED, OBJECTED = "task.reminded", "task.deadline", "process.copied", "process.objected"


def _link(process) -> str:
    return f"/processes/{process.pk}/"


def current_holders(process, *, claimed: bool = True) -> list:
    """Who may take the current step: its person, its countersign members, or the eligible holders of its
    queue; a holder out of office is stood in for by their substitute. `claimed=False`: the step was just
    entered, so no task of it is claimed yet (no need to look)."""
    step = process.current_step
    if not process.is_open or step is None or process.current_post_id is None:
        return []
    if step.get("user") or step.get("members"):
        who = Q(pk__in=[step["user"]] if step.get("user") else step["members"])
    else:
        holders = PostAssignment.objects.valid_on().filter(post_id=process.current_post_id,
                                                          org_unit_id=process.current_unit_id).values("user_id")
        who = Q(pk__in=holders) & ~Q(pk__in=excluded_users(process, step))  # one query with the users
    if claimed:
        owners = set(Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN", status=STATUS.ASSIGNED)
                     .exclude(owner=None).values_list("owner_id", flat=True))
        who = Q(pk__in=owners) if owners else who
    users = list(get_user_model().objects.filter(who, is_active=True))
    standing_in = substitutes_of(users)
    return [standing_in.get(u.pk, u) for u in users]


def new_task(process: ApprovalProcess, *, entered: bool = False) -> None:
    """待办 to whoever may take the step now; `entered`: the process has just entered it (nothing claimed)."""
    if not process.is_open:
        return
    step = step_title(process.current_step, post_names()) if process.current_step else ""
    notify(users=current_holders(process, claimed=not entered), event=NEW_TASK,
           title=f"待办:{process.get_kind_display()} {process.number}",
           body=f"{process.title} · {step}", link=_link(process))


def _to_requester(process: ApprovalProcess, event: str, what: str, body: str = "") -> None:
    if process.requester is None:
        return
    notify(users=[process.requester], event=event, title=f"{what}:{process.get_kind_display()} {process.number}",
           body=body or process.title, link=_link(process))


def returned(process: ApprovalProcess, reason: str) -> None:
    _to_requester(process, RETURNED, "已退回", f"退回原因:{reason}")


def rejected(process: ApprovalProcess, reason: str) -> None:
    _to_requester(process, REJECTED, "已驳回", f"驳回原因:{reason}")


def finished(process: ApprovalProcess) -> None:
    _to_requester(process, COMPLETED, "已办结")


def reminded(process: ApprovalProcess, by: str) -> None:
    notify(users=current_holders(process), event=REMINDED, title=f"催办:{process.get_kind_display()} {process.number}",
           body=f"{by}催促办理:{process.title}", link=_link(process))


def deadline(process: ApprovalProcess, passed: bool) -> None:
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


def objected(process: ApprovalProcess, by: str, reason: str) -> None:
    _to_requester(process, OBJECTED, "上级提出异议", f"{by}:{reason}")


def handed(process: ApprovalProcess, user) -> None:
    notify(users=[substitutes_of([user]).get(user.pk, user)], event=NEW_TASK,
           title=f"待办:{process.get_kind_display()} {process.number}", body=f"{process.title}(转交给您办理)",
           link=_link(process))
