"""API shapes of commission policies (CONTRACT.md "Commission policies"). Rules are checked by
commission.rules.parse_rules in the services; the rule serializers below document the five shapes."""
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from governance.models import ChannelType, OrgUnit

from .models import Business, CommissionPolicy, MonthlyVolume
from .rules import rule_json
from .selectors import rules_for

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}
BUSINESS_HELP = "业务代码:" + "、".join(f"{b.value} {b.label}" for b in Business) + "。"


class BusinessField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Business.choices, help_text=BUSINESS_HELP, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class MonthField(serializers.DateField):
    """A month shown as YYYY-MM (stored as its first day)."""


def kind_field(code: str, help_text: str) -> serializers.CharField:
    """A rule's `kind`, documented as its one value, so that exactly one of the shapes fits a rule."""
    field_class = type(f"{code}KindField", (serializers.CharField,), {})
    schema = {"type": "string", "enum": [code], "description": help_text}
    return extend_schema_field(schema)(field_class)(help_text=help_text)


class PerUnitRule(serializers.Serializer):
    kind = kind_field("per_unit", "per_unit:按件计酬,数量 × 金额。")
    business = BusinessField()
    amount = serializers.DecimalField(**MONEY, help_text="每件金额(元),如 \"44.00\"。")


class PercentRule(serializers.Serializer):
    kind = kind_field("percent", "percent:按金额比例计酬,每渠道每月 min(金额 × 比例, 封顶)。")
    business = BusinessField()
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, coerce_to_string=True,
                                    help_text="比例,0 < rate ≤ 1,最多4位小数;充值缴费(top_up)不得高于 0.02。")
    cap = serializers.DecimalField(**MONEY, allow_null=True, help_text="每渠道每月封顶(元),null 表示不封顶。")


class CommissionTier(serializers.Serializer):
    from_ = serializers.IntegerField(min_value=0, help_text="起始数量(含)。")
    amount = serializers.DecimalField(**MONEY)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class TieredRule(serializers.Serializer):
    kind = kind_field("tiered", "tiered:阶梯计酬,当月全部数量按所达最高档(from ≤ 数量)的单价计酬;"
                                           "低于第一档为 0。")
    business = BusinessField()
    tiers = CommissionTier(many=True)


class BonusRule(serializers.Serializer):
    kind = kind_field("bonus", "bonus:阶段性激励,当月数量 ≥ threshold 且该月与激励期间有交集时一次性奖励 amount。")
    business = BusinessField()
    threshold = serializers.IntegerField(min_value=0)
    amount = serializers.DecimalField(**MONEY)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()


class StarCoefficientRule(serializers.Serializer):
    kind = kind_field("star_coefficient", "star_coefficient:星级系数,乘以渠道当月酬金合计;至多一条。")
    coefficients = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=4,
                                                                        coerce_to_string=True),
                                         help_text="1 至 5 星各一个系数,如 {\"1\": \"0.80\", …, \"5\": \"1.20\"}。")


RULE_SHAPES = {"per_unit": PerUnitRule, "percent": PercentRule, "tiered": TieredRule, "bonus": BonusRule,
               "star_coefficient": StarCoefficientRule}
RULE_SCHEMA = PolymorphicProxySerializer(component_name="CommissionRule", resource_type_field_name="kind",
                                         serializers=RULE_SHAPES)
RULES_SCHEMA = PolymorphicProxySerializer(component_name="CommissionRule", resource_type_field_name="kind",
                                          serializers=RULE_SHAPES, many=True)


@extend_schema_field(RULE_SCHEMA)
class RuleField(serializers.JSONField):
    """One rule as JSON; checked by the service (commission.rules.parse_rules)."""


