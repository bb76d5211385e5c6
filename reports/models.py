"""Archived approval forms (审批单): the PDF as it stood when its process completed; Excel export jobs."""
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from workflows.models import ApprovalProcess


class ArchivedDocument(models.Model):
    """The approval form of a completed process: its data snapshot at once, its PDF once rendered."""

    process = models.OneToOneField(ApprovalProcess, verbose_name="审批流程", on_delete=models.PROTECT,
                                   related_name="archived_document")
    # The form's data as it stood at completion (written in the completing transaction); the PDF is
    # rendered from it later, on first download or by a worker, and then kept in `file`.
    snapshot = models.JSONField("审批单数据", default=dict, blank=True)
    file = models.FileField("文件", upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    verification_code = models.CharField("校验码", max_length=19)
    created = models.DateTimeField("归档时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批单归档"

    def __str__(self):
        return f"{self.process.number} · {self.verification_code}"


class ExportJob(models.Model):
    """One Excel export (导出) of a list, run by a Celery task; it belongs to the user who asked for it."""

    class Report(models.TextChoices):
        CHANNELS = "channels", "渠道清单"
        PROCESSES = "processes", "审批流程"
        AUDIT_LOG = "audit-log", "审计日志"
        COMMISSION_POLICIES = "commission-policies", "酬金政策"
        CERTIFICATES = "certificates", "外呼资格证书"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导出中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="export_jobs")
    report = models.CharField("报表", max_length=32, choices=Report.choices)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("进度(%)", default=0, validators=[MaxValueValidator(100)])
    row_count = models.PositiveIntegerField("行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField("错误信息", blank=True)
    created = models.DateTimeField("提交时间", auto_now_add=True)
    finished = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        indexes = [models.Index(fields=["requested_by", "-id"])]

    def __str__(self):
        return f"{self.get_report_display()} #{self.pk} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
