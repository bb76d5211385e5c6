"""Query-parameter filters of the policy and volume lists: one definition for the API, the pages and the export."""
import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from governance.models import ChannelType, OrgUnit

from .models import Business, CommissionPolicy, MonthlyVolume, PolicyStatus
from .months import parse_month


class MonthField(forms.CharField):
    """A month typed as YYYY-MM; cleans to the first day of it."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0])


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class PolicyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键字", max_length=100)
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.filter(
        tier__in=[OrgUnit.Tier.PROVINCE, OrgUnit.Tier.CITY]), to_field_name="code", label="所属单位",
        empty_label="全部")
    status = django_filters.ChoiceFilter(choices=PolicyStatus.choices, label="状态", empty_label="全部")
    channel_type = django_filters.ChoiceFilter(choices=ChannelType.choices, method="with_type", label="适用渠道类型",
                                               empty_label="全部")
    valid_on = django_filters.DateFilter(method="valid_on_day", label="有效日期",
                                         widget=forms.DateInput(attrs={"type": "date"}),
                                         help_text="该日在政策有效期内。")

    class Meta:
        model = CommissionPolicy
        fields = ["q", "org_unit", "status", "channel_type", "valid_on"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def with_type(self, queryset, name, value):
        # channel_types is a JSON list of codes; a quoted code matches one element exactly (no code is a
        # quoted substring of another), on PostgreSQL and SQLite alike
        return queryset.filter(channel_types__icontains=f'"{value}"')

    def valid_on_day(self, queryset, name, day):
        return queryset.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class VolumeFilter(django_filters.FilterSet):
    month = MonthFilter(label="月份", help_text="YYYY-MM,如 2026-10。")
    business = django_filters.ChoiceFilter(choices=Business.choices, label="业务", empty_label="全部")
    node_code = django_filters.CharFilter(field_name="channel__node_code", label="节点代码", max_length=40)

    class Meta:
        model = MonthlyVolume
        fields = ["month", "business", "node_code"]
