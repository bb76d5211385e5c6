"""Route data (审批路由): which steps a request walks, per process kind, subject category and tier.

A route is copied into the process when it starts, so editing a route affects only new requests.
"""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from governance.models import OrgUnit, Post

from ..registry import KINDS, condition_choices, kind_choices, step_choices


class Filing(models.TextChoices):
    APPROVAL = "approval", "报批"
    RECORD = "record", "报备"


class Route(models.Model):
    """The steps of one kind for one subject category (e.g. a channel type) and one tier of the requesting
    unit. A blank category or tier is the default for the kind."""

    Filing = Filing

    kind = models.CharField("流程", max_length=32, choices=kind_choices)
    category = models.CharField("主体类别", max_length=32, blank=True,
                                help_text="如渠道类型;留空表示该流程的默认路由。")
    tier = models.CharField("申请单位层级", max_length=16, choices=OrgUnit.Tier.choices, blank=True,
                            help_text="留空表示任何层级。")
    filing = models.CharField("报批/报备", max_length=16, choices=Filing.choices, default=Filing.APPROVAL)
    objection_days = models.PositiveSmallIntegerField(
        "异议期(工作日)", default=0, help_text="报备类型:上级在此期限内可提出异议;0 表示不设异议期。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "审批路由"
        constraints = [models.UniqueConstraint(fields=["kind", "category", "tier"], name="one_route_per_key")]

    def __str__(self):
        kind = KINDS.get(self.kind)
        category = kind.category_label_of(self.category) if kind else self.category
        return f"{self.get_kind_display()} · {category or '默认'} · {self.get_tier_display() or '各层级'}"

    def clean(self):
        kind = KINDS.get(self.kind)
        if kind is not None and self.category and self.category not in dict(kind.categories()):
            raise ValidationError({"category": f"“{kind.label}”没有类别“{self.category}”。"})


class RouteStep(models.Model):
    """One step of a route: a post takes a step of some kind (审批, 抄送, 分配编码, 清单确认, 配置, 复核…)."""

    class Unit(models.TextChoices):
        REQUEST = "request", "申请单位"
        RECEIVING = "receiving", "接收单位"

    class Mode(models.TextChoices):
        ANY = "any", "或签(任一人同意即可)"
        ALL = "all", "会签(全部同意)"
        SHARE = "share", "会签(按比例同意)"

    class OnReject(models.TextChoices):
        REJECT = "reject", "驳回整个申请"
        RETURN = "return", "退回申请人修改"

    class OnTimeout(models.TextChoices):
        REMIND = "remind", "仅提醒"
        ESCALATE = "escalate", "转上级岗位"
        APPROVE = "approve", "自动同意"
        RETURN = "return", "自动退回申请人"

    route = models.ForeignKey(Route, verbose_name="路由", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("顺序")
    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.PROTECT)
    step = models.CharField("环节类型", max_length=32, choices=step_choices, default="approve")
    label = models.CharField("环节名称", max_length=64, blank=True, help_text="留空则为“岗位+环节类型”。")
    condition = models.CharField("适用条件", max_length=32, choices=condition_choices, blank=True,
                                 help_text="留空表示总是适用。")
    unit = models.CharField("办理单位", max_length=16, choices=Unit.choices, default=Unit.REQUEST,
                            help_text="由申请单位或接收单位(如调拨)起向上找该岗位的任职人员。")
    payload = models.JSONField("环节参数", default=dict, blank=True)
    exclusive = models.BooleanField(
        "不相容", default=True,
        help_text="已在本申请的其他不相容环节签批的人员不能办理本环节(默认:一人只签一个审批环节)。")
    requester_may_act = models.BooleanField("申请人可办理", default=False,
                                            help_text="默认申请人不能办理本人申请的任何环节。")
    mode = models.CharField("会签/或签", max_length=8, choices=Mode.choices, default=Mode.ANY)
    share = models.PositiveSmallIntegerField("同意比例(%)", default=100,
                                             validators=[MinValueValidator(1), MaxValueValidator(100)],
                                             help_text="按比例会签时,至少这一比例的人员同意。")
    on_reject = models.CharField("会签中有人驳回时", max_length=8, choices=OnReject.choices, default=OnReject.REJECT)
    due_days = models.PositiveSmallIntegerField("办理时限(工作日)", default=0, help_text="0 表示不设时限。")
    on_timeout = models.CharField("超时处理", max_length=8, choices=OnTimeout.choices, default=OnTimeout.REMIND)
    escalate_post = models.ForeignKey(Post, verbose_name="超时转交岗位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      help_text="超时处理为“转上级岗位”时:由申请单位起向上找该岗位。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "路由环节"
        ordering = ["route", "order"]
        constraints = [models.UniqueConstraint(fields=["route", "order"], name="unique_step_order")]

    def __str__(self):
        return f"{self.order}. {self.label or self.post} ({self.get_step_display()})"