class CommissionPolicySerializer(serializers.ModelSerializer):
    """A policy as the API shows it."""

    org_unit = serializers.CharField(source="org_unit.code", help_text="所属单位编码,如 ZZ。")
    org_unit_name = serializers.CharField(source="org_unit.name")
    channel_types = serializers.ListField(child=serializers.ChoiceField(choices=ChannelType.choices))
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True, help_text="被替代版本的 id。")
    status = serializers.CharField(help_text="draft 草稿、in_review 审批中、returned 已退回修改、approved 已批准待配置复核、"
                                             "archived 已归档(生效)、superseded 已被新版本替代、rejected 已驳回。")
    status_display = serializers.CharField(source="get_status_display")
    created_by = serializers.CharField(source="created_by.username")
    rules = serializers.SerializerMethodField()

    class Meta:
        model = CommissionPolicy
        fields = ["id", "org_unit", "org_unit_name", "name", "valid_from", "valid_to", "channel_types", "replaces",
                  "version", "status", "status_display", "rules", "created_by", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(RULES_SCHEMA)
    def get_rules(self, policy) -> list:
        return [rule_json(rule) for rule in rules_for(policy)]


class CommissionPolicyInput(serializers.Serializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", queryset=OrgUnit.objects.all(), label="所属单位",
                                            required=False, help_text="地市分公司或省公司的编码,如 ZZ;修订版本可省略。")
    name = serializers.CharField(max_length=100, label="政策名称", required=False)
    valid_from = serializers.DateField(label="生效日期", required=False)
    valid_to = serializers.DateField(label="失效日期", required=False, allow_null=True)
    channel_types = serializers.ListField(child=serializers.ChoiceField(choices=ChannelType.choices),
                                         allow_empty=False, max_length=len(ChannelType.choices),
                                         label="适用渠道类型", required=False)
    replaces = serializers.IntegerField(label="替代版本", required=False, allow_null=True,
                                        help_text="已批准版本的 id:创建它的修订版本(版本号 +1);未给出的字段从原版本复制。")
    rules = serializers.ListField(child=RuleField(), max_length=50, label="规则", required=False)

    def validate(self, attrs):
        if self.partial:
            return attrs
        if attrs.get("replaces") is not None:
            return attrs  # a revision: what is not given is copied from the replaced version
        missing = [f for f in ("org_unit", "name", "valid_from", "channel_types") if f not in attrs]
        if missing:
            raise serializers.ValidationError({f: ["该字段是必填项。"] for f in missing})
        return attrs


class CommissionEstimateSerializer(serializers.Serializer):
    class EstimateByRule(serializers.Serializer):
        rule = RuleField()
        label = serializers.CharField()
        amount = serializers.DecimalField(**MONEY)

    class EstimateTopChannel(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        node_code = serializers.CharField()
        amount = serializers.DecimalField(**MONEY)

    month = serializers.CharField(help_text="YYYY-MM")
    total = serializers.DecimalField(**MONEY)
    channels = serializers.IntegerField(help_text="该月有业务量、被政策覆盖的渠道数。")
    by_rule = EstimateByRule(many=True, help_text="与 rules 同序;星级系数一行为系数带来的增减。")
    previous_total = serializers.DecimalField(**MONEY, allow_null=True, help_text="被替代版本在同月业务量上的试算合计。")
    delta = serializers.DecimalField(**MONEY, allow_null=True, help_text="total − previous_total。")
    top_channels = EstimateTopChannel(many=True, help_text="酬金最高的前10个渠道。")


class CommissionDifferenceSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="missing 缺少规则、extra 多出规则、field 字段不同、policy 政策字段不同、"
                                           "missing_configuration 尚未录入配置。")
    rule = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    field_label = serializers.CharField()
    expected = serializers.CharField(allow_null=True)
    actual = serializers.CharField(allow_null=True)
    description = serializers.CharField()


class MonthlyVolumeSerializer(serializers.ModelSerializer):
    node_code = serializers.CharField(source="channel.node_code")
    channel_name = serializers.CharField(source="channel.name")
    month = MonthField(format="%Y-%m", read_only=True, help_text="月份 YYYY-MM。")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = MonthlyVolume
        fields = ["id", "channel", "node_code", "channel_name", "month", "business", "quantity", "amount"]
        read_only_fields = fields


class VolumeUploadInput(serializers.Serializer):
    file = serializers.FileField(label="文件", help_text="CSV(UTF-8 或 GBK)或 XLSX;表头 node_code,month,business,"
                                                          "quantity,amount;month 为 YYYY-MM。")


class VolumeUploadResult(serializers.Serializer):
    imported = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField(), help_text="[{\"row\": 行号(表头为第1行), \"message\"}]")
    error_count = serializers.IntegerField(help_text="出错行总数(errors 最多列出500行)。")
