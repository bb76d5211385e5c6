"""E-mail of notifications, sent by Celery after the change that caused them commits (Django's mail backends:
the console in the embedded default, SMTP from EMAIL_URL in production)."""
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail


@shared_task(name="governance.tasks.send_notification_email")
def send_notification_email(title: str, body: str, link: str, recipients: list[str]) -> int:
    text = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{link}" if link else body
    messages = [(f"【渠道审批系统】{title}", text, None, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)
