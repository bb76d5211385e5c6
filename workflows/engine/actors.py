"""Who acts, and in which post: the trail names the post the person holds today, never the step's post
copied from the process."""
from governance.selectors import assignments_of, covered_assignments

from ..models import ApprovalProcess, ProcessEvent
from .trail import Actor

POST_PREFIX = "post:"


def _queue(task) -> tuple[str, str]:
    return (task.owner_permission or "").removeprefix(POST_PREFIX), str(task.owner_permission_obj_pk)


def actor_for(user, task, process: ApprovalProcess) -> Actor:
    if task.flow_task.name == "revise":
        submitted = process.events.filter(action=ProcessEvent.Action.SUBMIT).select_related("org_unit").first()
        return Actor(user, process.requester_post, submitted.org_unit if submitted else process.org_unit)
    code, unit_id = _queue(task)
    for a in assignments_of(user):
        if a.post.code == code and str(a.org_unit_id) == unit_id:
            return Actor(user, a.post, a.org_unit)
    for a in covered_assignments(user):
        if a.post.code == code and str(a.org_unit_id) == unit_id:
            absent = a.user.get_full_name() or a.user.username
            return Actor(user, a.post, a.org_unit, note=f"【代理{absent}】")
    return own_post(user, process)


def own_post(user, process: ApprovalProcess) -> Actor:
    """A person acting on a task handed to them (转办, 委派, 加签): in their own post that covers the request."""
    held = [a for a in assignments_of(user) if not a.post.read_only]
    covering = [a for a in held if process.org_unit.is_within(a.org_unit)]
    chosen = (covering or held or [None])[0]
    return Actor(user, chosen.post, chosen.org_unit) if chosen else Actor(user)
