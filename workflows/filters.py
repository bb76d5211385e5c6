"""Query-parameter filters of the process list, shared with the Excel export (one definition)."""
import django_filters
from django.contrib.contenttypes.models import ContentType

from governance.models import Channel

from .models import ApprovalProcess

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
    org_unit = IdFilter()

    class Meta:
        model = ApprovalProcess
        fields = ["kind", "state", "channel", "org_unit"]

    def of_channel(self, queryset, name, value):
        """The requests about one channel (its subject)."""
        if not 0 < value < MAX_ID:
            return queryset.none()
        return queryset.filter(subject_type=ContentType.objects.get_for_model(Channel), subject_id=value)
