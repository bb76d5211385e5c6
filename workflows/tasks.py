"""Celery tasks of the workflows app."""
from celery import shared_task
from viewflow.workflow import timers

from .services import tasks_requeue_vacant


@shared_task(name="workflows.tasks.fire_due_timers")
def fire_due_timers() -> int:
    """Beat runs this every minute: due change requests take effect (Viewflow timers)."""
    return timers.fire_due_timers()


@shared_task(name="workflows.tasks.requeue_vacant_tasks")
def requeue_vacant_tasks() -> int:
    """Beat runs this every ten minutes: tasks of a post nobody holds any more move up the tree."""
    return tasks_requeue_vacant()
