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


# What a person can be told of (事件), and how they read it. Other apps send these codes.
EVENTS = {
    "task.new": "新的待办",
    "task.reminded": "催办",
    "task.deadline": "办理时限提醒",
    "process.returned": "申请被退回",
    "process.rejected": "申请被驳回",
    "process.completed": "申请已办结",
    "process.copied": "抄送给我",
    "process.objected": "上级提出异议",
    "certificate.expiring": "外呼证书即将到期",
}


class NotificationPreference(models.Model):
    """Which events a person is told of, in the application and by e-mail (by default: in-app, no e-mail)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="notification_preferences")
    event = models.CharField("事件", max_length=64, choices=list(EVENTS.items()))
    in_app = models.BooleanField("站内通知", default=True)
    email = models.BooleanField("邮件通知", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "通知设置"
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_event")]

    def __str__(self):
        return f"{self.user} · {self.get_event_display()}"
