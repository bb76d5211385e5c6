"""Requests of the reports app: queue the archive of a completed process's form; ask for an Excel export."""
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.errors import Conflict, NotAllowed
from governance.selectors import assignments_of

from .exports import clean_filters, report_spec
from .jobs import document_snapshot_take
from .models import ExportJob
from .tasks import archive_approval_form, run_export

logger = logging.getLogger(__name__)


def document_snapshot_on_completion(*, process, **_signal) -> None:
    """Listens to `process_completing` (inside the completing transaction): the form's snapshot. A failure is
    logged and rolled back to a savepoint, never the approval's: the download then renders the form afresh."""
    try:
        with transaction.atomic():
            document_snapshot_take(process=process)
    except Exception:
        logger.exception("审批单快照失败:流程 %s", process.pk)


ARCHIVE_EXPIRES = 3600  # s: a queued rendering older than this is dropped (the first download renders it)


def document_archive_enqueue(*, process_id: int, **_signal) -> None:
    """Listens to `process_completed` (sent after the completing transaction commits). The form's data is
    already stored (a snapshot); with a worker (APPROVAL_FORM_PRERENDER, on when a broker is set) its PDF is
    rendered in the background, otherwise on the first download. Never inside the approving request, and a
    failure here never undoes or fails the approval."""
    if not settings.APPROVAL_FORM_PRERENDER or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        archive_approval_form.apply_async((process_id,), expires=ARCHIVE_EXPIRES)
    except Exception:  # broker down, rendering error in eager mode: log, the API renders on the fly
        logger.exception("审批单归档失败:流程 %s", process_id)


# ---------------------------------------------------------------- Excel exports

MAX_ACTIVE_EXPORTS = 3  # per user; pending/running jobs older than ACTIVE_WINDOW no longer count (stuck)
ACTIVE_WINDOW = timedelta(hours=1)
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
    try:
        run_export.delay(job_id)
    except Exception:  # broker down, or an unexpected error escaping the eager run
        logger.exception("导出任务排队失败:#%s", job_id)
        ExportJob.objects.filter(pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]).update(
            status=ExportJob.Status.FAILED, error=NOT_QUEUED_MESSAGE, finished=timezone.now())


