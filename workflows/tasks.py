"""Celery tasks of the workflows app: what beat runs on the clock."""
from celery import shared_task
from viewflow.workflow import timers

from .services import copies_settle, deadlines_sweep, tasks_requeue_vacant


@shared_task(name="workflows.tasks.fire_due_timers")
def fire_due_timers() -> int:
    """Beat runs this every minute: due change requests take effect (Viewflow timers)."""
    return timers.fire_due_timers()


@shared_task(name="workflows.tasks.requeue_vacant_tasks")
def requeue_vacant_tasks() -> int:
    """Beat runs this every ten minutes: tasks of a post nobody holds any more move up the tree."""
    return tasks_requeue_vacant()


@shared_task(name="workflows.tasks.sweep_deadlines")
def sweep_deadlines() -> int:
    """Beat runs this every five minutes: reminders before and at a step's time limit, then what the route
    says (escalate, approve or return)."""
    return deadlines_sweep()


@shared_task(name="workflows.tasks.settle_filings")
def settle_filings() -> int:
    """Beat runs this every ten minutes: 报备 filings whose objection window (异议期) passed stand."""
    return copies_settle()
