"""Page forms of outbound calling. They shape and clean input; the rules live in the services."""
import django_filters
from django import forms

from .demand import MAX_CALLS, filing_units
from .models import OutboundDemand, PostLevel
from .filters import in_unit_subtree
from .outbound_filters import STATUS_CHOICES, AgentFilter, DemandFilter
from .selectors import units_in_scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgentPageFilter(AgentFilter):
    """The agent list page's form of the shared filter: same meaning, page widgets, the user's units only."""

    q = django_filters.CharFilter(label="关键字", method="search",
                                  widget=forms.TextInput(attrs={"placeholder": "姓名 / 工号"}))
    org_unit = django_filters.ModelChoiceFilter(label="所属单位", method=in_unit_subtree, empty_label="全部",
                                                queryset=lambda request: units_in_scope(request.user))
    status = django_filters.ChoiceFilter(label="证书状态", choices=STATUS_CHOICES, method="by_status",
                                         empty_label="全部")
    level = django_filters.ChoiceFilter(label="证书等级", choices=PostLevel.choices, method="by_level",
                                        empty_label="全部")
    post_level = django_filters.ChoiceFilter(label="岗位等级", choices=PostLevel.choices, empty_label="全部")


class DemandPageFilter(DemandFilter):
    org_unit = django_filters.ModelChoiceFilter(label="申请单位", method=in_unit_subtree, empty_label="全部",
                                                queryset=lambda request: units_in_scope(request.user))
    served_by = django_filters.ChoiceFilter(label="承接方", choices=OutboundDemand.ServedBy.choices,
                                            empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=OutboundDemand.Status.choices, empty_label="全部")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.TextInput(attrs={"placeholder": "必填"}),
                             error_messages={"required": "请填写原因。", "max_length": "原因不能超过 500 个字。"})


class DemandForm(forms.Form):
    campaign = forms.CharField(label="营销活动", max_length=100)
    segment = forms.CharField(label="目标客群", max_length=200, required=False,
                              help_text="如:存量低消用户、宽带到期用户")
    calls = forms.IntegerField(label="外呼量(次)", min_value=1, max_value=MAX_CALLS)
    start = forms.DateField(label="开始日期", widget=DATE_INPUT)
    end = forms.DateField(label="结束日期", widget=DATE_INPUT, help_text="按工作日(周一至周五)计算产能")
    org_unit = forms.ModelChoiceField(label="申请单位", queryset=None, required=False, empty_label="本岗位所在单位",
                                      help_text="可选本单位或其下级单位")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = filing_units(user)

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("org_unit") is None:
            data.pop("org_unit", None)
        return data
