"""Query-parameter filters of the channel list: one definition for the API, the page and the Excel export."""
import django_filters
from django.db.models import Q

from .models import Channel, OrgUnit


class ChannelFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键字")
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), method="in_unit", label="归属单位")

    class Meta:
        model = Channel
        fields = ["q", "status", "channel_type", "org_unit", "star_level"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(node_code__icontains=value)
                               | Q(boss_code__icontains=value))

    def in_unit(self, queryset, name, unit):
        """A unit and everything under it (a city's channels sit in its counties)."""
        return queryset.filter(org_unit_id__in=unit.descendants().values("pk"))
