"""Outbound calling (外呼): agents, their certificates and the certificates' events, exam levels and
capacity settings as data, and outbound demand (外呼需求).

A certificate stores only what a person decided (active, suspended, revoked); valid, expiring and
expired follow from its dates on the day asked (`Certificate.status_on`), so expiry needs no job.
It also carries a copy of its agent's unit, so "may this agent call?" and its scope check read the
certificate row alone.
"""
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .org import OrgUnit

EXPIRING_DAYS = 30  # a certificate with this many days left or fewer shows as expiring (临期)
MONEY = {"max_digits": 14, "decimal_places": 2}


class PostLevel(models.IntegerChoices):
    """外呼岗位等级."""

    L1 = 1, "一级"
    L2 = 2, "二级"
    L3 = 3, "三级"
    L4 = 4, "四级"


class CourseLevel(models.IntegerChoices):
    """外呼认证课程等级."""

    L1 = 1, "一级"
    L2 = 2, "二级"
    L3 = 3, "三级"
    L4 = 4, "四级"


class CertificateStatus(models.TextChoices):
    """What a certificate is on a given day (the stored status plus its dates)."""

    PENDING = "pending", "未生效"
    VALID = "valid", "有效"
    EXPIRING = "expiring", "临期"
    EXPIRED = "expired", "已过期"
    SUSPENDED = "suspended", "已暂停"
    REVOKED = "revoked", "已吊销"


class OutboundAgent(models.Model):
    """外呼人员: belongs to a city, a county or a sales-service centre (the province's own team: the province)."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT,
                                 related_name="outbound_agents")
    name = models.CharField("姓名", max_length=50)
    employee_no = models.CharField("工号", max_length=32, unique=True)
    post_level = models.PositiveSmallIntegerField("岗位等级", choices=PostLevel.choices, default=PostLevel.L1)
    active = models.BooleanField("在岗", default=True)
    created = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "外呼人员"
        ordering = ["org_unit__path", "employee_no"]

    def __str__(self):
        return f"{self.name}({self.employee_no})"


class Certificate(models.Model):
    """外呼资格证书. One per agent is current (the latest grant); older ones stay for the record."""

    class Stored(models.TextChoices):
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "已暂停"
        REVOKED = "revoked", "已吊销"

    # Moves a person may make, keyed by the status on the day (Certificate.status_on).
    TRANSITIONS = {
        CertificateStatus.PENDING: {CertificateStatus.SUSPENDED, CertificateStatus.REVOKED},
        CertificateStatus.VALID: {CertificateStatus.SUSPENDED, CertificateStatus.REVOKED},
        CertificateStatus.EXPIRING: {CertificateStatus.SUSPENDED, CertificateStatus.REVOKED},
        CertificateStatus.SUSPENDED: {CertificateStatus.VALID, CertificateStatus.REVOKED},  # lift, revoke
        CertificateStatus.EXPIRED: set(),
        CertificateStatus.REVOKED: set(),
    }
    EXTENDABLE = {CertificateStatus.PENDING, CertificateStatus.VALID, CertificateStatus.EXPIRING}

    agent = models.ForeignKey(OutboundAgent, verbose_name="外呼人员", on_delete=models.PROTECT,
                              related_name="certificates")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+",
                                 editable=False, help_text="外呼人员所属单位的副本,供按证书单行判断与鉴权。")
    level = models.PositiveSmallIntegerField("证书等级", choices=PostLevel.choices)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("到期日期")
    status = models.CharField("登记状态", max_length=16, choices=Stored.choices, default=Stored.ACTIVE)
    status_reason = models.CharField("状态原因", max_length=500, blank=True)
    is_current = models.BooleanField("当前证书", default=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "外呼资格证书"
        constraints = [
            # may-call reads WHERE agent_id = ? AND is_current: this partial unique index answers it
            models.UniqueConstraint(fields=["agent"], condition=Q(is_current=True), name="certificate_one_current"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="certificate_dates"),
        ]
        indexes = [models.Index(fields=["valid_to"], condition=Q(is_current=True, status="active"),
                                name="certificate_expiry_idx")]

    def __str__(self):
        return f"{self.agent} · {self.get_level_display()}证书"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "到期日期不能早于生效日期。"})

    def status_on(self, day: date | None = None) -> str:
        return status_of(self.status, self.valid_from, self.valid_to, day)

    @property
    def current_status(self) -> str:
        return self.status_on()

    @property
    def current_status_display(self) -> str:
        return CertificateStatus(self.current_status).label

    def days_left(self, day: date | None = None) -> int:
        return (self.valid_to - (day or timezone.localdate())).days


def status_of(stored: str, valid_from: date, valid_to: date, day: date | None = None) -> str:
    """The status on `day` (default today): revoked and suspended first, then the dates decide."""
    day = day or timezone.localdate()
    if stored == Certificate.Stored.REVOKED:
        return CertificateStatus.REVOKED
    if stored == Certificate.Stored.SUSPENDED:
        return CertificateStatus.SUSPENDED
    if day > valid_to:
        return CertificateStatus.EXPIRED
    if day < valid_from:
        return CertificateStatus.PENDING
    if (valid_to - day).days <= EXPIRING_DAYS:
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


def status_q(status: str, day: date | None = None) -> Q:
    """The same rule as `status_of`, as a filter on certificate rows."""
    day = day or timezone.localdate()
    active = Q(status=Certificate.Stored.ACTIVE)
    soon = day + timedelta(days=EXPIRING_DAYS)
    return {
        CertificateStatus.REVOKED: Q(status=Certificate.Stored.REVOKED),
        CertificateStatus.SUSPENDED: Q(status=Certificate.Stored.SUSPENDED),
        CertificateStatus.EXPIRED: active & Q(valid_to__lt=day),
        CertificateStatus.PENDING: active & Q(valid_from__gt=day),
        CertificateStatus.EXPIRING: active & Q(valid_from__lte=day, valid_to__gte=day, valid_to__lte=soon),
        CertificateStatus.VALID: active & Q(valid_from__lte=day, valid_to__gt=soon),
    }[status]


class CertificateEvent(models.Model):
    """One move of a certificate: who, in which post, when, from what to what, and why. Never edited."""

    class Action(models.TextChoices):
        GRANT = "grant", "发证"
        EXTEND = "extend", "复训续期"
        SUSPEND = "suspend", "暂停"
        LIFT = "lift", "解除暂停"
        REVOKE = "revoke", "吊销"

    certificate = models.ForeignKey(Certificate, verbose_name="证书", on_delete=models.PROTECT,
                                    related_name="events")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=16, choices=CertificateStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=CertificateStatus.choices)
    level = models.PositiveSmallIntegerField("证书等级", choices=PostLevel.choices)
    valid_to = models.DateField("到期日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    post = models.CharField("操作岗位", max_length=32)
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.TextField("原因")

    class Meta:
        verbose_name = verbose_name_plural = "证书变动记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.certificate} · {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("证书变动记录不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("证书变动记录不能删除。")


class CertificateReminder(models.Model):
    """Bookkeeping of expiry reminders: one row per certificate, stage and end date, so none is sent twice
    (an extension moves the end date, and the reminders start over for the new one)."""

    class Stage(models.IntegerChoices):
        DAYS_30 = 30, "到期前30天"
        DAYS_7 = 7, "到期前7天"

    certificate = models.ForeignKey(Certificate, verbose_name="证书", on_delete=models.CASCADE,
                                    related_name="reminders")
    stage = models.PositiveSmallIntegerField("提醒", choices=Stage.choices)
    valid_to = models.DateField("到期日期")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    recipients = models.PositiveIntegerField("接收人数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "证书到期提醒"
        constraints = [models.UniqueConstraint(fields=["certificate", "stage", "valid_to"],
                                               name="certificate_reminder_once")]


class ExamLevel(models.Model):
    """Per certificate level: the exam's pass mark and the course level its training must be."""

    level = models.PositiveSmallIntegerField("证书等级", choices=PostLevel.choices, unique=True)
    pass_mark = models.PositiveSmallIntegerField("及格分", validators=[MinValueValidator(0), MaxValueValidator(100)])
    course_level = models.PositiveSmallIntegerField("课程等级", choices=CourseLevel.choices)

    class Meta:
        verbose_name = verbose_name_plural = "认证考试等级"
        ordering = ["level"]

    def __str__(self):
        return f"{self.get_level_display()}:及格分 {self.pass_mark},{self.get_course_level_display()}课程"


