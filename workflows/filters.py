"""Query-parameter filters of the process list, shared with the Excel export (one definition)."""
import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from governance.filters import in_unit_subtree
from governance.models import Channel

from .models import ApprovalProcess

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
MAX_ID = 10**18  # ids have at most 18 digits (config.converters.IdConverter)


class IdFilter(django_filters.NumberFilter):
    """A plain id; one outside the id range filters to nothing instead of overflowing the database."""

    def filter(self, qs, value):
        if value is not None and not -MAX_ID < value < MAX_ID:
            return qs.none()
        return super().filter(qs, value)


class ProcessFilter(django_filters.FilterSet):
    """Plain ids: an id outside the caller's scope filters to nothing, exactly like an unknown one."""

    channel = IdFilter(method="of_channel", label="渠道")
    org_unit = IdFilter(method="in_unit", label="申请单位", help_text="含其下级单位。")
    requester = django_filters.CharFilter(method="of_requester", label="申请人", max_length=150,
                                          help_text="账号或姓名中包含的文字。")
    created_from = django_filters.DateFilter(field_name="created", lookup_expr="date__gte", label="发起日期自",
                                             widget=DATE_INPUT)
    created_to = django_filters.DateFilter(field_name="created", lookup_expr="date__lte", label="发起日期至",
                                           widget=DATE_INPUT, help_text="含当日。")

    class Meta:
        model = ApprovalProcess
        fields = ["kind", "state", "channel", "org_unit", "requester", "created_from", "created_to"]

    def in_unit(self, queryset, name, value):
        """申请单位 and everything under it (a city's requests include its counties')."""
        return in_unit_subtree(queryset, name, int(value))

    def of_requester(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(requester__username__icontains=value) | Q(requester__first_name__icontains=value)
                               | Q(requester__last_name__icontains=value))

    def of_channel(self, queryset, name, value):
        """The requests about one channel (its subject)."""
        if not 0 < value < MAX_ID:
            return queryset.none()
        return queryset.filter(subject_type=ContentType.objects.get_for_model(Channel), subject_id=value)
