"""Reads of the reports app: approval-form verification codes and archives, the audit log, export jobs."""
import hashlib
import heapq
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from governance.models import Channel, OrgUnit
from governance.selectors import scoped
from workflows.models import ApprovalProcess, ProcessEvent
from workflows.selectors import processes_for_user

from .forms import CHANNEL_ACTIONS, CHANNEL_RECORD, HISTORY_TYPES, AuditLogFilterForm
from .models import ExportJob

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
    from .models import ArchivedDocument

    if process.state != ApprovalProcess.State.COMPLETED:
        return None
    archive = ArchivedDocument.objects.filter(process=process).first()
    if archive is None or archive.verification_code != (code or verification_code(process)):
        return None
    return archive


# ---------------------------------------------------------------- audit log (审计日志)

AUDIT_CHUNK = 2000
_ID_BATCH = 500  # ids per IN (...) when looking up earlier channel records


def audit_log_validate(filters) -> dict:
    """The audit-log filters cleaned by their form; ValidationError with the form's messages if invalid."""
    form = AuditLogFilterForm(data=filters or {})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, user, filters=None):
    """Approval-trail entries (ProcessEvent) of the processes the user may see, oldest first."""
    f = audit_log_validate(filters)
    events = ProcessEvent.objects.filter(process_id__in=processes_for_user(user=user).values("pk"))
    if f["kind"] == CHANNEL_RECORD or f["action"] in CHANNEL_ACTIONS:
        return events.none()
    if f["kind"]:
        events = events.filter(process__kind=f["kind"])
    if f["action"]:
        events = events.filter(action=f["action"])
    if f["actor"]:
        events = events.filter(actor__username=f["actor"])
    if f["date_from"]:
        events = events.filter(at__gte=_day_start(f["date_from"]))
    if f["date_to"]:
        events = events.filter(at__lt=_day_start(f["date_to"] + timedelta(days=1)))
    return events.select_related("actor", "org_unit", "process").order_by("at", "id")


def audit_channel_records(*, user, filters=None):
    """Channel-registry history records (simple-history) of the channels the user may see, oldest first.

    Scope is the channel detail page's: every record of a channel now in the user's scope."""
    f = audit_log_validate(filters)
    records = Channel.history.filter(id__in=scoped(Channel.objects.all(), user).values("pk"))
    if f["kind"] and f["kind"] != CHANNEL_RECORD:
        return records.none()
    if f["action"]:
        if f["action"] not in CHANNEL_ACTIONS:
            return records.none()
        records = records.filter(history_type={v: k for k, v in HISTORY_TYPES.items()}[f["action"]])
    if f["actor"]:
        records = records.filter(history_user__username=f["actor"])
    if f["date_from"]:
        records = records.filter(history_date__gte=_day_start(f["date_from"]))
    if f["date_to"]:
        records = records.filter(history_date__lt=_day_start(f["date_to"] + timedelta(days=1)))
    return records.select_related("history_user").order_by("history_date", "history_id")


def audit_log_total(*, user, filters=None) -> int:
    return audit_events(user=user, filters=filters).count() + audit_channel_records(user=user, filters=filters).count()


def _person(user) -> tuple[str, str]:
    return ((user.get_full_name() or user.username), user.username) if user else ("系统", "")


def _event_rows(events):
    for e in events.iterator(chunk_size=AUDIT_CHUNK):
        name, username = _person(e.actor)
        yield (e.at, 0, e.pk), [
            e.at, name, username, e.post, e.org_unit.name if e.org_unit_id else "",
            e.process.get_kind_display(), e.process.number, e.get_action_display(), e.step, e.comment,
        ]


def _tracked_fields():
    return [f for f in Channel._meta.concrete_fields if f.name not in ("id", "updated_at")]


def _shown(field, value, units) -> str:
    if value is None or value == "":
        return "—"
    if field.name == "org_unit":
        return units.get(value, str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _channel_record_rows(records):
    """One row per record; a change's old → new values come from the channel's previous record, looked
    up per chunk (one query per chunk, whatever the date filter), so memory stays bounded."""
    fields = _tracked_fields()
    attnames = [f.attname for f in fields]
    units = dict(OrgUnit.objects.values_list("pk", "name"))
    History = Channel.history.model
    for chunk in _batched(records.iterator(chunk_size=AUDIT_CHUNK), AUDIT_CHUNK):
        changed = sorted({r.id for r in chunk if r.history_type == "~"})
        timelines = {}
        for ids in _batched(changed, _ID_BATCH):
            earlier = (History.objects.filter(id__in=ids, history_date__lte=chunk[-1].history_date)
                       .order_by("history_date", "history_id").values("id", "history_id", *attnames))
            for values in earlier:
                timelines.setdefault(values["id"], []).append(values)
        for r in chunk:
            changes = ""
            if r.history_type == "~":
                line = timelines.get(r.id, [])
                index = next((i for i, v in enumerate(line) if v["history_id"] == r.history_id), 0)
                if index:
                    before = line[index - 1]
                    changes = ";".join(
                        f"{f.verbose_name}:{_shown(f, before[f.attname], units)} → "
                        f"{_shown(f, getattr(r, f.attname), units)}"
                        for f in fields if before[f.attname] != getattr(r, f.attname))
            name, username = _person(r.history_user)
            yield (r.history_date, 1, r.history_id), [
                r.history_date, name, username, r.acting_post, "", "渠道信息", f"{r.name}({r.node_code})",
                CHANNEL_ACTIONS.get(HISTORY_TYPES.get(r.history_type), r.history_type), changes,
                r.history_change_reason or "",
            ]


def audit_log_rows(*, user, filters=None):
    """审计日志 rows, oldest first: each approval-trail entry and each channel-record change in scope."""
    merged = heapq.merge(_event_rows(audit_events(user=user, filters=filters)),
                         _channel_record_rows(audit_channel_records(user=user, filters=filters)),
                         key=lambda keyed: keyed[0])
    for _, row in merged:
        yield row


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
