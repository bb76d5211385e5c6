"""Attachments (附件) of a channel: licences, contracts, permits and exit evidence. Never deleted."""
import uuid

from django.conf import settings
from django.db import models

from .channels import Channel

# Stored under a name the system makes (no user text), with the extension of the detected type.
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def attachment_path(instance: "Attachment", filename: str) -> str:
    extension = EXTENSIONS.get(instance.content_type, "bin")
    return f"attachments/{int(instance.channel_id)}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", "营业执照"
        CONTRACT = "contract", "合同"
        ACCOUNT_PERMIT = "account_permit", "开户许可证"
        EXIT_EVIDENCE = "exit_evidence", "退出凭证"
        OTHER = "other", "其他"

    channel = models.ForeignKey(Channel, verbose_name="渠道", on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField("附件类型", max_length=32, choices=Kind.choices)
    original_name = models.CharField("文件名", max_length=120)
    file = models.FileField("文件", upload_to=attachment_path, max_length=255)
    content_type = models.CharField("文件类型", max_length=32, choices=[(t, t) for t in EXTENSIONS])
    size = models.PositiveBigIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    acting_post = models.CharField("操作岗位", max_length=32, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    # Evidence for a step of a process (e.g. an exit checklist item): plain values, no key into workflows.
    process_id = models.PositiveBigIntegerField("流程ID", null=True, blank=True)
    step = models.CharField("流程环节", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["channel", "-id"]),
            models.Index(fields=["process_id"], condition=models.Q(process_id__isnull=False),
                         name="attachment_process_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.original_name}"
