"""社会渠道酬金政策审批 (commission policy): a city submits the month's new or changed policy; province marketing,
then province finance approve (finance's approval makes the version effective); the city support centre enters
the system configuration on its own; the city supervisor re-checks it against the approved policy (refused while
anything differs; whoever configured may not re-check); the policy is archived and the province support centre
copied. Every approver sees the cost estimate (试算)."""
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import serializers

from commission import services as policies
from commission.estimate import policy_estimate
from commission.forms import configuration_formset, rules_from
from commission.months import last_month
from commission.models import CommissionPolicy
from commission.selectors import configuration_recheck, policy_document_data, policy_list, policy_rules_table
from governance import posts

from ..forms import RequestForm
from ..models import ApprovalProcess, State
from ..registry import register_kind
from .base import Column, CommentInput, ProcessKind, Request, StepContext, StepKind
from .steps import ApproveStep


class PolicyStartInput(CommentInput):
    policy = serializers.IntegerField(label="酬金政策")


class ConfigurationInput(CommentInput):
    configuration = serializers.ListField(child=serializers.DictField(), allow_empty=False, label="系统配置",
                                          help_text="与政策规则相同的结构:[{kind, business, amount, ...}, ...]。")


class PolicyApproveStep(ApproveStep):
    """省财务部审批: the approval that makes the version effective (and ends the version it replaces)."""

    code = "policy_approve"

    def perform(self, ctx: StepContext) -> str:
        policies.policy_approve(policy=_policy(ctx.process), user=ctx.user, post=ctx.post_name,
                                reason=f"审批通过({ctx.process.number})")
        return ctx.comment or "同意,政策生效。"


class ConfigureStep(StepKind):
    """分公司业务支援中心录入系统配置: entered on its own, never copied from the policy."""

    code = "configure"
    label = "录入系统配置"
    actions = ("approve", "return")
    approve_label = "提交配置"
    event, event_label = "configure", "录入系统配置"
    input_class = ConfigurationInput

    def perform(self, ctx: StepContext) -> str:
        configuration = policies.configuration_enter(policy=_policy(ctx.process), rules=ctx.data["configuration"],
                                                     user=ctx.user)
        return ctx.comment or f"已录入系统配置(共 {configuration.rules.count()} 条规则)。"


class RecheckStep(StepKind):
    """渠道主管复核: refused while the configuration differs from the approved policy in anything."""

    code = "recheck"
    label = "复核配置"
    actions = ("approve", "return")
    approve_label = "复核通过"
    event, event_label = "recheck", "复核通过"

    def perform(self, ctx: StepContext) -> str:
        policies.policy_archive(policy=_policy(ctx.process), user=ctx.user, post=ctx.post_name,
                                reason=f"复核通过,归档({ctx.process.number})")
        return ctx.comment or "系统配置与政策一致,复核通过。"


def _policy(process) -> CommissionPolicy:
    return CommissionPolicy.objects.select_related("org_unit").get(pk=process.subject_id)


class SubmitForm(RequestForm):
    comment = forms.CharField(label="提交说明", required=False, max_length=2000)

    def start_data(self) -> dict:
        return {"policy": self.subject.pk, "comment": self.cleaned_data["comment"]}


class ConfigurationForm(RequestForm):
    """The configure step on a page: an empty rules table, filled in from the system as configured."""

    template = "commission/_rules_formset.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = configuration_formset(_policy(self.process), self.data if self.is_bound else None)

    def clean(self):
        cleaned = super().clean()
        if self.data.get("action") == "approve":
            if not self.rules.is_valid():
                raise forms.ValidationError("系统配置的规则表有误,请按各行的提示修改。")
            if not rules_from(self.rules):
                raise forms.ValidationError("请录入系统配置的规则(至少一条)。")
        return cleaned

    def service_data(self) -> dict:
        return {"configuration": rules_from(self.rules)}


ConfigureStep.form_class = ConfigurationForm


