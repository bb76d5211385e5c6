"""The exit checklist (退出清单): each item's amount (元) and date, its evidence files, and a blocked flag with
a reason. The person who may act on the item's open step records them; a blocked item cannot be confirmed.
Every change is a line of the trail. Evidence files are channel attachments: never deleted, not even when the
request is cancelled."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers

from commission.selectors import channel_last_estimate
from governance.attachments.services import attachment_add
from governance.display import person
from governance.errors import Conflict, NotAllowed
from governance.models import Attachment, Channel
from governance.selectors import post_names

from .engine.act import check_task_open_to, task_actions
from .engine.actors import actor_for
from .engine.plan import step_title
from .engine.trail import event_record
from .models import ApprovalProcess, ProcessEvent
from .selectors import inbox_for_user, open_task_for_user

CHECK = "check"
# Which of amount and date each item records (DOMAIN.md: unsettled commission, deposit refund, terminals, BOSS).
ITEM_FIELDS = {
    "commission_settled": ("amount", "date"),
    "deposit_refunded": ("amount", "date"),
    "terminals_returned": ("date",),
    "boss_code_closed": ("date",),
}
AMOUNT_LABELS = {"commission_settled": "结清酬金(元)", "deposit_refunded": "退还保证金(元)"}
DATE_LABELS = {"commission_settled": "结清日期", "deposit_refunded": "退还日期", "terminals_returned": "回收日期",
               "boss_code_closed": "关闭日期"}
NOT_A_CHECK = "当前环节不是退出清单项,不能登记。"
REASON_NEEDED = "标记受阻时请填写受阻原因。"
BLOCKED = "清单项“{label}”已标记受阻({reason}),解除受阻后才能确认完成。"
AMOUNT_ERRORS = {"invalid": "金额应为数字,如 1200.50。", "min_value": "金额不能为负数。",
                 "max_digits": "金额过大。", "max_decimal_places": "金额最多保留两位小数(分)。",
                 "max_whole_digits": "金额过大。"}


class ItemValues(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False,
                                      allow_null=True, label="金额(元)", error_messages=AMOUNT_ERRORS)
    date = serializers.DateField(required=False, allow_null=True, label="日期",
                                 error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})


class ItemRecordInput(ItemValues):
    blocked = serializers.BooleanField(required=False, default=False, label="受阻",
                                       error_messages={"invalid": "受阻应为 true 或 false。"})
    blocked_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                           label="受阻原因")

    def validate(self, attrs):
        if attrs.get("blocked") and not attrs.get("blocked_reason", "").strip():
            raise serializers.ValidationError({"blocked_reason": REASON_NEEDED})
        return attrs


def item_key(step: dict) -> str:
    return step.get("item") or step.get("label", "")


def item_of(process: ApprovalProcess, step: dict) -> dict:
    return (process.payload.get("checklist") or {}).get(item_key(step), {})


def item_store(process: ApprovalProcess, step: dict, values: dict) -> None:
    """Keep amount (as text, exact) and date of the item in the request's own fields."""
    checklist = process.payload.setdefault("checklist", {})
    item = checklist.setdefault(item_key(step), {})
    for name in ITEM_FIELDS.get(step.get("item", ""), ("amount", "date")):
        if values.get(name) is not None:
            item[name] = str(values[name]) if name == "amount" else values[name].isoformat()


def refuse_if_blocked(process: ApprovalProcess, step: dict) -> None:
    item = item_of(process, step)
    if item.get("blocked"):
        raise ValidationError({"blocked": BLOCKED.format(label=step.get("label", ""), reason=item.get("reason", ""))})


# ---------------------------------------------------------------- services

def _open_check(task_id, user):
    """The caller's open checklist task and its process, or the same refusals as acting on it."""
    task, process = open_task_for_user(task_id=task_id, user=user)
    check_task_open_to(task, user)
    step = process.current_step
    if step is None or step["step"] != CHECK or task.flow_task.name == "revise":
        raise ValidationError(NOT_A_CHECK)
    if not task_actions(task, process, user):
        raise NotAllowed("按不相容岗位分离,您不能办理这一环节,请由同岗位其他人员处理。")
    return task, process, step


def _bump(process: ApprovalProcess) -> ApprovalProcess:
    """One writer at a time: a concurrent change of the process (an approval, another record) → Conflict."""
    if not ApprovalProcess.objects.filter(pk=process.pk, version=process.version).update(version=F("version") + 1):
        raise Conflict("该流程已被他人处理,请刷新后查看。")
    return ApprovalProcess.objects.select_for_update().get(pk=process.pk)


def _trail(process, task, user, step, action, comment) -> None:
    event_record(process=process, action=action, actor=actor_for(user, task, process), comment=comment, task=task,
                 step=step_title(step, post_names()), step_index=process.step_index, visit=process.visit)


