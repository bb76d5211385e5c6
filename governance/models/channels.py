"""The channel registry (渠道): types, the channel record, which fields are core information."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from ..history import ActingPostRecord
from ..validators import validate_bank_account, validate_credit_code, validate_mobile
from .org import OrgUnit


class ChannelType(models.TextChoices):
    OWN_HALL = "own_hall", "自营厅"
    FLAGSHIP_STORE = "flagship_store", "品牌店/体验店"
    SELF_SERVICE_HALL = "self_service_hall", "自助服务厅"
    E_CHANNEL = "e_channel", "电子渠道"
    SELF_SERVICE_TERMINAL = "self_service_terminal", "自助终端"
    ACCOUNT_MANAGER = "account_manager", "客户经理"
    EXCLUSIVE_STORE = "exclusive_store", "指定专营店"
    AGENT_POINT = "agent_point", "特约代理点"
    OUTBOUND_TEAM = "outbound_team", "外呼团队"


SOCIAL_CHANNEL_TYPES = {ChannelType.EXCLUSIVE_STORE, ChannelType.AGENT_POINT}


def star_label(level) -> str:
    """星级 as people read it everywhere (pages, history, API, exports): "4星"; empty stays empty."""
    return f"{level}星" if level not in (None, "") else ""


STAR_LEVELS = [(n, star_label(n)) for n in range(1, 6)]

# 核心信息: changed only through the core-info change process. The deposit and the contract are core too:
# a direct edit once let a manager cut an active channel's deposit from 20,000 to 1 yuan.
CORE_FIELDS = (
    "name", "channel_type", "operator_company", "credit_code", "bank_name", "bank_account",
    "org_unit", "address", "business_scope", "star_level",
    "deposit", "contract_number", "contract_start", "contract_end",
)
# A change of these also needs province finance (省财务部): bank account, operator and the deposit.
FINANCE_FIELDS = ("bank_name", "bank_account", "operator_company", "credit_code", "deposit")


class Channel(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "审批中"
        ACTIVE = "active", "正常"
        SUSPENDED = "suspended", "暂停"
        EXITING = "exiting", "退出中"
        CLOSED = "closed", "已关闭"

    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING},
        Status.PENDING: {Status.ACTIVE, Status.DRAFT},
        Status.ACTIVE: {Status.SUSPENDED, Status.EXITING},
        Status.SUSPENDED: {Status.ACTIVE, Status.EXITING},
        Status.EXITING: {Status.CLOSED, Status.ACTIVE, Status.SUSPENDED},
        Status.CLOSED: set(),
    }

    boss_code = models.CharField("BOSS渠道编码", max_length=20, unique=True, null=True, blank=True,
                                 help_text="审批通过后由分公司业务支援中心分配,6-20位字母或数字。")
    node_code = models.CharField("节点代码", max_length=40, unique=True,
                                 help_text="渠道树中的位置,录入时以归属单位编码加“-”开头,如 ZZ-JS-0003。")
    name = models.CharField("渠道名称", max_length=100)
    channel_type = models.CharField("渠道类型", max_length=32, choices=ChannelType.choices)
    star_level = models.PositiveSmallIntegerField("星级", default=1, choices=STAR_LEVELS,
                                                  error_messages={"invalid_choice": "星级应为1星至5星。"})
    org_unit = models.ForeignKey(OrgUnit, verbose_name="归属单位", on_delete=models.PROTECT, related_name="channels")
    address = models.CharField("地址", max_length=200)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    opening_hours = models.CharField("营业时间", max_length=64, blank=True)
    floor_area = models.DecimalField("营业面积(平方米)", max_digits=9, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    staff_count = models.PositiveIntegerField("人员数量", null=True, blank=True)
    operator_company = models.CharField("经营单位", max_length=100, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code],
                                   help_text="18位,含校验位(GB 32100);社会渠道必填。")
    legal_representative = models.CharField("法定代表人", max_length=32, blank=True)
    contact_mobile = models.CharField("联系手机", max_length=11, validators=[validate_mobile],
                                      help_text="以1开头的11位手机号。")
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=34, blank=True, validators=[validate_bank_account],
                                    help_text="8-34位数字,不含空格。")
    deposit = models.DecimalField("保证金(元)", max_digits=12, decimal_places=2, default=0,
                                  validators=[MinValueValidator(0, message="保证金不能为负数。")])
    contract_number = models.CharField("合同编号", max_length=40, blank=True)
    contract_start = models.DateField("合同开始日期", null=True, blank=True)
    contract_end = models.DateField("合同结束日期", null=True, blank=True)
    business_scope = models.CharField("经营范围", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(bases=[ActingPostRecord], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = verbose_name_plural = "渠道"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["org_unit", "-id"]),
            models.Index(fields=["status", "-id"]),
            models.Index(fields=["channel_type", "-id"]),
        ]

    def __str__(self):
        return self.name

    @property
    def is_social(self) -> bool:
        return self.channel_type in SOCIAL_CHANNEL_TYPES

    def clean(self):
        self.credit_code = (self.credit_code or "").upper()
        errors = {}
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            errors["contract_end"] = "合同结束日期不能早于开始日期。"
        entering = self.status == self.Status.DRAFT  # the node code is chosen at entry; a transfer keeps it
        if entering and self.org_unit_id and self.node_code and not self.node_code.startswith(f"{self.org_unit.code}-"):
            errors["node_code"] = f"节点代码应以归属单位编码“{self.org_unit.code}-”开头。"
        if self.is_social:
            for field in ("operator_company", "credit_code", "bank_name", "bank_account"):
                if not getattr(self, field):
                    errors[field] = "社会渠道必须填写此项。"
        if errors:
            raise ValidationError(errors)


@receiver(pre_delete, sender=Channel)
def _channels_are_never_deleted(sender, instance, **kwargs):
    """A channel leaves by the exit process and stays, closed, with its whole history."""
    raise ProtectedError("渠道不可删除:请通过渠道退出流程关闭,历史记录须完整保留。", {instance})
