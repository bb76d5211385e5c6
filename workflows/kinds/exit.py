"""渠道退出 (exit): approved like an onboarding, then each close-out item (退出清单) is confirmed by its post;
the channel closes after the last one. The items are route rows of the step kind `check`."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from governance.models import Channel

from ..checklist import (AMOUNT_ERRORS, AMOUNT_LABELS, DATE_LABELS, ITEM_FIELDS, ItemValues, checklist,
                         checklist_json, item_of, item_store, last_estimate, open_check_task_id, refuse_if_blocked)
from ..forms import RequestForm
from ..models import ApprovalProcess, ProcessEvent, State
from ..registry import register_kind
from .base import Column, CommentInput, Request, StepContext, StepKind
from .channels import ChannelKind, channel_facts, last_person


class ExitReason(models.TextChoices):
    CONTRACT_END = "contract_end", "合同到期"
    VIOLATION = "violation", "违规"
    POOR_PERFORMANCE = "poor_performance", "业绩不佳"
    RELOCATION = "relocation", "搬迁"
    OPERATOR_REQUEST = "operator_request", "经营者申请"


REASON_MESSAGE = "退出原因无效,可选:" + "、".join(ExitReason.labels) + "。"


class ExitStartInput(CommentInput):
    channel = serializers.IntegerField(label="渠道")
    reason = serializers.ChoiceField(choices=ExitReason.choices, label="退出原因",
                                     error_messages={"invalid_choice": REASON_MESSAGE, "required": REASON_MESSAGE,
                                                     "null": REASON_MESSAGE})


class ExitForm(RequestForm):
    reason = forms.ChoiceField(label="退出原因", choices=[("", "请选择"), *ExitReason.choices])
    comment = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def start_data(self) -> dict:
        return {"channel": self.subject.pk, **self.cleaned_data}


class CheckInput(CommentInput, ItemValues):
    """确认清单项: the item's amount (元) and date where relevant, with the opinion."""


class CheckForm(RequestForm):
    """The open item's own fields on the task page; 酬金已结清 also shows the channel's last estimate."""

    amount = forms.DecimalField(label="金额(元)", required=False, min_value=0, max_digits=12, decimal_places=2,
                                error_messages=AMOUNT_ERRORS)
    date = forms.DateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    template = "workflows/kinds/_check_item.html"
    rules = None

    def __init__(self, *args, process=None, **kwargs):
        super().__init__(*args, process=process, **kwargs)
        step = (process.current_step if process is not None else None) or {}
        item = step.get("item", "")
        self.item = item_of(process, step) if process is not None else {}
        self.is_commission = item == "commission_settled"
        self.estimate = last_estimate(process) if self.is_commission else None
        relevant = ITEM_FIELDS.get(item, ("amount", "date"))
        for name in ("amount", "date"):
            if name not in relevant:
                del self.fields[name]
        if "amount" in self.fields:
            self.fields["amount"].label = AMOUNT_LABELS.get(item, "金额(元)")
            self.fields["amount"].initial = self.item.get("amount")
        if "date" in self.fields:
            self.fields["date"].label = DATE_LABELS.get(item, "日期")
            self.fields["date"].initial = self.item.get("date")

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("amount", "date") if name in self.fields}


class CheckStep(StepKind):
    """确认清单项: the post confirms one close-out item (its route row's label and payload `item`), with its
    amount and date; an item flagged as blocked (受阻) cannot be confirmed until the flag is cleared."""

    code = "check"
    label = "确认"
    actions = ("approve",)
    approve_label = "确认完成"
    event = ProcessEvent.Action.CHECK
    signs = False
    state = State.CLOSING
    input_class = CheckInput
    form_class = CheckForm

    def perform(self, ctx: StepContext) -> str:
        refuse_if_blocked(ctx.process, ctx.step)
        item_store(ctx.process, ctx.step, ctx.data)
        item = item_of(ctx.process, ctx.step)
        facts = "".join(f";{label} {item[name]}" for name, label in (("amount", "金额(元)"), ("date", "日期"))
                        if item.get(name))
        return (ctx.comment or f"已确认:{ctx.step['label']}") + facts


class Exit(ChannelKind):
    code = "exit"
    label = "渠道退出"
    prefix = "TC"
    start_input = ExitStartInput
    start_form = ExitForm
    start_label = "渠道退出"
    steps = (CheckStep(),)
    columns = (Column("退出原因", lambda p: ExitReason(p.payload["reason"]).label if p.payload.get("reason") else "", 12),)
    template = "workflows/kinds/exit.html"
    document_template = "reports/kinds/exit.html"
    complete_event = ProcessEvent.Action.CLOSE

    def prepare(self, *, subject: Channel, data, user) -> Request:
        reason = data.get("reason")
        if reason not in ExitReason.values:
            raise ValidationError({"reason": REASON_MESSAGE})
        if subject.status not in (Channel.Status.ACTIVE, Channel.Status.SUSPENDED):
            raise ValidationError({"channel": "只有正常或暂停状态的渠道可以发起退出。"})
        return Request(payload={"reason": reason, "status_before": subject.status}, title=subject.name)

    def on_start(self, *, process, user, post_name):
        self.set_status(process, Channel.Status.EXITING, user=user, post_name=post_name,
                        reason=f"发起退出:{ExitReason(process.payload['reason']).label}")

    def on_stop(self, *, process, user, post_name):
        before = process.payload.get("status_before", Channel.Status.ACTIVE)
        self.set_status(process, before, user=user, post_name=post_name,
                        reason=f"渠道退出{process.get_state_display()}")

    def complete(self, *, process: ApprovalProcess) -> str:
        self.set_status(process, Channel.Status.CLOSED, user=last_person(process), post_name="系统",
                        reason=f"渠道退出办结({process.number})")
        return "退出清单全部确认,渠道已关闭。"

    def detail(self, process, user) -> dict:
        return {**super().detail(process, user), "exit_reason": process.payload.get("reason", ""),
                "checklist": checklist_json(process)}

    def document_context(self, process) -> dict:
        reason = process.payload.get("reason")
        return {"info": [[("渠道名称", process.title), ("退出原因", ExitReason(reason).label if reason else "")]],
                "content": {"checklist": checklist(process)}}

    def page_context(self, process, user) -> dict:
        reason = process.payload.get("reason")
        return {"exit_reason": ExitReason(reason).label if reason else "",
                "channel_facts": channel_facts(self, process, user), "checklist": checklist(process),
                "check_task_id": open_check_task_id(process, user)}


EXIT = register_kind(Exit())
