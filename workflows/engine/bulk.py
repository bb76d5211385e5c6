"""批量办理: approve or return many tasks of one kind with one opinion; each is checked and recorded on its
own (its own transaction), and one result comes back per task; failures are listed, not hidden."""
from django.core.exceptions import ValidationError
from django.http import Http404

from governance.errors import Conflict, NotAllowed

from ..selectors import open_task_for_user
from .act import task_act

BULK_ACTIONS = ("approve", "return")
MAX_TASKS = 100


def tasks_bulk(*, user, action: str, task_ids, comment: str = "") -> list[dict]:
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": "批量办理只支持 approve(同意)或 return(退回)。"})
    if not isinstance(task_ids, list) or not task_ids or len(task_ids) > MAX_TASKS:
        raise ValidationError({"tasks": f"请选择 1-{MAX_TASKS} 个待办。"})
    kind, results = None, []
    for task_id in dict.fromkeys(task_ids):  # each once, in the order given
        try:
            _, process = open_task_for_user(task_id=task_id, user=user)
            kind = kind or process.kind
            if process.kind != kind:
                raise ValidationError("批量办理的待办须为同一类流程。")
            process = task_act(task_id=task_id, user=user, action=action, comment=comment)
            results.append({"id": task_id, "status": "ok", "detail": f"{process.number}:已办理。"})
        except Http404:
            results.append({"id": task_id, "status": "not_found", "detail": "任务不存在或不属于您。"})
        except Conflict as exc:
            results.append({"id": task_id, "status": "conflict", "detail": exc.message})
        except NotAllowed as exc:
            results.append({"id": task_id, "status": "forbidden", "detail": exc.message})
        except ValidationError as exc:
            results.append({"id": task_id, "status": "invalid", "detail": ";".join(exc.messages)})
    return results
