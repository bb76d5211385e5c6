"""Archived approval forms (审批单): the PDF as it stood when its process completed."""
from django.db import models

from workflows.models import ApprovalProcess


class ArchivedDocument(models.Model):
    process = models.OneToOneField(ApprovalProcess, verbose_name="审批流程", on_delete=models.PROTECT,
                                   related_name="archived_document")
    file = models.FileField("文件", upload_to="documents/%Y/%m/")
    sha256 = models.CharField("SHA-256", max_length=64)
    verification_code = models.CharField("校验码", max_length=19)
    created = models.DateTimeField("归档时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批单归档"

    def __str__(self):
        return f"{self.process.number} · {self.verification_code}"
