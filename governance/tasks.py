"""Celery tasks of the governance app."""
from celery import shared_task

from .outbound import certificate_reminders_send


@shared_task(name="governance.tasks.remind_expiring_certificates")
def remind_expiring_certificates() -> int:
    """Beat runs this daily at 08:00: reminders 30 and 7 days before a certificate ends, each once."""
    return certificate_reminders_send()
