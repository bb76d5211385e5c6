"""The approval operations every page, API view, task and test calls (the engine's public face)."""
from .engine.act import task_act, task_actions
from .engine.bulk import tasks_bulk
from .engine.copies import copies_settle, copy_mark_read, copy_object, process_copy
from .engine.deadlines import can_remind, deadlines_sweep, process_remind
from .engine.handover import task_add_approver, task_claim, task_delegate, task_transfer, task_unclaim
from .engine.start import open_process_of, process_start, process_start_by_system
from .engine.stop import can_cancel, can_withdraw, process_cancel, process_withdraw
from .engine.vacancy import task_release, tasks_requeue_vacant
from .selectors import process_get_or_404

__all__ = [
    "can_cancel", "can_remind", "can_withdraw", "copies_settle", "copy_mark_read", "copy_object", "deadlines_sweep",
    "open_process_of", "process_cancel", "process_copy", "process_get_or_404", "process_remind", "process_start",
    "process_start_by_system", "process_withdraw", "task_act", "task_actions", "task_add_approver", "task_claim",
    "task_delegate", "task_release", "task_transfer", "task_unclaim", "tasks_bulk", "tasks_requeue_vacant",
]
