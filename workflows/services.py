"""The approval operations every page, API view, task and test calls (the engine's public face)."""
from .engine.act import task_act, task_actions, task_claim, task_unclaim
from .engine.start import open_process_of, process_start, process_start_by_system
from .engine.stop import can_withdraw, process_withdraw
from .engine.vacancy import task_release, tasks_requeue_vacant
from .selectors import process_get_or_404

__all__ = [
    "can_withdraw", "open_process_of", "process_get_or_404", "process_start", "process_start_by_system",
    "process_withdraw", "task_act", "task_actions", "task_claim", "task_release", "task_unclaim",
    "tasks_requeue_vacant",
]
