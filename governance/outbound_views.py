"""Outbound pages: agents with their certificates, the province QA's certificate actions, demands.
Thin views over governance.outbound, governance.outbound_selectors and governance.demand."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.paging import CappedPaginator as Paginator

from .demand import demand_file, demand_get_or_404, demand_list, may_file_demand
from .extensions import subject_sections
from .models import Certificate, CertificateStatus, OutboundDemand
from .outbound import certificate_lift, certificate_revoke, certificate_suspend, is_outbound_qa, may_call
from .outbound_forms import AgentPageFilter, DemandForm, DemandPageFilter, ReasonForm
from .outbound_selectors import agent_get_or_404, certificate_get_or_404, certificate_history, current_certificate
from .outbound_selectors import agent_list as agent_list_selector
from .pages import attempt

PAGE_SIZE = 20
ACTIONS = {  # url action → (service, button label, success message, the status it moves to)
    "suspend": (certificate_suspend, "暂停", "证书已暂停,该人员即刻不能外呼。", CertificateStatus.SUSPENDED),
    "lift": (certificate_lift, "解除暂停", "已解除暂停。", CertificateStatus.VALID),
    "revoke": (certificate_revoke, "吊销", "证书已吊销,该人员即刻不能外呼。", CertificateStatus.REVOKED),
}


# ---------------------------------------------------------------- agents and certificates

@login_required
def agent_list(request):
    queryset = agent_list_selector(user=request.user)  # the API's and the export's rows, then the page's filter
    filterset = AgentPageFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(agent, current_certificate(agent)) for agent in page.object_list]
    return render(request, "outbound/agent_list.html", {"filter": filterset, "page": page, "rows": rows})


def _agent_context(request, agent, forms=None) -> dict:
    certificate = current_certificate(agent)
    allowed, reason = may_call(agent_id=agent.pk)
    qa = certificate is not None and is_outbound_qa(request.user, certificate.org_unit)
    actions = []
    if qa:  # the moves the transition table allows from today's status
        allowed_targets = Certificate.TRANSITIONS[certificate.current_status]
        for name, (_, label, _, target) in ACTIONS.items():
            if target in allowed_targets:
                form = (forms or {}).get(name) or ReasonForm(auto_id=f"id_{name}_%s")
                actions.append({"name": name, "label": label, "form": form})
    return {"agent": agent, "certificate": certificate, "allowed": allowed, "reason": reason,
            "history": certificate_history(agent), "actions": actions,
            "sections": subject_sections.render(request, agent)}


@login_required
def agent_detail(request, pk):
    agent = agent_get_or_404(user=request.user, pk=pk)
    return render(request, "outbound/agent_detail.html", _agent_context(request, agent))


@login_required
@require_POST
def certificate_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    certificate = certificate_get_or_404(user=request.user, pk=pk)
    service, _, done, _ = ACTIONS[action]
    form = ReasonForm(request.POST, auto_id=f"id_{action}_%s")
    status = 400
    if form.is_valid():
        result, status = attempt(request, lambda: service(certificate=certificate, user=request.user,
                                                          reason=form.cleaned_data["reason"]), form=form)
        if result is not None:
            messages.success(request, done)
            return redirect("governance:agent_detail", pk=certificate.agent_id)
    agent = agent_get_or_404(user=request.user, pk=certificate.agent_id)
    return render(request, "outbound/agent_detail.html", _agent_context(request, agent, {action: form}),
                  status=status)


# ---------------------------------------------------------------- demands

@login_required
def demand_list_page(request):
    queryset = demand_list(user=request.user)
    filterset = DemandPageFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outbound/demand_list.html", {
        "filter": filterset, "page": page, "may_file": may_file_demand(request.user)})


@login_required
def demand_new(request):
    form = DemandForm(request.POST or None, user=request.user)
    if not may_file_demand(request.user):
        messages.error(request, "只有地市、区县或营服中心的外呼运营、渠道经理、渠道主管可以提交外呼需求。")
        return redirect("governance:demand_list")
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        demand, status = attempt(request, lambda: demand_file(user=request.user, data=form.data_for_service()),
                                 form=form)
        if demand is not None:
            messages.success(request, _filed_message(demand))
            return redirect("governance:demand_detail", pk=demand.pk)
    return render(request, "outbound/demand_form.html", {"form": form}, status=status)


def _filed_message(demand: OutboundDemand) -> str:
    if demand.served_by == OutboundDemand.ServedBy.OWN:
        return f"外呼需求已提交,由本市自有产能承接(占用 {demand.capacity_used} 次)。"
    return (f"本市空闲产能不足({demand.own_free_capacity} 次),需求已转省业务支援中心分配;"
            f"内部结算 {demand.settlement_amount} 元。")


@login_required
def demand_detail(request, pk):
    return render(request, "outbound/demand_detail.html", {"demand": demand_get_or_404(user=request.user, pk=pk)})
