"""Query-parameter filters of the channel list: one definition for the API, the page and the Excel export."""
import django_filters
from django import forms
from django.db.models import Q

from .models import Channel, OrgUnit

SEARCH_MAX_CHARS = 100  # a longer search term is refused (400), never sent to the database
MAX_ID = 10**18  # ids have at most 18 digits (config.converters.IdConverter)


def in_unit_subtree(queryset, name, unit):
    """Rows of a unit (an OrgUnit, or its id) and of everything under it (a city's rows sit in its counties and
    centres); an unknown id filters to nothing. `org_unit` of the queryset's model is the unit."""
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first() if -MAX_ID < unit < MAX_ID else None
        if unit is None:
            return queryset.none()
    return queryset.filter(org_unit_id__in=unit.descendants().values("pk"))


class UnitIdFilter(django_filters.NumberFilter):
    """A unit's id. An unknown id and one outside the caller's scope give the same answer: no rows."""

    field_class = forms.IntegerField


class ChannelFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键字", max_length=SEARCH_MAX_CHARS,
                                  help_text=f"名称、节点代码或BOSS编码中包含的文字,最多 {SEARCH_MAX_CHARS} 个字符。")
    org_unit = UnitIdFilter(method="in_unit", label="归属单位", help_text="单位ID,含其下级单位。")

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
        return in_unit_subtree(queryset, name, unit)