@transaction.atomic
def checklist_item_record(*, task_id, user, data) -> ApprovalProcess:
    """登记清单项: amount and date, and the blocked flag with its reason (set or cleared)."""
    task, process, step = _open_check(task_id, user)
    if not hasattr(data, "get"):
        raise ValidationError("请求内容应为对象,如 {\"amount\": \"100.00\", \"date\": \"2026-11-20\"}。")
    serializer = ItemRecordInput(data=data)
    if not serializer.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in serializer.errors.items()})
    values = serializer.validated_data
    process = _bump(process)
    before = dict(item_of(process, step))
    item_store(process, step, values)
    item = process.payload["checklist"][item_key(step)]
    reason = values["blocked_reason"].strip()
    if values["blocked"]:
        item.update(blocked=True, reason=reason)
        action, comment = ProcessEvent.Action.BLOCK, f"受阻:{reason}"
    else:
        item.update(blocked=False, reason="")
        action = ProcessEvent.Action.UNBLOCK if before.get("blocked") else ProcessEvent.Action.RECORD
        comment = "解除受阻" if before.get("blocked") else "登记"
    comment += "".join(f";{label} {item[name]}" for name, label in (("amount", "金额(元)"), ("date", "日期"))
                       if name in values and values[name] is not None)
    process.save(update_fields=["payload"])
    _trail(process, task, user, step, action, comment)
    return process


@transaction.atomic
def checklist_evidence_add(*, task_id, user, file) -> Attachment:
    """上传凭证 for the open item: a channel attachment tied to the process and the item."""
    task, process, step = _open_check(task_id, user)
    attachment = attachment_add(channel=Channel(pk=process.subject_id), user=user, file=file,
                                kind=Attachment.Kind.EXIT_EVIDENCE, process_id=process.pk, step=step.get("label", ""))
    _trail(process, task, user, step, ProcessEvent.Action.EVIDENCE, f"上传凭证:{attachment.original_name}")
    return attachment


# ---------------------------------------------------------------- reads

def open_check_task_id(process: ApprovalProcess, user) -> int | None:
    """The user's open task on the current checklist item (to offer its record and evidence forms), if any."""
    step = process.current_step
    if not process.is_open or step is None or step["step"] != CHECK:
        return None
    return inbox_for_user(user=user).filter(process_id=process.pk).values_list("pk", flat=True).first()


def last_estimate(process: ApprovalProcess) -> dict | None:
    """The channel's last estimated commission month and amount (for the item 酬金已结清)."""
    channel = Channel.objects.select_related("org_unit").get(pk=process.subject_id)
    found = channel_last_estimate(channel=channel)
    if found is None:
        return None
    month, amount = found
    return {"month": f"{month:%Y-%m}", "amount": f"{amount:,.2f}"}


def checklist(process: ApprovalProcess) -> list[dict]:
    """Each item: the post that confirms it, who did and when, amount, date, blocked, evidence, and for
    酬金已结清 the channel's last estimate. Three queries (events, evidence, the estimate) whatever its length."""
    names = post_names()
    confirmed = {e.step_index: e for e in process.events.filter(action=ProcessEvent.Action.CHECK)
                 .select_related("actor")}
    evidence = {}
    for a in Attachment.objects.filter(process_id=process.pk).order_by("id"):
        evidence.setdefault(a.step, []).append(a)
    steps = [(i, s) for i, s in enumerate(process.plan) if s["step"] == CHECK]
    estimate = last_estimate(process) if any(s.get("item") == "commission_settled" for _, s in steps) else None
    return [_row(process, i, step, confirmed.get(i), names, evidence, estimate) for i, step in steps]


def _row(process, index, step, event, names, evidence, estimate) -> dict:
    item = item_of(process, step)
    return {
        "index": index, "item": step.get("item", ""), "label": step["label"],
        "post": names.get(step["post"], step["post"]), "done": event is not None,
        "current": process.is_open and index == process.step_index,
        "by": person(event.actor) if event else "", "by_post": event.post if event else "",
        "at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") if event else "",
        "comment": event.comment if event else "",
        "amount": item.get("amount", ""), "date": item.get("date", ""),
        "blocked": bool(item.get("blocked")), "reason": item.get("reason", ""),
        "evidence": evidence.get(step["label"], []),
        "estimate": estimate if step.get("item") == "commission_settled" else None,
    }


def checklist_json(process: ApprovalProcess) -> list[dict]:
    """The checklist as the API's process detail gives it."""
    return [{"step": row["index"], "item": row["item"], "label": row["label"], "post": row["post"],
             "done": row["done"], "amount": row["amount"] or None, "date": row["date"] or None,
             "blocked": row["blocked"], "blocked_reason": row["reason"],
             "evidence": [{"id": a.pk, "name": a.original_name} for a in row["evidence"]],
             "last_estimate": row["estimate"]} for row in checklist(process)]
