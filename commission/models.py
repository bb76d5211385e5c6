"""Commission policies (酬金政策) as data: versioned policies, their rules in SQL-computable rows, the
configuration the city support centre enters apart from the policy, and monthly business volumes.

Money is a DecimalField everywhere; the estimate turns it into whole fen inside the database.
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from governance.history import ActingPostRecord
from governance.models import Channel, ChannelType, OrgUnit

from .months import DATE_RANGE_MESSAGE, FIRST_DAY, LAST_DAY


class Business(models.TextChoices):
    """业务类型 of the monthly volume table. `top_up` rows carry an amount in yuan; the others a quantity."""

    NEW_NUMBER = "new_number", "新号码放号"
    HANDSET = "handset", "手机销售"
    BROADBAND = "broadband", "宽带新装"
    TOP_UP = "top_up", "充值缴费"
    PACKAGE_UPGRADE = "package_upgrade", "套餐升档"
    DATA_PACK = "data_pack", "流量包"
    FAMILY_BUNDLE = "family_bundle", "家庭融合套餐"
    IPTV = "iptv", "魔百和电视"
    PORT_IN = "port_in", "携号转入"
    CONTRACT_RENEWAL = "contract_renewal", "合约续约"
    SIM_REPLACEMENT = "sim_replacement", "补换卡"
    VALUE_ADDED = "value_added", "增值业务"


class RuleKind(models.TextChoices):
    PER_UNIT = "per_unit", "按件计酬"
    PERCENT = "percent", "按比例计酬"
    TIERED = "tiered", "阶梯计酬"
    BONUS = "bonus", "阶段性激励"
    STAR_COEFFICIENT = "star_coefficient", "星级系数"


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审批中"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "已批准,待配置复核"
    ARCHIVED = "archived", "已归档(生效)"
    SUPERSEDED = "superseded", "已被新版本替代"
    REJECTED = "rejected", "已驳回"


class CommissionPolicy(models.Model):
    """One version of a city's (or the province's) commission policy for a set of channel types."""

    Status = PolicyStatus
    # The one table of allowed status moves (services.policy_* go through it):
    # submit: draft/returned → in_review; withdraw: in_review → draft; return: in_review → returned;
    # reject: in_review → rejected (ended; a new version starts over); approve: in_review → approved;
    # archive after the re-check: approved → archived; a newer version approved: approved/archived → superseded.
    TRANSITIONS = {
        PolicyStatus.DRAFT: {PolicyStatus.IN_REVIEW},
        PolicyStatus.RETURNED: {PolicyStatus.IN_REVIEW},
        PolicyStatus.IN_REVIEW: {PolicyStatus.DRAFT, PolicyStatus.RETURNED, PolicyStatus.REJECTED,
                                 PolicyStatus.APPROVED},
        # approved → returned / draft: sent back (or cancelled) before its configuration was re-checked
        PolicyStatus.APPROVED: {PolicyStatus.ARCHIVED, PolicyStatus.SUPERSEDED, PolicyStatus.RETURNED,
                                PolicyStatus.DRAFT},
        PolicyStatus.ARCHIVED: {PolicyStatus.SUPERSEDED},
        # superseded → approved / archived: only when the version that replaced it is reopened
        PolicyStatus.SUPERSEDED: {PolicyStatus.APPROVED, PolicyStatus.ARCHIVED},
        PolicyStatus.REJECTED: set(),
    }
    EDITABLE = (PolicyStatus.DRAFT, PolicyStatus.RETURNED)
    # Approved versions: they hold their period (no two overlap) and pay commission within it.
    EFFECTIVE = (PolicyStatus.APPROVED, PolicyStatus.ARCHIVED, PolicyStatus.SUPERSEDED)
    # Versions that may still be replaced by a revision.
    REVISABLE = (PolicyStatus.APPROVED, PolicyStatus.ARCHIVED)

    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT,
                                 related_name="commission_policies")
    name = models.CharField("政策名称", max_length=100)
    channel_types = models.JSONField("适用渠道类型", default=list)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True, help_text="留空表示长期有效。")
    series = models.UUIDField("版本系列", default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    replaces = models.ForeignKey("self", verbose_name="替代版本", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="revisions")
    status = models.CharField("状态", max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(bases=[ActingPostRecord], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "酬金政策"
        ordering = ["-id"]
        indexes = [models.Index(fields=["org_unit", "-id"]), models.Index(fields=["status", "-id"])]
        constraints = [models.UniqueConstraint(fields=["series", "version"], name="one_policy_per_series_version")]

    def __str__(self):
        return f"{self.name}(第{self.version}版)"

    @property
    def label(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "长期"
        return f"“{self.name}”第{self.version}版(#{self.pk},{self.valid_from.isoformat()} 至 {end})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def clean(self):
        errors = {}
        for name in ("valid_from", "valid_to"):
            day = getattr(self, name)
            if day and not FIRST_DAY <= day <= LAST_DAY:
                errors[name] = DATE_RANGE_MESSAGE
        if not errors and self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = "失效日期不能早于生效日期。"
        if self.org_unit_id and self.org_unit.tier not in (OrgUnit.Tier.CITY, OrgUnit.Tier.PROVINCE):
            errors["org_unit"] = "酬金政策只能属于地市分公司或省公司。"
        types = self.channel_types
        if not isinstance(types, list) or not types:
            errors["channel_types"] = "请至少选择一种适用渠道类型。"
        elif any(t not in ChannelType.values for t in types):
            errors["channel_types"] = f"未知的渠道类型,可选:{'、'.join(ChannelType.values)}。"
        else:
            self.channel_types = sorted(set(types))
        if errors:
            raise ValidationError(errors)

    def channel_types_display(self) -> str:
        labels = dict(ChannelType.choices)
        return "、".join(str(labels.get(t, t)) for t in self.channel_types)


class PolicyConfiguration(models.Model):
    """System configuration (系统配置) entered by the city support centre after approval; each entry is a
    new row, so earlier entries stay; the latest is the one the re-check compares."""

    policy = models.ForeignKey(CommissionPolicy, verbose_name="酬金政策", on_delete=models.CASCADE,
                               related_name="configurations")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    entered_post = models.CharField("录入岗位", max_length=32, blank=True)
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "酬金系统配置"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.policy} · 配置 #{self.pk}"


class Rule(models.Model):
    """One rule of a policy (or of a configuration): exactly one owner; the columns of its kind are set."""

    policy = models.ForeignKey(CommissionPolicy, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="rules", verbose_name="酬金政策")
    configuration = models.ForeignKey(PolicyConfiguration, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="rules", verbose_name="系统配置")
    position = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("规则类型", max_length=24, choices=RuleKind.choices)
    business = models.CharField("业务", max_length=24, choices=Business.choices, blank=True)
    amount = models.DecimalField("金额(元)", max_digits=12, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("比例", max_digits=7, decimal_places=4, null=True, blank=True)
    cap = models.DecimalField("每渠道每月封顶(元)", max_digits=12, decimal_places=2, null=True, blank=True)
    threshold = models.PositiveIntegerField("门槛数量", null=True, blank=True)
    valid_from = models.DateField("激励开始日期", null=True, blank=True)
    valid_to = models.DateField("激励结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "酬金规则"
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(policy__isnull=False, configuration__isnull=True)
                       | models.Q(policy__isnull=True, configuration__isnull=False)),
            name="rule_has_one_owner")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_business_display()}".strip()


class RuleTier(models.Model):
    """A tier of a tiered rule: from this monthly quantity on, every unit pays `amount`."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="tiers")
    from_quantity = models.PositiveIntegerField("起始数量")
    amount = models.DecimalField("单价(元)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "阶梯"
        ordering = ["rule", "from_quantity"]
        constraints = [models.UniqueConstraint(fields=["rule", "from_quantity"], name="one_tier_per_start")]


class StarCoefficient(models.Model):
    """The coefficient a star_coefficient rule applies to a channel of this star level."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="coefficients")
    star_level = models.PositiveSmallIntegerField("星级", validators=[MinValueValidator(1), MaxValueValidator(5)])
    coefficient = models.DecimalField("系数", max_digits=6, decimal_places=4)

    class Meta:
        verbose_name = verbose_name_plural = "星级系数"
        ordering = ["rule", "star_level"]
        constraints = [models.UniqueConstraint(fields=["rule", "star_level"], name="one_coefficient_per_star")]


class VolumeImport(models.Model):
    """One volume upload: who, when, which file, how many rows."""

    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT,
                                    related_name="+")
    imported_post = models.CharField("导入岗位", max_length=32, blank=True)
    file_name = models.CharField("文件名", max_length=200)
    rows = models.PositiveIntegerField("导入行数", default=0)
    months = models.CharField("月份", max_length=200, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "业务量导入记录"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.file_name} · {self.rows} 行"


class MonthlyVolume(models.Model):
    """业务量: one channel's quantity (and amount, for top-up) of one business in one month."""

    # No index of its own: every read names the month, and the unique (month, channel, business) index serves
    # those. No database FK constraint either: PostgreSQL checks one row at a time (with a row lock on the
    # channel), which made a 1.3-million-row load spend 40 s in COMMIT. The loader writes only ids it has just
    # read and locks those channels (FOR KEY SHARE, one statement) for its transaction; deleting a channel that
    # has volumes is refused by on_delete=PROTECT.
    channel = models.ForeignKey(Channel, verbose_name="渠道", on_delete=models.PROTECT, related_name="volumes",
                                db_index=False, db_constraint=False)
    month = models.DateField("月份", help_text="该月第一天。")
    business = models.CharField("业务", max_length=24, choices=Business.choices)
    quantity = models.PositiveIntegerField("数量", default=0)
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2, default=0,
                                 validators=[MinValueValidator(0)])
    batch = models.ForeignKey(VolumeImport, verbose_name="导入批次", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)

    class Meta:
        verbose_name = verbose_name_plural = "月度业务量"
        # month first: the estimate reads one month's rows; a channel's rows are looked up with their month
        constraints = [models.UniqueConstraint(fields=["month", "channel", "business"], name="one_volume_per_key")]

    def __str__(self):
        return f"{self.channel_id} {self.month:%Y-%m} {self.business}"
