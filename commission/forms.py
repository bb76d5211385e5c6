"""Page forms of commission policies: the policy's fields and a rules table (one small form per rule).
They shape input into the API's rule dicts; commission.rules checks them in the services."""
import re

from django import forms
from django.forms import formset_factory

from governance.models import ChannelType, OrgUnit
from governance.selectors import assignments_of

from .models import Business, RuleKind
from .rules import money, ratio
from .selectors import rules_for
from .services import POLICY_EDITORS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SPLIT = re.compile(r"[,,;;、\s]+")
KIND_FIELDS = {  # which inputs of a rule row each kind reads (the page hides the others)
    RuleKind.PER_UNIT: ("business", "amount"),
    RuleKind.PERCENT: ("business", "rate", "cap"),
    RuleKind.TIERED: ("business", "tiers"),
    RuleKind.BONUS: ("business", "threshold", "amount", "valid_from", "valid_to"),
    RuleKind.STAR_COEFFICIENT: ("coefficients",),
}


def editor_units(user):
    """City and province units where the user may draft policies."""
    units = OrgUnit.objects.filter(tier__in=[OrgUnit.Tier.CITY, OrgUnit.Tier.PROVINCE])
    if user.is_superuser:
        return units
    paths = [a.org_unit.path for a in assignments_of(user) if a.post.code in POLICY_EDITORS]
    return units.filter(path__in=paths) if paths else units.none()


class PolicyForm(forms.Form):
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label="所属单位", empty_label=None)
    name = forms.CharField(label="政策名称", max_length=100)
    valid_from = forms.DateField(label="生效日期", widget=DATE_INPUT)
    valid_to = forms.DateField(label="失效日期", required=False, widget=DATE_INPUT, help_text="留空表示长期有效。")
    channel_types = forms.MultipleChoiceField(label="适用渠道类型", choices=ChannelType.choices,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = editor_units(user)
        if policy is not None:  # the unit is fixed once created
            self.fields["org_unit"].queryset = OrgUnit.objects.filter(pk=policy.org_unit_id)
            self.fields["org_unit"].disabled = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "失效日期不能早于生效日期。")
        return cleaned


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label="规则类型", choices=[("", "—"), *RuleKind.choices], required=False)
    business = forms.ChoiceField(label="业务", choices=[("", "—"), *Business.choices], required=False)
    amount = forms.CharField(label="金额(元)", required=False, max_length=20)
    rate = forms.CharField(label="比例", required=False, max_length=20, help_text="如 0.02 即 2%")
    cap = forms.CharField(label="每渠道每月封顶(元)", required=False, max_length=20, help_text="留空不封顶")
    tiers = forms.CharField(label="阶梯", required=False, max_length=500,
                            help_text="起始数量:单价,逗号分隔,如 0:10.00, 100:12.00")
    threshold = forms.CharField(label="门槛数量", required=False, max_length=12)
    valid_from = forms.DateField(label="激励开始日期", required=False, widget=DATE_INPUT)
    valid_to = forms.DateField(label="激励结束日期", required=False, widget=DATE_INPUT)
    coefficients = forms.CharField(label="星级系数(1至5星)", required=False, max_length=100,
                                   help_text="五个系数,逗号分隔,如 0.80, 0.90, 1.00, 1.10, 1.20")

    def clean_tiers(self):
        text = self.cleaned_data["tiers"].strip()
        if not text:
            return []
        tiers = []
        for part in SPLIT.split(text.replace(":", ":")):
            if not part:
                continue
            start, sep, amount = part.partition(":")
            if not sep or not start.strip() or not amount.strip():
                raise forms.ValidationError(f"“{part}”应写作 起始数量:单价,如 100:12.00。")
            tiers.append({"from": start.strip(), "amount": amount.strip()})
        return tiers

    def clean_coefficients(self):
        values = [v for v in SPLIT.split(self.cleaned_data["coefficients"].strip()) if v]
        if values and len(values) != 5:
            raise forms.ValidationError("请按 1 至 5 星顺序填写五个系数。")
        return {str(star): value for star, value in enumerate(values, 1)}

    def clean(self):
        cleaned = super().clean()
        filled = any(value for name, value in cleaned.items() if name not in ("kind", "DELETE"))
        if filled and not cleaned.get("kind") and not cleaned.get("DELETE"):
            self.add_error("kind", "请选择规则类型。")
        return cleaned

    def to_rule(self) -> dict:
        """The rule as the API takes it (only the inputs of its kind)."""
        kind = self.cleaned_data["kind"]
        rule = {"kind": kind}
        for name in KIND_FIELDS[RuleKind(kind)]:
            value = self.cleaned_data.get(name)
            rule[name] = value.isoformat() if hasattr(value, "isoformat") else value
        if kind == RuleKind.PERCENT and not rule["cap"]:
            rule["cap"] = None
        return rule


RuleFormSet = formset_factory(RuleForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def configuration_formset(policy, data=None):
    """An empty rules table for entering a policy's system configuration (配置录入): as many rows as the policy
    has rules and one more, none filled in, because the configuration is entered on its own."""
    rows = len(rules_for(policy)) + 1
    formset = formset_factory(RuleForm, extra=rows, max_num=50, validate_max=True)
    return formset(data, prefix="rules")


def rule_initial(rule: dict) -> dict:
    """A canonical rule as a rules-table row's initial values."""
    row = {"kind": rule["kind"], "business": rule.get("business", "")}
    for key in ("amount", "cap"):
        if rule.get(key) is not None:
            row[key] = money(rule[key])
    if rule.get("rate") is not None:
        row["rate"] = ratio(rule["rate"])
    for key in ("threshold", "valid_from", "valid_to"):
        if key in rule:
            row[key] = rule[key]
    if "tiers" in rule:
        row["tiers"] = ", ".join(f"{t['from']}:{money(t['amount'])}" for t in rule["tiers"])
    if "coefficients" in rule:
        row["coefficients"] = ", ".join(ratio(rule["coefficients"][s]) for s in sorted(rule["coefficients"]))
    return row


def rules_from(formset) -> list[dict]:
    return [form.to_rule() for form in formset.forms
            if form.cleaned_data.get("kind") and not form.cleaned_data.get("DELETE")]


class UploadForm(forms.Form):
    file = forms.FileField(label="业务量文件", help_text="CSV 或 XLSX,表头 node_code,month,business,quantity,amount;"
                                                       "month 为 YYYY-MM。有任何一行出错时不导入任何数据。")


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}), help_text="默认上月。")
