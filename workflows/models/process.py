"""The process record (审批流程), its append-only trail (审批记录) and copies (抄送).

A process keeps the routing state; what it is about (a channel, a policy, an agent) is its subject,
a model of another app that the process points to through a content type and an id.
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from viewflow.workflow.models import Process

from governance.models import OrgUnit, Post

from ..registry import STEP_KINDS, kind_choices, kind_for
from .routes import Filing


class State(models.TextChoices):
    IN_REVIEW = "in_review", "审批中"
    RETURNED = "returned", "已退回"
    CLOSING = "closing", "清单处理中"
    APPROVED = "approved", "已审批,待执行"
    SCHEDULED = "scheduled", "待生效"
    COMPLETED = "completed", "已完成"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"
    CANCELLED = "cancelled", "已作废"


class Decision(models.TextChoices):
    """The last decision on the process; the flow's switch reads it."""

    APPROVE = "approve", "同意"
    REJECT = "reject", "驳回"
    RETURN = "return", "退回修改"
    RESUBMIT = "resubmit", "重新提交"
    REROUTE = "reroute", "改派环节"  # back to an earlier step, or on to an added approver


OPEN_STATES = (State.IN_REVIEW, State.RETURNED, State.CLOSING, State.APPROVED, State.SCHEDULED)
ENDED = (State.COMPLETED, State.REJECTED, State.WITHDRAWN, State.CANCELLED)
# 状态流转表: the one place that says which state may follow which.
TRANSITIONS = {
    State.IN_REVIEW: {State.IN_REVIEW, State.CLOSING, State.RETURNED, State.APPROVED, State.SCHEDULED,
                      State.REJECTED, State.WITHDRAWN, State.CANCELLED},
    State.CLOSING: {State.CLOSING, State.IN_REVIEW, State.RETURNED, State.APPROVED, State.SCHEDULED,
                    State.REJECTED, State.CANCELLED},
    State.RETURNED: {State.IN_REVIEW, State.CLOSING, State.WITHDRAWN, State.CANCELLED},
    State.APPROVED: {State.COMPLETED},
    State.SCHEDULED: {State.COMPLETED, State.CANCELLED},
    State.COMPLETED: set(),
    State.REJECTED: set(),
    State.WITHDRAWN: set(),
    State.CANCELLED: set(),
}


class IllegalTransition(Exception):
    """A state change outside TRANSITIONS: a bug or a race, never a user's doing."""


