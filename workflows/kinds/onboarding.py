"""渠道新增 (onboarding): the manager enters a draft channel; the route reviews it; the city support centre
assigns its BOSS code; the channel becomes active."""
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from governance.models import Channel
from governance.services import channel_assign_boss_code

from ..forms import RequestForm
from ..models import ApprovalProcess, ProcessEvent
from ..registry import register_kind
from .base import CommentInput, Request, StepContext, StepKind
from .channels import ChannelKind, attribute_pairs, channel_as_of, channel_facts, last_person

Status = Channel.Status


class OnboardingStartInput(CommentInput):
    channel = serializers.IntegerField(label="渠道", help_text="草稿状态渠道的ID。")


class BossCodeInput(CommentInput):
    boss_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=40,
                                      label="BOSS渠道编码", help_text="6-20位字母或数字,全省唯一。")


class SubmitForm(RequestForm):
    comment = forms.CharField(label="提交说明", required=False, max_length=2000)

    def start_data(self) -> dict:
        return {"channel": self.subject.pk, "comment": self.cleaned_data["comment"]}


class BossCodeForm(RequestForm):
    boss_code = forms.CharField(label="BOSS渠道编码", required=False, max_length=40,
                                help_text="6-20位字母或数字,全省唯一。")

    def service_data(self) -> dict:
        return {"boss_code": self.cleaned_data["boss_code"]}


class AssignCodeStep(StepKind):
    """分配BOSS编码: the support centre gives the approved channel its code."""

    code = "assign_code"
    label = "分配BOSS编码"
    actions = ("approve",)
    approve_label = "提交编码"
    event = ProcessEvent.Action.ASSIGN_CODE
    signs = False
    input_class = BossCodeInput
    form_class = BossCodeForm

    def perform(self, ctx: StepContext) -> str:
        subject = Channel(pk=ctx.process.subject_id)  # read (and locked) by the service itself
        channel = channel_assign_boss_code(channel=subject, boss_code=ctx.data.get("boss_code", ""), user=ctx.user,
                                           post_name=ctx.post_name)
        return ctx.comment or f"BOSS编码:{channel.boss_code}"


class Onboarding(ChannelKind):
    code = "onboarding"
    label = "渠道新增"
    prefix = "XZ"
    start_input = OnboardingStartInput
    start_form = SubmitForm
    start_label = "提交新增审批"
    steps = (AssignCodeStep(),)
    template = "workflows/kinds/onboarding.html"
    document_template = "reports/kinds/onboarding.html"
    complete_event = ProcessEvent.Action.ACTIVATE

    def may_start_on(self, channel) -> bool:
        return channel.status == Status.DRAFT

    def prepare(self, *, subject: Channel, data, user) -> Request:
        if subject.status != Status.DRAFT:
            raise ValidationError({"channel": "只有草稿状态的渠道可以提交新增审批。"})
        subject.full_clean()
        return Request(payload={}, title=subject.name)

    def on_start(self, *, process, user, post_name):
        self.set_status(process, Status.PENDING, user=user, post_name=post_name, reason="提交渠道新增审批")

    def on_return(self, *, process, user, post_name):
        """Back to a draft the requester may correct, core fields included."""
        self.set_status(process, Status.DRAFT, user=user, post_name=post_name, reason="渠道新增被退回修改")

    def on_resubmit(self, *, process, data, user):
        channel = Channel.objects.select_related("org_unit").get(pk=process.subject_id)
        channel.full_clean()
        self.set_status(process, Status.PENDING, user=user, post_name=process.requester_post.name
                        if process.requester_post_id else "", reason="修改后重新提交渠道新增审批")

    def on_stop(self, *, process, user, post_name):
        self.set_status(process, Status.DRAFT, user=user, post_name=post_name,
                        reason=f"渠道新增{process.get_state_display()}")

    def complete(self, *, process: ApprovalProcess) -> str:
        self.set_status(process, Status.ACTIVE, user=last_person(process), post_name="系统",
                        reason=f"渠道新增审批通过({process.number})")
        return "渠道已生效,可在BOSS系统办理业务。"

    def page_context(self, process, user) -> dict:
        return {"channel_facts": channel_facts(self, process, user)}

    def document_context(self, process) -> dict:
        channel = channel_as_of(process)
        return {"info": [[("渠道名称", channel.name), ("BOSS渠道编码", channel.boss_code or "")]],
                "content": {"attributes": attribute_pairs(channel)}}


ONBOARDING = register_kind(Onboarding())
