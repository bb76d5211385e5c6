"""Writes of the reports app: archiving approval forms (审批单) of completed processes."""
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from workflows.models import ApprovalProcess

from .documents import approval_form_pdf
from .models import ArchivedDocument
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
