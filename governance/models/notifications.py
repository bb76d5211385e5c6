"""In-app notifications (站内通知): one row per recipient, read or not."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    """A message to one user; `event` says what happened (a code such as "certificate.expiring")."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications", db_index=False)  # the indexes below lead with it
    event = models.CharField("事件", max_length=64)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    created = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created", "-id"]
        indexes = [
            # "my unread, newest first": only unread rows are in it, so it stays small
            models.Index(fields=["recipient", "-created"], condition=Q(read_at__isnull=True),
                         name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created"], name="notification_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
