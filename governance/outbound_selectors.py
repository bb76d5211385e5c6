"""Reads of outbound calling: the agent list (with each agent's current certificate), one agent, one
certificate, a certificate's trail. Everything goes through the one scoping selector."""
from django.db.models import Prefetch, QuerySet

from .models import Certificate, CertificateEvent, OutboundAgent
from .outbound_filters import AgentFilter
from .selectors import filtered, get_scoped_or_404, scoped

CURRENT = "current_certificate_list"  # to_attr of the prefetch: a list of zero or one certificate


def with_current_certificate(queryset: QuerySet) -> QuerySet:
    """Agents with their current certificate fetched in one more query, whatever the page size."""
    return queryset.select_related("org_unit").prefetch_related(
        Prefetch("certificates", queryset=Certificate.objects.filter(is_current=True), to_attr=CURRENT))


def current_certificate(agent: OutboundAgent) -> Certificate | None:
    """The agent's current certificate: from the prefetch when there is one, else one query."""
    if hasattr(agent, CURRENT):
        found = getattr(agent, CURRENT)
        return found[0] if found else None
    return agent.certificates.filter(is_current=True).first()


def agent_list(*, user, filters=None) -> QuerySet:
    """外呼人员清单: the agents the user may see, by employee number, narrowed by AgentFilter.

    GET /api/v1/agents/, the agent list page and the certificates export all call this."""
    queryset = with_current_certificate(scoped(OutboundAgent.objects.all(), user)).order_by("employee_no")
    return filtered(AgentFilter, queryset, filters)


def agent_get_or_404(*, user, pk) -> OutboundAgent:
    return get_scoped_or_404(with_current_certificate(OutboundAgent.objects.all()), user, pk=pk)


def certificate_get_or_404(*, user, pk) -> Certificate:
    """A certificate in the user's scope (by its copy of the agent's unit); anything else is a 404."""
    return get_scoped_or_404(Certificate.objects.select_related("agent", "org_unit"), user, "org_unit", pk=pk)


def certificate_history(agent: OutboundAgent) -> list[Certificate]:
    """All of the agent's certificates, newest first, each with its events (oldest first) in `event_list`."""
    events = CertificateEvent.objects.select_related("actor").order_by("at", "id")
    return list(agent.certificates.prefetch_related(Prefetch("events", queryset=events, to_attr="event_list"))
                .order_by("-is_current", "-issued_on", "-id"))

