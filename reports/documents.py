"""The approval form (审批单): one Django template rendered to HTML, then to an A4 PDF by WeasyPrint."""
import hashlib
import logging
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.display import person
from workflows.models import ApprovalProcess, ProcessEvent
from workflows.registry import step_for
from workflows.selectors import step_rows

from .models import ArchivedDocument
from .selectors import archived_document_for, verification_code

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
FONT_FAMILY = "Noto Sans CJK SC"
State = ApprovalProcess.State

STEP_STATES = {"done": "已完成", "current": "办理中", "returned": "待重新提交", "waiting": "未开始"}
STOPPED_AT = {State.REJECTED: "已驳回", State.WITHDRAWN: "已撤回", State.CANCELLED: "已作废"}
# Label across every page of a form that is not (or not successfully) finished.
WATERMARKS = {State.IN_REVIEW: "审批中", State.RETURNED: "草稿", State.APPROVED: "审批中",
              State.SCHEDULED: "待生效", State.CLOSING: "审批中", State.REJECTED: "已驳回",
              State.WITHDRAWN: "已撤回", State.CANCELLED: "已作废"}


def _time(value) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _seconds(value) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _steps(process: ApprovalProcess) -> list[dict]:
    rows = []
    for row in step_rows(process):
        state = STOPPED_AT[process.state] if row["state"] == "stopped" else STEP_STATES[row["state"]]
        rows.append(dict(row, state_display=state, action_display=step_for(row["step"]).label))
    return rows


def approval_form_context(process: ApprovalProcess) -> dict:
    events = list(process.events.select_related("actor", "org_unit").order_by("at", "id"))
    submit = next((e for e in events if e.action == ProcessEvent.Action.SUBMIT), None)
    spec = process.kind_spec
    kind_part = spec.document_context(process)
    return {
        "process": process,
        "title": f"{process.get_kind_display()}审批单",
        "kind": process.kind,
        "requester": {
            "name": person(process.requester),
            "post": process.requester_post.name if process.requester_post_id else (submit.post if submit else ""),
            "unit": (submit.org_unit.name if submit and submit.org_unit_id else process.org_unit.name),
        },
        "unit": process.org_unit.name,
        "created": _time(process.created),
        "finished": _time(events[-1].at if events and not process.is_open else None),
        "status": process.get_state_display(),
        "filing": process.get_filing_display(),
        "info": kind_part.get("info", []),
        "content": kind_part.get("content", {}),
        "content_template": spec.document_template or "reports/kinds/default.html",
        "steps": _steps(process),
        "events": [{
            "n": i, "at": _seconds(e.at), "actor": person(e.actor), "post": e.post,
            "unit": e.org_unit.name if e.org_unit_id else "", "action": e.get_action_display(),
            "decision": e.action, "step": e.step, "comment": e.comment,
        } for i, e in enumerate(events, start=1)],
        "watermark": WATERMARKS.get(process.state, ""),
        "final": process.state == State.COMPLETED,
        "verification_code": verification_code(process),
        "verify_path": reverse("reports:verify"),
        "generated": _seconds(timezone.now()),
        "font_family": FONT_FAMILY,
    }


def approval_form_snapshot(process: ApprovalProcess) -> dict:
    """The form as it stands, frozen (cheap: a few queries and a template, no PDF): its number, title and
    verification code, and its HTML, which the PDF is made from later."""
    context = approval_form_context(process)
    return {"number": process.number, "title": context["title"], "kind": process.kind,
            "verification_code": context["verification_code"], "generated": context["generated"],
            "html": render_to_string("reports/approval_form.html", context)}


def approval_form_html(process: ApprovalProcess) -> str:
    return render_to_string("reports/approval_form.html", approval_form_context(process))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import; only where a PDF is actually made

    return HTML(string=html).write_pdf()


def approval_form_pdf(process: ApprovalProcess) -> bytes:
    return html_to_pdf(approval_form_html(process))


def snapshot_pdf(snapshot: dict) -> bytes:
    """The PDF of a stored snapshot (its HTML, frozen at completion)."""
    return html_to_pdf(snapshot["html"])


def archive_render(*, archive: ArchivedDocument) -> ArchivedDocument:
    """Render the snapshot's PDF once and keep it. Two renderers at once: the first to store wins, the
    other's file is removed and the winner's returned."""
    data = snapshot_pdf(archive.snapshot)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{archive.snapshot['number']}-{archive.verification_code.replace('-', '')[:8]}.pdf"
    stored = archive.file.storage.save(archive.file.field.generate_filename(archive, name), ContentFile(data))
    won = ArchivedDocument.objects.filter(pk=archive.pk, verification_code=archive.verification_code,
                                          sha256="").update(file=stored, sha256=digest)
    if not won:
        archive.file.storage.delete(stored)
    archive.refresh_from_db()
    return archive


def document_pdf_for(process: ApprovalProcess) -> bytes:
    """The archived PDF of a completed process while its code still matches (and the file is intact),
    rendered from its snapshot on the first download; else a fresh rendering of the current state."""
    archive = archived_document_for(process)
    if archive is not None and not archive.sha256 and archive.snapshot:
        archive = archive_render(archive=archive)
    if archive is not None and archive.sha256:
        try:
            with archive.file.open("rb") as fh:
                data = fh.read()
        except OSError:
            data = b""
        if data and hashlib.sha256(data).hexdigest() == archive.sha256:
            return data
        logger.warning("审批单归档文件缺失或已损坏:%s(%s)", process.number, archive.file.name)
    return approval_form_pdf(process)
