"""Celery tasks of the governance app."""
from celery import shared_task

from .outbound import certificate_reminders_send
from .tasks_mail import send_notification_email  # noqa: F401  (registered with the worker here)


@shared_task(name="governance.tasks.remind_expiring_certificates")
def remind_expiring_certificates() -> int:
    """Beat runs this daily at 08:00: reminders 30 and 7 days before a certificate ends, each once."""
    return certificate_reminders_send()
