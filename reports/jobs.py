"""What the background tasks do: archive an approval form, write an export, tidy old exports.

Each runs inside a Celery task (reports.tasks) and never raises to it: failures end as a failed job or a log line.
"""
import logging
import tempfile
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from workflows.models import ApprovalProcess

from .documents import approval_form_snapshot, archive_render
from .exports import describe, report_spec, write_xlsx
from .models import ArchivedDocument, ExportJob

logger = logging.getLogger(__name__)
FAILED_MESSAGE = "导出失败:生成文件时出错,请稍后重试;如仍失败,请联系系统管理员(导出任务 #{pk})。"


def document_snapshot_take(*, process: ApprovalProcess) -> ArchivedDocument:
    """Store the form's snapshot and its verification code, no PDF (at completion, and for a process completed
    before snapshots existed). A snapshot with an outdated code (a later event) is replaced."""
    snapshot = approval_form_snapshot(process)
    code = snapshot["verification_code"]
    archive, created = ArchivedDocument.objects.get_or_create(
        process=process, defaults={"snapshot": snapshot, "verification_code": code})
    if not created and archive.verification_code != code:
        archive.snapshot, archive.verification_code, archive.sha256 = snapshot, code, ""
        archive.save(update_fields=["snapshot", "verification_code", "sha256"])
    return archive


def document_archive(*, process_id: int) -> ArchivedDocument | None:
    """Render and store the form of a completed process (a worker's task; also what a first download does).
    Idempotent: a rendered archive with the current verification code is kept as it is."""
    process = ApprovalProcess.objects.select_related(
        "org_unit", "receiving_unit", "requester", "requester_post").filter(pk=process_id).first()
    if process is None or process.state != ApprovalProcess.State.COMPLETED:
        return None
    with transaction.atomic():
        archive = document_snapshot_take(process=process)
    return archive if archive.sha256 else archive_render(archive=archive)


def export_run(*, job_id: int) -> ExportJob | None:
    """Write the job's .xlsx (the task's body). A job runs once: only a pending job is claimed.
    Any error ends the job as failed with a Chinese message; nothing is raised."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, progress=0)
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        _export_write(job)
    except Exception as exc:
        logger.exception("导出失败:#%s", job_id)
        if job.file:
            job.file.delete(save=False)
        if isinstance(exc, ValidationError):
            message = "导出失败:筛选条件已不再有效:" + ";".join(exc.messages)
        else:
            message = FAILED_MESSAGE.format(pk=job_id)
        ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.FAILED, error=message,
                                                   finished=timezone.now())
    job.refresh_from_db()
    return job


def _export_write(job: ExportJob) -> None:
    spec = report_spec(job.report)
    user, filters = job.requested_by, job.filters
    spec.validate(user, filters)
    total = spec.total(user, filters)

    def progress(done: int) -> None:
        percent = min(99, done * 100 // total) if total else 0
        ExportJob.objects.filter(pk=job.pk).update(progress=percent, row_count=done)

    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        rows = write_xlsx(target, title=spec.title, columns=spec.columns_for(filters), rows=spec.rows(user, filters),
                          on_progress=progress, description=describe(job))
        target.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        job.file.save(f"{job.report}-{job.pk}-{stamp}.xlsx", File(target), save=False)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE, progress=100, row_count=rows,
                                               file=job.file.name, error="", finished=timezone.now())


EXPORT_STALE_AFTER = timedelta(hours=1)
EXPORT_KEPT_FOR = timedelta(days=7)


def exports_tidy(*, now=None) -> tuple[int, int]:
    """Jobs whose worker died end as failed after an hour; files older than a week are removed.

    Returns (jobs failed, files removed). Job rows stay: they are part of what was exported by whom."""
    now = now or timezone.now()
    stale = ExportJob.objects.filter(status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING],
                                     created__lt=now - EXPORT_STALE_AFTER)
    failed = stale.update(status=ExportJob.Status.FAILED, finished=now, error="导出任务中断(超过1小时未完成),请重新导出。")
    removed = 0
    for job in ExportJob.objects.filter(finished__lt=now - EXPORT_KEPT_FOR).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="", error="文件已超过保存期限(7天)被清理,如需请重新导出。")
        removed += 1
    return failed, removed
