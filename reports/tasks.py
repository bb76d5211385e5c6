"""Celery tasks of the reports app."""
from celery import shared_task

from .jobs import document_archive, export_run, exports_tidy


@shared_task(name="reports.tasks.archive_approval_form")
def archive_approval_form(process_id: int) -> int | None:
    """Render the approval form of a completed process and store it (idempotent)."""
    archive = document_archive(process_id=process_id)
    return archive.pk if archive else None


@shared_task(name="reports.tasks.run_export")
def run_export(job_id: int) -> str | None:
    """Write the .xlsx of an export job; failures end the job as failed, they are not raised."""
    job = export_run(job_id=job_id)
    return job.status if job else None


@shared_task(name="reports.tasks.tidy_exports")
def tidy_exports() -> tuple[int, int]:
    """Beat runs this hourly: interrupted jobs end as failed, week-old files are removed."""
    return exports_tidy()