class CommissionPolicyKind(ProcessKind):
    code = "commission-policy"
    label = "酬金政策审批"
    prefix = "CJ"
    subject_model = CommissionPolicy
    subject_field = "policy"
    subject_noun = "酬金政策"
    requester_posts = frozenset({posts.CHANNEL_MANAGER, posts.CHANNEL_SUPERVISOR})
    start_input = PolicyStartInput
    start_form = SubmitForm
    start_label = "提交审批"
    steps = (PolicyApproveStep(), ConfigureStep(), RecheckStep())
    columns = (Column("政策版本", lambda p: p.payload.get("version", ""), 8),
               Column("生效日期", lambda p: p.payload.get("valid_from", ""), 12))
    template = "workflows/kinds/commission_policy.html"
    document_template = "reports/kinds/commission_policy.html"

    def subjects(self, user):
        return policy_list(user=user)

    def title_of(self, policy) -> str:
        return f"{policy.name}(第{policy.version}版)"

    def subject_url(self, policy) -> str:
        return reverse("commission:policy_detail", args=[policy.pk])

    def may_start_on(self, policy) -> bool:
        return policy.is_editable

    def prepare(self, *, subject: CommissionPolicy, data, user) -> Request:
        if not subject.is_editable:
            raise ValidationError({"policy": f"政策状态为“{subject.get_status_display()}”,不能提交审批。"})
        return Request(payload={"version": subject.version, "valid_from": subject.valid_from.isoformat()},
                       title=self.title_of(subject))

    def on_start(self, *, process, user, post_name):
        policies.policy_submit(policy=_policy(process), user=user, reason=f"提交审批({process.number})")

    def on_return(self, *, process, user, post_name):
        policy = _policy(process)
        reason = f"退回修改({process.number})"
        if policy.status == CommissionPolicy.Status.IN_REVIEW:
            policies.policy_return(policy=policy, user=user, post=post_name, reason=reason)
        elif policy.status == CommissionPolicy.Status.APPROVED:  # sent back after approval: approved again
            policies.policy_reopen(policy=policy, user=user, post=post_name, reason=reason)

    def on_resubmit(self, *, process, data, user):
        policies.policy_submit(policy=_policy(process), user=user, reason=f"修改后重新提交({process.number})")

    def on_stop(self, *, process, user, post_name):
        policy = _policy(process)
        if policy.status == CommissionPolicy.Status.APPROVED:  # cancelled before the re-check
            policies.policy_reopen(policy=policy, user=user, post=post_name, status=CommissionPolicy.Status.DRAFT,
                                   reason=f"{process.get_state_display()}({process.number})")
            return
        if policy.status not in (CommissionPolicy.Status.IN_REVIEW, CommissionPolicy.Status.RETURNED):
            return
        if process.state == State.REJECTED:
            policies.policy_reject(policy=policy, user=user, post=post_name, reason=f"驳回({process.number})")
        else:
            policies.policy_withdraw(policy=policy, user=user, post=post_name,
                                     reason=f"{process.get_state_display()}({process.number})")

    def complete(self, *, process: ApprovalProcess) -> str:
        return "酬金政策已归档,抄送省业务支援中心。"

    def detail(self, process, user) -> dict:
        return {"policy": process.subject_id, "recheck": configuration_recheck(_policy(process))}

    def task_fields(self, process) -> dict:
        step = process.current_step or {}
        return {"recheck": configuration_recheck(_policy(process))} if step.get("step") == RecheckStep.code else {}

    def page_context(self, process, user) -> dict:
        policy = _policy(process)
        return {"policy": policy, "rules": policy_rules_table(policy), "estimate": policy_estimate(policy=policy,
                                                                                          month=last_month()),
                "recheck": configuration_recheck(policy)}

    def document_context(self, process) -> dict:
        data = policy_document_data(policy=_policy(process))
        return {"info": [[("政策", data["policy"]["name"]), ("版本", data["policy"]["version"])],
                         [("生效日期", data["policy"]["valid_from"]), ("失效日期", data["policy"]["valid_to"] or "长期")]],
                "content": data}


COMMISSION_POLICY = register_kind(CommissionPolicyKind())
