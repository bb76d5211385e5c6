"""外呼需求调配 (outbound demand): a demand the filing city cannot serve from its own certified agents goes to
省业务支援中心, which allocates province capacity; the settlement line (calls × internal unit price) is kept on
the demand against the requesting city. Started by the filing itself (governance's `demand_needs_province`)."""
from django import forms
from rest_framework import serializers

from governance import posts
from governance.demand import demand_allocate, demand_list
from governance.models import OutboundDemand

from ..engine.start import process_start
from ..forms import RequestForm
from ..registry import register_kind
from .base import CommentInput, ProcessKind, Request, StepContext, StepKind


class DemandStartInput(CommentInput):
    demand = serializers.IntegerField(label="外呼需求")


class AllocateInput(CommentInput):
    calls = serializers.IntegerField(min_value=1, max_value=10_000_000, label="分配外呼量")


def _demand(process) -> OutboundDemand:
    return OutboundDemand.objects.select_related("org_unit", "city").get(pk=process.subject_id)


class AllocateStep(StepKind):
    """省业务支援中心分配省集约产能 (all the calls, or part of them)."""

    code, label, actions, approve_label = "allocate", "分配产能", ("approve", "reject"), "分配"
    event, event_label = "allocate", "分配省集约产能"
    input_class = AllocateInput

    def perform(self, ctx: StepContext) -> str:
        demand = demand_allocate(demand=_demand(ctx.process), user=ctx.user, calls=ctx.data["calls"],
                                 note=ctx.comment)
        return (f"分配省集约外呼 {demand.capacity_used} 次,结算 {demand.settlement_amount} 元"
                f"(单价 {demand.settlement_unit_price} 元)。{ctx.comment}").strip()


class AllocateForm(RequestForm):
    calls = forms.IntegerField(label="分配外呼量", min_value=1)

    def service_data(self) -> dict:
        return {"calls": self.cleaned_data["calls"]}


AllocateStep.form_class = AllocateForm


class OutboundDemandKind(ProcessKind):
    code = "outbound-demand"
    label = "外呼需求调配"
    prefix = "WH"
    subject_model = OutboundDemand
    subject_field = "demand"
    subject_noun = "外呼需求"
    requester_posts = frozenset({posts.OUTBOUND_OPS, posts.CHANNEL_MANAGER, posts.CHANNEL_SUPERVISOR})
    start_input = DemandStartInput
    steps = (AllocateStep(),)
    template = "workflows/kinds/outbound_demand.html"
    document_template = "reports/kinds/outbound_demand.html"

    def subjects(self, user):
        return demand_list(user=user)

    def title_of(self, demand) -> str:
        return f"{demand.campaign}({demand.calls} 次)"

    def subject_url(self, demand) -> str:
        return f"/outbound/demands/{demand.pk}/"

    def prepare(self, *, subject: OutboundDemand, data, user) -> Request:
        return Request(payload={"calls": subject.calls}, title=self.title_of(subject))

    def complete(self, *, process) -> str:
        demand = _demand(process)
        return f"省集约产能已分配,结算 {demand.settlement_amount} 元记入{demand.city.name}。"

    def detail(self, process, user) -> dict:
        demand = _demand(process)
        return {"demand": demand.pk, "served_by": demand.served_by, "capacity_used": demand.capacity_used,
                "settlement": {"unit_price": str(demand.settlement_unit_price),
                               "amount": str(demand.settlement_amount)}}

    def page_context(self, process, user) -> dict:
        return {"demand": _demand(process)}

    def document_context(self, process) -> dict:
        demand = _demand(process)
        return {"info": [[("外呼需求", demand.campaign), ("申请单位", demand.org_unit.name)],
                         [("期间", f"{demand.start:%Y-%m-%d} 至 {demand.end:%Y-%m-%d}"), ("外呼量", demand.calls)]],
                "content": {"demand": demand}}


OUTBOUND_DEMAND = register_kind(OutboundDemandKind())


def start_allocation(sender, *, demand, user, **kwargs) -> None:
    """Receiver of governance's demand_needs_province: the filer's demand becomes a request to the province."""
    process_start(kind=OutboundDemandKind.code, user=user, data={"demand": demand.pk})
