"""Writes of the reports app: archiving approval forms (审批单) of completed processes; Excel export jobs."""
import hashlib
import logging
import tempfile
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.errors import Conflict, NotAllowed
from governance.selectors import assignments_of
from workflows.models import ApprovalProcess

from .documents import approval_form_pdf
from .exports import clean_filters, describe, report_spec, write_xlsx
from .models import ArchivedDocument, ExportJob
from .selectors import verification_code

logger = logging.getLogger(__name__)


def document_archive(*, process_id: int) -> ArchivedDocument | None:
    """Render and store the form of a completed process. Idempotent: an archive with the same
    verification code is kept as it is; one with an outdated code gets the new file (the old file stays)."""
    process = ApprovalProcess.objects.select_related(
        "channel", "org_unit", "target_unit", "requester", "requester_post").filter(pk=process_id).first()
    if process is None or process.state != ApprovalProcess.State.COMPLETED:
        return None
    code = verification_code(process)
    existing = ArchivedDocument.objects.filter(process=process).first()
    if existing is not None and existing.verification_code == code:
        return existing
    data = approval_form_pdf(process)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{process.number}-{code.replace('-', '')[:8]}.pdf"
    if existing is not None:
        existing.file.save(name, ContentFile(data), save=False)
        existing.sha256, existing.verification_code = digest, code
        existing.save(update_fields=["file", "sha256", "verification_code"])
        return existing
    archive = ArchivedDocument(process=process, sha256=digest, verification_code=code)
    archive.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            archive.save()
    except IntegrityError:  # a concurrent worker archived it first
        archive.file.delete(save=False)
        return ArchivedDocument.objects.get(process=process)
    return archive


def document_archive_enqueue(*, process_id: int) -> None:
    """Run after the completing transaction commits: queue the archive task (inline when Celery is eager).
    A failure here must never undo or fail the approval that completed the process."""
    from .tasks import archive_approval_form

    try:
        archive_approval_form.delay(process_id)
    except Exception:  # broker down, rendering error in eager mode: log, the API renders on the fly
        logger.exception("审批单归档失败:流程 %s", process_id)


# ---------------------------------------------------------------- Excel exports

MAX_ACTIVE_EXPORTS = 3  # per user; pending/running jobs older than ACTIVE_WINDOW no longer count (stuck)
ACTIVE_WINDOW = timedelta(hours=1)
FAILED_MESSAGE = "导出失败:生成文件时出错,请稍后重试;如仍失败,请联系系统管理员(导出任务 #{pk})。"
NOT_QUEUED_MESSAGE = "导出任务未能加入队列,请稍后重试。"


def may_export(user) -> bool:
    """Everyone with a post may export what they may see (auditors included); superusers too."""
    return bool(user and user.is_authenticated and (user.is_superuser or assignments_of(user)))


@transaction.atomic
def export_request(*, user, report: str, filters: dict | None = None) -> ExportJob:
    """Queue an export of `report` for `user`'s scope. The filters are those of the report's list
    (same names and values as its query string) and are checked by the list's own FilterSet."""
    spec = report_spec(report)
    if not may_export(user):
        raise NotAllowed("您没有任何岗位,无法导出数据。")
    cleaned = clean_filters(spec, filters)
    spec.validate(user, cleaned)
    active = ExportJob.objects.filter(
        requested_by=user, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING],
        created__gte=timezone.now() - ACTIVE_WINDOW).count()
    if active >= MAX_ACTIVE_EXPORTS:
        raise Conflict(f"您已有 {active} 个导出正在进行,请等其完成后再提交。")
    job = ExportJob(requested_by=user, report=spec.name, filters=cleaned)
    job.full_clean()
    job.save()
    transaction.on_commit(partial(export_enqueue, job_id=job.pk), robust=True)
    return job


def export_enqueue(*, job_id: int) -> None:
    """After the request commits: hand the job to Celery (inline when eager). Never raises."""
    from .tasks import run_export

    try:
        run_export.delay(job_id)
    except Exception:  # broker down, or an unexpected error escaping the eager run
        logger.exception("导出任务排队失败:#%s", job_id)
        ExportJob.objects.filter(pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]).update(
            status=ExportJob.Status.FAILED, error=NOT_QUEUED_MESSAGE, finished=timezone.now())


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
        rows = write_xlsx(target, title=spec.title, columns=spec.columns, rows=spec.rows(user, filters),
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
