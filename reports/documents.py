"""The approval form (审批单): one Django template rendered to HTML, then to an A4 PDF by WeasyPrint."""
import copy
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.models import Channel
from governance.selectors import post_names
from workflows import routes
from workflows.models import ApprovalProcess, ProcessEvent, ProcessKind
from workflows.selectors import change_rows, step_rows

from .selectors import verification_code

TZ = ZoneInfo("Asia/Shanghai")
FONT_FAMILY = "Noto Sans CJK SC"
State = ApprovalProcess.State

# The channel's main attributes on an onboarding form, in reading order.
ONBOARDING_FIELDS = (
    "name", "node_code", "boss_code", "channel_type", "star_level", "org_unit", "address", "opening_hours",
    "floor_area", "staff_count", "contact_mobile", "operator_company", "credit_code", "legal_representative",
    "bank_name", "bank_account", "deposit", "contract_number", "contract_start", "contract_end", "business_scope",
)
STEP_STATES = {"done": "已完成", "current": "办理中", "returned": "待重新提交", "waiting": "未开始"}
STOPPED_AT = {State.REJECTED: "已驳回", State.WITHDRAWN: "已撤回"}
# Label across every page of a form that is not (or not successfully) finished.
WATERMARKS = {State.IN_REVIEW: "审批中", State.RETURNED: "草稿", State.APPROVED: "审批中",
              State.SCHEDULED: "待生效", State.CLOSING: "审批中", State.REJECTED: "已驳回",
              State.WITHDRAWN: "已撤回"}


def _time(value) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _seconds(value) -> str:
    return timezone.localtime(value, TZ).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "系统"


def _display(channel: Channel, name: str) -> str:
    field = Channel._meta.get_field(name)
    value = getattr(channel, name)
    if value in (None, ""):
        return ""
    if field.choices:
        return str(getattr(channel, f"get_{name}_display")())
    if name == "star_level":
        return f"{value}星"
    if name == "org_unit":
        return value.name
    return str(value)


def _channel_as_of(process: ApprovalProcess, events) -> Channel | None:
    """The channel as the form reports it: for a closed process, as it stood when the process ended."""
    channel = process.channel
    if channel is None or process.is_open or not events:
        return channel
    try:
        return channel.history.as_of(events[-1].at)
    except Channel.DoesNotExist:
        return channel


def _onboarding_rows(channel: Channel) -> list[dict]:
    return [{"label": str(Channel._meta.get_field(name).verbose_name), "value": _display(channel, name)}
            for name in ONBOARDING_FIELDS]


def _pairs(rows: list[dict]) -> list[list[dict]]:
    """Two label/value pairs per table row; a long value (address, scope) gets a row of its own."""
    out, pending = [], []
    for row in rows:
        if len(row["value"]) > 24:
            if pending:
                out.append(pending)
                pending = []
            out.append([row])
            continue
        pending.append(row)
        if len(pending) == 2:
            out.append(pending)
            pending = []
    if pending:
        out.append(pending)
    return out


def _checklist(process: ApprovalProcess, events, post_names: dict) -> list[dict]:
    """The exit checklist (退出清单): each item, the post that confirms it, who did and when."""
    confirmed = {e.step: e for e in events if e.action == ProcessEvent.Action.CHECK}
    rows = []
    for step in process.plan:
        if step["action"] != routes.CHECK:
            continue
        event = confirmed.get(step["label"])
        rows.append({
            "label": step["label"], "post": post_names.get(step["post"], step["post"]), "done": event is not None,
            "by": _person(event.actor) if event else "", "by_post": event.post if event else "",
            "at": _time(event.at) if event else "", "comment": event.comment if event else "",
        })
    return rows


def _steps(process: ApprovalProcess) -> list[dict]:
    rows = []
    for row in step_rows(process):
        state = STOPPED_AT[process.state] if row["state"] == "stopped" else STEP_STATES[row["state"]]
        rows.append(dict(row, state_display=state, action_display=routes.STEP_LABELS.get(row["action"], row["action"])))
    return rows


def approval_form_context(process: ApprovalProcess) -> dict:
    events = list(process.events.select_related("actor", "org_unit").order_by("at", "id"))
    names = post_names()
    submit = next((e for e in events if e.action == ProcessEvent.Action.SUBMIT), None)
    channel = _channel_as_of(process, events)
    finished_at = events[-1].at if events and not process.is_open else None
    content = {}
    if process.kind == ProcessKind.ONBOARDING and channel is not None:
        content["attributes"] = _pairs(_onboarding_rows(channel))
    elif process.kind == ProcessKind.CHANGE:
        as_of = process
        if channel is not None and channel is not process.channel:
            as_of = copy.copy(process)  # unchanged fields as they stood when the change closed
            as_of.channel = channel
        content["changes"] = change_rows(as_of)
    elif process.kind == ProcessKind.EXIT:
        content["checklist"] = _checklist(process, events, names)
    return {
        "process": process,
        "title": f"{process.get_kind_display()}审批单",
        "kind": process.kind,
        "channel": channel,
        "requester": {
            "name": _person(process.requester),
            "post": process.requester_post.name if process.requester_post_id else (submit.post if submit else ""),
            "unit": (submit.org_unit.name if submit and submit.org_unit_id else process.org_unit.name),
        },
        "unit": process.org_unit.name,
        "target_unit": process.target_unit.name if process.target_unit_id else "",
        "created": _time(process.created),
        "finished": _time(finished_at),
        "effective_date": process.effective_date.isoformat() if process.effective_date else "",
        "status": process.get_state_display(),
        "filing": process.get_filing_display(),
        "exit_reason": process.get_exit_reason_display() if process.exit_reason else "",
        "content": content,
        "steps": _steps(process),
        "events": [{
            "n": i, "at": _seconds(e.at), "actor": _person(e.actor), "post": e.post,
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


def approval_form_html(process: ApprovalProcess) -> str:
    return render_to_string("reports/approval_form.html", approval_form_context(process))


def approval_form_pdf(process: ApprovalProcess) -> bytes:
    from weasyprint import HTML  # heavy import; only where a PDF is actually made

    return HTML(string=approval_form_html(process)).write_pdf()


def document_pdf_for(process: ApprovalProcess) -> bytes:
    """The archived PDF of a completed process while its code still matches (and the file is intact),
    else a fresh rendering of the current state."""
    import hashlib
    import logging

    from .selectors import archived_document_for

    archive = archived_document_for(process)
    if archive is not None:
        try:
            with archive.file.open("rb") as fh:
                data = fh.read()
        except OSError:
            data = b""
        if data and hashlib.sha256(data).hexdigest() == archive.sha256:
            return data
        logging.getLogger(__name__).warning("审批单归档文件缺失或已损坏:%s(%s)", process.number, archive.file.name)
    return approval_form_pdf(process)