class ApprovalProcess(Process):
    """One request moving through its route."""

    State = State
    OPEN_STATES = OPEN_STATES

    kind = models.CharField("流程", max_length=32, choices=kind_choices)
    number = models.CharField("审批单号", max_length=40, unique=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.IN_REVIEW)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+")
    receiving_unit = models.ForeignKey(OrgUnit, verbose_name="接收单位", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       help_text="如调拨的接收单位:流程进行中可查看申请本身的内容。")
    subject_type = models.ForeignKey(ContentType, verbose_name="主体类型", on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField("主体")
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField("审批事项", max_length=200, blank=True)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", help_text="空表示由系统发起。")
    requester_post = models.ForeignKey(Post, verbose_name="申请岗位", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    filing = models.CharField("报批/报备", max_length=16, choices=Filing.choices, default=Filing.APPROVAL)
    route_snapshot = models.JSONField("路由快照", default=dict,
                                      help_text="发起时的路由及其环节;修改路由只影响新申请。")
    plan = models.JSONField("审批环节", default=list)
    step_index = models.PositiveSmallIntegerField("当前环节序号", default=0)
    current_post = models.ForeignKey(Post, verbose_name="当前岗位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    current_unit = models.ForeignKey(OrgUnit, verbose_name="当前处理单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    visit = models.PositiveIntegerField("环节到达次数", default=0, help_text="每到达一个环节加一:区分同一环节的各轮。")
    step_due = models.DateTimeField("当前环节时限", null=True, blank=True, db_index=True)
    step_alerts = models.PositiveSmallIntegerField("当前环节已发提醒", default=0,
                                                   help_text="0 未提醒,1 已提前提醒,2 已到期提醒,3 已超时处理。")
    excludes_requester = models.BooleanField("当前环节排除申请人", default=True)
    excludes_signers = models.BooleanField("当前环节排除已签批人员", default=False)
    decision = models.CharField("最近决定", max_length=16, choices=Decision.choices, blank=True)
    payload = models.JSONField("申请内容", default=dict, blank=True)
    comment = models.TextField("申请说明", blank=True)
    version = models.PositiveIntegerField("版本", default=0)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批流程"
        indexes = [
            models.Index(fields=["org_unit", "-process_ptr"]),
            models.Index(fields=["requester", "-process_ptr"]),
            models.Index(fields=["kind", "state"]),
            models.Index(fields=["subject_type", "subject_id", "state"]),
            models.Index(fields=["receiving_unit", "state"]),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def current_step(self) -> dict | None:
        return self.plan[self.step_index] if self.step_index < len(self.plan) else None

    @property
    def kind_spec(self):
        """The registered description of this process's kind."""
        return kind_for(self.kind)

    def move_to(self, state: str) -> None:
        """Change the state along TRANSITIONS; anything else is a bug (IllegalTransition)."""
        if state not in TRANSITIONS[State(self.state)]:
            raise IllegalTransition(f"{self.number}: {self.state} → {state}")
        self.state = state


@receiver(pre_delete, sender=ApprovalProcess)
def _processes_are_never_deleted(sender, instance, **kwargs):
    raise ProtectedError("审批流程不可删除:审批记录须完整保留。", {instance})


def trail_actions() -> list[tuple[str, str]]:
    """The engine's trail actions and those of registered step kinds (a configure, an exam, a grant)."""
    own = list(ProcessEvent.Action.choices)
    known = {code for code, _ in own}
    return own + sorted({(s.event, s.event_label) for s in STEP_KINDS.values()
                         if s.event not in known and s.event_label})


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
        UNCLAIM = "unclaim", "放弃签收"
        ASSIGN_CODE = "assign_code", "分配BOSS编码"
        CHECK = "check", "确认清单项"
        APPLY = "apply", "变更生效"
        CLOSE = "close", "关闭渠道"
        ACTIVATE = "activate", "渠道生效"
        COMPLETE = "complete", "办结"
        WITHDRAW = "withdraw", "撤回"
        CANCEL = "cancel", "作废"
        REQUEUE = "requeue", "岗位空缺转派"
        RELEASE = "release", "离岗退回待办"
        ESCALATE = "escalate", "不相容转上级"
        TRANSFER = "transfer", "转办"
        DELEGATE = "delegate", "委派"
        DELEGATE_DONE = "delegate_done", "委派办理"
        ADD_APPROVER = "add_approver", "加签"
        REMIND = "remind", "催办"
        OBJECT = "object", "异议"
        FILING_STANDS = "filing_stands", "报备生效"
        TIMEOUT = "timeout", "超时"
        RECORD = "record", "登记清单项"
        BLOCK = "block", "清单项受阻"
        UNBLOCK = "unblock", "解除受阻"
        EVIDENCE = "evidence", "上传凭证"

    process = models.ForeignKey(ApprovalProcess, on_delete=models.PROTECT, related_name="events")
    task_id = models.BigIntegerField("任务", null=True, blank=True)
    step = models.CharField("环节", max_length=64, blank=True)
    step_index = models.PositiveSmallIntegerField("环节序号", null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True,
                              on_delete=models.PROTECT, related_name="+", help_text="空表示系统。")
    post = models.CharField("岗位", max_length=32, blank=True)
    post_code = models.CharField("岗位编码", max_length=32, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="单位", null=True, on_delete=models.PROTECT,
                                 related_name="+")
    action = models.CharField("动作", max_length=16, choices=trail_actions)
    visit = models.PositiveIntegerField("环节轮次", null=True, blank=True)
    signs = models.BooleanField("不相容签批", default=False,
                                help_text="在不相容环节的签批:签批人不能再办理本申请的其他不相容环节。")
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["process", "actor"])]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("审批记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("审批记录不可删除。")


class CopyNotice(models.Model):
    """抄送: a person is told of a request they do not decide: a post's holders on a 报备 route, or people a
    participant copies. A 报备 copy may carry an objection window (异议期)."""

    process = models.ForeignKey(ApprovalProcess, on_delete=models.PROTECT, related_name="copies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抄送人", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="copies")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    copied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抄送发起人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", help_text="空表示按路由报备抄送。")
    comment = models.CharField("说明", max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    objection_until = models.DateTimeField("异议截止", null=True, blank=True)
    objected_at = models.DateTimeField("提出异议时间", null=True, blank=True)
    settled_at = models.DateTimeField("异议期满时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抄送"
        indexes = [models.Index(fields=["user", "-created"]), models.Index(fields=["post", "org_unit", "-created"]),
                   models.Index(fields=["objection_until", "settled_at"])]