class OutboundSettings(models.Model):
    """Capacity and internal price: one row for the province; a city row overrides it for that city."""

    org_unit = models.OneToOneField(OrgUnit, verbose_name="适用单位", on_delete=models.PROTECT,
                                    related_name="outbound_settings")
    calls_per_agent_day = models.PositiveIntegerField("每人每工作日外呼量", validators=[MinValueValidator(1)])
    unit_price = models.DecimalField("内部结算单价(元/次)", max_digits=8, decimal_places=2,
                                     validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = verbose_name_plural = "外呼产能与结算参数"

    def __str__(self):
        return f"{self.org_unit}:{self.calls_per_agent_day} 次/人/日,{self.unit_price} 元/次"

    def clean(self):
        if self.org_unit_id and self.org_unit.tier not in (OrgUnit.Tier.PROVINCE, OrgUnit.Tier.CITY):
            raise ValidationError({"org_unit": "只能为省公司或地市分公司设置。"})


class OutboundDemand(models.Model):
    """外呼需求: a city or county asks for calls; its city serves it from own capacity, or the province does."""

    class ServedBy(models.TextChoices):
        OWN = "own", "本市自有产能"
        PROVINCE = "province", "省集约产能"

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "本市承接"
        PENDING_ALLOCATION = "pending_allocation", "待省中心分配"
        ALLOCATED = "allocated", "省中心已分配"

    org_unit = models.ForeignKey(OrgUnit, verbose_name="申请单位", on_delete=models.PROTECT,
                                 related_name="outbound_demands")
    city = models.ForeignKey(OrgUnit, verbose_name="结算地市", on_delete=models.PROTECT, related_name="+",
                             editable=False)
    campaign = models.CharField("营销活动", max_length=100)
    segment = models.CharField("目标客群", max_length=200, blank=True)
    calls = models.PositiveIntegerField("外呼量(次)")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    served_by = models.CharField("承接方", max_length=16, choices=ServedBy.choices)
    status = models.CharField("状态", max_length=24, choices=Status.choices)
    own_free_capacity = models.PositiveIntegerField("申请时本市空闲产能(次)", default=0)
    capacity_used = models.PositiveIntegerField("占用产能(次)", default=0)
    settlement_unit_price = models.DecimalField("结算单价(元/次)", max_digits=8, decimal_places=2, null=True,
                                                blank=True)
    settlement_amount = models.DecimalField("结算金额(元)", null=True, blank=True, **MONEY)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                 related_name="+")
    filed_post = models.CharField("申请岗位", max_length=32)
    created = models.DateTimeField("申请时间", default=timezone.now)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分配人", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    allocated_at = models.DateTimeField("分配时间", null=True, blank=True)
    allocation_note = models.TextField("分配说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "外呼需求"
        indexes = [models.Index(fields=["city", "served_by", "start", "end"], name="demand_capacity_idx")]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="demand_dates")]

    def __str__(self):
        return f"{self.org_unit} · {self.campaign}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "结束日期不能早于开始日期。"})

