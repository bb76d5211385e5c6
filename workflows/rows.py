"""Task rows for lists (inbox, done, bulk results): each with its process, in one extra query per page."""
from governance.selectors import post_names

from .engine.act import RESUBMIT_TITLE, is_revise, task_actions
from .engine.plan import step_title
from .selectors import processes_by_id


def task_name(task, process, names: dict) -> str:
    if is_revise(task):
        return RESUBMIT_TITLE
    return step_title(process.current_step, names) if process.current_step else str(task.flow_task)


def task_rows(tasks) -> list[dict]:
    processes = processes_by_id(t.process_id for t in tasks)
    names = post_names()
    rows = []
    for task in tasks:
        process = processes[task.process_id]
        rows.append({
            "id": task.pk, "process_id": task.process_id, "number": process.number, "kind": process.kind,
            "name": task_name(task, process, names),
            "subject": {"id": process.subject_id, "name": process.title},
            "status": task.status, "claimed": task.owner_id is not None, "created": task.created,
            "actions": task_actions(task, process),
            **process.kind_spec.task_fields(process),
        })
    return rows
