"""Approval processes: route data, the process record, and its append-only history."""
from django.conf import settings
from django.db import models
from viewflow.workflow.models import Process

from governance.models import Channel, ChannelType, OrgUnit, Post


class ProcessKind(models.TextChoices):
    ONBOARDING = "onboarding", "渠道新增"
    CHANGE = "change", "核心信息变更"
    EXIT = "exit", "渠道退出"
    COMMISSION_POLICY = "commission-policy", "酬金政策审批"
    CERTIFICATION = "certification", "外呼资格认证"


class Route(models.Model):
    """The approval route of one process kind for one channel type (blank type = the default)."""

    class Filing(models.TextChoices):
        APPROVAL = "approval", "报批"
        RECORD = "record", "报备"

    kind = models.CharField("流程", max_length=32, choices=ProcessKind.choices)
    channel_type = models.CharField("渠道类型", max_length=32, choices=ChannelType.choices, blank=True,
                                    help_text="留空表示该流程的默认路由。")
    filing = models.CharField("报批/报备", max_length=16, choices=Filing.choices, default=Filing.APPROVAL)

    class Meta:
        verbose_name = verbose_name_plural = "审批路由"
        constraints = [models.UniqueConstraint(fields=["kind", "channel_type"], name="one_route_per_kind_and_type")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_channel_type_display() or '默认'} · {self.get_filing_display()}"


class RouteStep(models.Model):
    class Action(models.TextChoices):
        APPROVE = "approve", "审批"
        COPY = "copy", "抄送"

    route = models.ForeignKey(Route, verbose_name="路由", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("顺序")
    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.PROTECT)
    action = models.CharField("动作", max_length=16, choices=Action.choices, default=Action.APPROVE)

    class Meta:
        verbose_name = verbose_name_plural = "路由环节"
        ordering = ["route", "order"]
        constraints = [models.UniqueConstraint(fields=["route", "order"], name="unique_step_order")]

    def __str__(self):
        return f"{self.order}. {self.post} ({self.get_action_display()})"


class ExitReason(models.TextChoices):
    CONTRACT_END = "contract_end", "合同到期"
    VIOLATION = "violation", "违规"
    POOR_PERFORMANCE = "poor_performance", "业绩不佳"
    RELOCATION = "relocation", "搬迁"
    OPERATOR_REQUEST = "operator_request", "经营者申请"


class ApprovalProcess(Process):
    """One request moving through a flow; the channel it concerns is a real model it points to."""

    class State(models.TextChoices):
        IN_REVIEW = "in_review", "审批中"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审批,待执行"
        SCHEDULED = "scheduled", "待生效"
        CLOSING = "closing", "退出清单处理中"
        COMPLETED = "completed", "已完成"
        REJECTED = "rejected", "已驳回"
        WITHDRAWN = "withdrawn", "已撤回"

    OPEN_STATES = (State.IN_REVIEW, State.RETURNED, State.APPROVED, State.SCHEDULED, State.CLOSING)

    kind = models.CharField("流程", max_length=32, choices=ProcessKind.choices)
    number = models.CharField("审批单号", max_length=40, unique=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.IN_REVIEW)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    target_unit = models.ForeignKey(OrgUnit, verbose_name="接收单位", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    channel = models.ForeignKey(Channel, verbose_name="渠道", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="processes")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                  related_name="+")
    requester_post = models.ForeignKey(Post, verbose_name="申请岗位", null=True, on_delete=models.PROTECT,
                                       related_name="+")
    filing = models.CharField("报批/报备", max_length=16, choices=Route.Filing.choices, default=Route.Filing.APPROVAL)
    plan = models.JSONField("审批环节", default=list)
    step_index = models.PositiveSmallIntegerField("当前环节序号", default=0)
    current_post = models.ForeignKey(Post, verbose_name="当前岗位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    current_unit = models.ForeignKey(OrgUnit, verbose_name="当前处理单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    last_decision = models.CharField("最近决定", max_length=16, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    effective_date = models.DateField("生效日期", null=True, blank=True)
    exit_reason = models.CharField("退出原因", max_length=32, choices=ExitReason.choices, blank=True)
    comment = models.TextField("申请说明", blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批流程"
        indexes = [
            models.Index(fields=["org_unit", "-process_ptr"]),
            models.Index(fields=["requester", "-process_ptr"]),
            models.Index(fields=["kind", "state"]),
            models.Index(fields=["channel", "state"]),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def current_step(self) -> dict | None:
        return self.plan[self.step_index] if self.step_index < len(self.plan) else None


class ProcessEvent(models.Model):
    """One line of the approval trail: who, in which post, when, what, why. Never edited."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        RESUBMIT = "resubmit", "重新提交"
        APPROVE = "approve", "同意"
        REJECT = "reject", "驳回"
        RETURN = "return", "退回修改"
        COPY = "copy", "抄送"
        CLAIM = "claim", "签收"
        ASSIGN_CODE = "assign_code", "分配BOSS编码"
        CHECK = "check", "确认清单项"
        APPLY = "apply", "变更生效"
        CLOSE = "close", "关闭渠道"
        ACTIVATE = "activate", "渠道生效"
        WITHDRAW = "withdraw", "撤回"
        REQUEUE = "requeue", "岗位空缺转派"

    process = models.ForeignKey(ApprovalProcess, on_delete=models.PROTECT, related_name="events")
    task_id = models.BigIntegerField("任务", null=True, blank=True)
    step = models.CharField("环节", max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.PROTECT, related_name="+")
    post = models.CharField("岗位", max_length=32, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="单位", null=True, on_delete=models.PROTECT,
                                 related_name="+")
    action = models.CharField("动作", max_length=16, choices=Action.choices)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批记录"
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("审批记录不可修改。")
        super().save(*args, **kwargs)


class CopyNotice(models.Model):
    """抄送: a post is told of a decision it does not make (报备)."""

    process = models.ForeignKey(ApprovalProcess, on_delete=models.PROTECT, related_name="copies")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "抄送"
        indexes = [models.Index(fields=["post", "org_unit", "-created"])]
