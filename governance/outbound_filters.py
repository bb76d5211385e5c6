"""Query-parameter filters of the outbound lists: one definition for the API, the pages and the export."""
import django_filters
from django_filters.widgets import BooleanWidget
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .filters import in_unit_subtree
from .models import Certificate, CertificateStatus, OrgUnit, OutboundAgent, OutboundDemand, PostLevel
from .models.outbound import status_q

NO_CERTIFICATE = "none"
STATUS_CHOICES = [*CertificateStatus.choices, (NO_CERTIFICATE, "无证书")]


class YesNoWidget(BooleanWidget):
    """true / false (also 1 / 0) in a query string; a select of 全部 / 是 / 否 on a page."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "全部"), ("true", "是"), ("false", "否")]


def _current(**lookups):
    return Certificate.objects.filter(agent=OuterRef("pk"), is_current=True, **lookups)


class AgentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键字", help_text="姓名或工号")
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), method=in_unit_subtree,
                                                label="所属单位", help_text="该单位及其下级单位")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="by_status", label="证书状态",
                                         help_text="按今天计算;临期 = 30 天内到期;none = 无证书")
    expiring_soon = django_filters.BooleanFilter(method="by_expiring", label="30天内到期", widget=YesNoWidget,
                                                 help_text="true:仅 30 天内到期的有效证书;false:其余")
    level = django_filters.ChoiceFilter(choices=PostLevel.choices, method="by_level", label="证书等级")
    post_level = django_filters.ChoiceFilter(choices=PostLevel.choices, label="岗位等级")

    class Meta:
        model = OutboundAgent
        fields = ["q", "org_unit", "status", "expiring_soon", "level", "post_level"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(employee_no__icontains=value))

    def by_status(self, queryset, name, value):
        if value == NO_CERTIFICATE:
            return queryset.filter(~Exists(_current()))
        return queryset.filter(Exists(_current().filter(status_q(value, timezone.localdate()))))

    def by_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        expiring = Exists(_current().filter(status_q(CertificateStatus.EXPIRING, timezone.localdate())))
        return queryset.filter(expiring if value else ~expiring)

    def by_level(self, queryset, name, value):
        return queryset.filter(Exists(_current(level=value)))


class DemandFilter(django_filters.FilterSet):
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), method=in_unit_subtree,
                                                label="申请单位", help_text="该单位及其下级单位")
    served_by = django_filters.ChoiceFilter(choices=OutboundDemand.ServedBy.choices, label="承接方")
    status = django_filters.ChoiceFilter(choices=OutboundDemand.Status.choices, label="状态")

    class Meta:
        model = OutboundDemand
        fields = ["org_unit", "served_by", "status"]
