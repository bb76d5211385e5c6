"""Reads of the reports app: approval-form verification codes and archives, export jobs."""
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.conf import settings
from django.http import Http404

from workflows.models import ApprovalProcess
from workflows.selectors import processes_for_user

from .models import ArchivedDocument, ExportJob

CODE_MESSAGE = "approval-form/v1"
_NOT_HEX = re.compile(r"[^0-9A-F]")


def _event_stamp(event_id, at) -> str:
    return f"{event_id}@{at.astimezone(dt_timezone.utc):%Y-%m-%dT%H:%M:%S.%fZ}"


def verification_code(process: ApprovalProcess, *, key: str | None = None) -> str:
    """HMAC-SHA256 (APPROVAL_FORM_KEY, a key of its own: rotating SECRET_KEY voids no printed form) over the
    number and the ids and times of the process's events.

    Any new event changes the code, so a printed copy only verifies against the state it was printed in.
    Shown as four groups of four upper-case hex digits: ``1A2B-3C4D-5E6F-7A8B``.
    """
    stamps = [_event_stamp(pk, at) for pk, at in process.events.order_by("id").values_list("id", "at")]
    message = "|".join([CODE_MESSAGE, process.number, *stamps]).encode()
    secret = (key or settings.APPROVAL_FORM_KEY).encode()
    digest = hmac.new(secret, message, hashlib.sha256).hexdigest()[:16].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def _code_matches(process: ApprovalProcess, given: str) -> bool:
    """The current key, then the retired ones (APPROVAL_FORM_KEY_FALLBACKS), so forms printed before a
    rotation of the form key still verify."""
    keys = [settings.APPROVAL_FORM_KEY, *settings.APPROVAL_FORM_KEY_FALLBACKS]
    return any(hmac.compare_digest(given, verification_code(process, key=key)) for key in keys)


def normalize_code(raw: str) -> str:
    """What a person types (spaces, lower case, dashes or none) → the canonical grouped form, or ''."""
    digits = _NOT_HEX.sub("", (raw or "").upper())
    if len(digits) != 16:
        return ""
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


@dataclass
class Verification:
    status: str  # "ok", "mismatch" or "not_found"
    process: ApprovalProcess | None = None


def document_verify(*, user, number: str, code: str) -> Verification:
    """Check a printed form against the CURRENT state of a process the user may see.

    An unknown number and a process outside the user's scope give the same answer.
    """
    number = (number or "").strip().upper()
    process = processes_for_user(user=user).filter(number=number).first() if number else None
    if process is None:
        return Verification("not_found")
    given = normalize_code(code)
    if given and _code_matches(process, given):
        return Verification("ok", process)
    return Verification("mismatch", process)


def archived_document_for(process: ApprovalProcess, code: str | None = None):
    """The archive of a completed process if it still matches the process's current code, else None."""
    if process.state != ApprovalProcess.State.COMPLETED:
        return None
    archive = ArchivedDocument.objects.filter(process=process).first()
    if archive is None or archive.verification_code != (code or verification_code(process)):
        return None
    return archive


# ---------------------------------------------------------------- export jobs

def export_jobs_of(*, user):
    """The user's own export jobs, newest first (exports belong to their requester, not to a unit)."""
    if not user or not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user).order_by("-id")


def export_job_get_or_404(*, user, pk):
    job = export_jobs_of(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("导出任务不存在。")
    return job
