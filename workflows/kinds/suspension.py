"""暂停/恢复 (suspension): the 渠道经理 asks to suspend an active channel or to resume a suspended one, with a
reason; 渠道主管 and 分管领导 approve (route rows); on completion the channel's status changes, which is what
BOSS reads (GET /api/v1/channels/{id}/: `status`, `boss_operable`)."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import serializers

from governance import posts
from governance.models import Channel

from ..forms import RequestForm
from ..models import ApprovalProcess
from ..registry import register_kind
from .base import Column, CommentInput, Request
from .channels import ChannelKind, channel_facts, last_person

Status = Channel.Status


class Direction(models.TextChoices):
    SUSPEND = "suspend", "暂停营业"
    RESUME = "resume", "恢复营业"


# Which status each direction starts from and ends in.
FROM_TO = {Direction.SUSPEND: (Status.ACTIVE, Status.SUSPENDED), Direction.RESUME: (Status.SUSPENDED, Status.ACTIVE)}
ACTION_MESSAGE = "申请类型无效,可选:suspend(暂停营业)、resume(恢复营业)。"
REASON_MESSAGE = "请填写暂停或恢复的原因。"


class SuspensionStartInput(CommentInput):
    channel = serializers.IntegerField(label="渠道")
    action = serializers.ChoiceField(choices=Direction.choices, label="申请类型",
                                     error_messages={"invalid_choice": ACTION_MESSAGE, "required": ACTION_MESSAGE,
                                                     "null": ACTION_MESSAGE})
    reason = serializers.CharField(label="原因", max_length=500,
                                   error_messages={"required": REASON_MESSAGE, "blank": REASON_MESSAGE,
                                                   "null": REASON_MESSAGE})


class SuspensionForm(RequestForm):
    action = forms.ChoiceField(label="申请类型", choices=Direction.choices,
                               error_messages={"required": ACTION_MESSAGE, "invalid_choice": ACTION_MESSAGE})
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": REASON_MESSAGE})
    comment = forms.CharField(label="补充说明", required=False, max_length=2000)

    def __init__(self, *args, subject=None, **kwargs):
        if subject is not None:  # the direction the channel's status allows, preselected
            kwargs.setdefault("initial", {"action": direction_for(subject)})
        super().__init__(*args, subject=subject, **kwargs)

    def start_data(self) -> dict:
        return {"channel": self.subject.pk, **self.cleaned_data}


def direction_for(channel: Channel) -> str:
    return Direction.RESUME if channel.status == Status.SUSPENDED else Direction.SUSPEND


def direction_label(process) -> str:
    action = process.payload.get("action")
    return Direction(action).label if action in Direction.values else ""


class Suspension(ChannelKind):
    code = "suspension"
    label = "暂停/恢复营业"
    prefix = "ZT"
    requester_posts = frozenset({posts.CHANNEL_MANAGER, posts.ADMIN})
    start_input = SuspensionStartInput
    start_form = SuspensionForm
    start_label = "暂停/恢复营业"
    columns = (Column("申请类型", direction_label, 10), Column("原因", lambda p: p.payload.get("reason", ""), 30))
    template = "workflows/kinds/suspension.html"
    document_template = "reports/kinds/suspension.html"

    def prepare(self, *, subject: Channel, data, user) -> Request:
        action = data.get("action")
        if action not in Direction.values:
            raise ValidationError({"action": ACTION_MESSAGE})
        reason = str(data.get("reason") or "").strip()
        if not reason:
            raise ValidationError({"reason": REASON_MESSAGE})
        before, _ = FROM_TO[Direction(action)]
        if subject.status != before:
            raise ValidationError({"channel": f"只有“{before.label}”状态的渠道可以申请{Direction(action).label},"
                                              f"该渠道当前为“{subject.get_status_display()}”。"})
        return Request(payload={"action": action, "reason": reason[:500]}, title=subject.name)

    def complete(self, *, process: ApprovalProcess) -> str:
        direction = Direction(process.payload["action"])
        before, after = FROM_TO[direction]
        channel = Channel.objects.get(pk=process.subject_id)
        if channel.status != before:  # e.g. an exit closed it meanwhile: nothing to do, said in the trail
            return f"渠道当前为“{channel.get_status_display()}”,未执行{direction.label}。"
        self.set_status(process, after, user=last_person(process), post_name="系统",
                        reason=f"{direction.label}({process.number}):{process.payload['reason']}")
        boss = "BOSS不可办理业务" if after == Status.SUSPENDED else "BOSS恢复办理业务"
        return f"审批通过,渠道状态已变为“{after.label}”,{boss}。"

    def detail(self, process, user) -> dict:
        return {**super().detail(process, user), "action": process.payload.get("action", ""),
                "reason": process.payload.get("reason", "")}

    def page_context(self, process, user) -> dict:
        return {"direction": direction_label(process), "reason": process.payload.get("reason", ""),
                "channel_facts": channel_facts(self, process, user)}

    def document_context(self, process) -> dict:
        before, after = FROM_TO[Direction(process.payload["action"])]
        boss = "暂停后BOSS不可办理该渠道业务" if after == Status.SUSPENDED else "恢复后BOSS可办理该渠道业务"
        return {"info": [[("渠道名称", process.title), ("申请类型", direction_label(process))]],
                "content": {"direction": direction_label(process), "reason": process.payload.get("reason", ""),
                            "status_before": before.label, "boss": boss}}


SUSPENSION = register_kind(Suspension())
