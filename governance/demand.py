"""Outbound demand (外呼需求): free capacity, filing a demand, and the province's allocation.

Capacity model (seed 001: a city uses its own outbound resources first and asks for the province's
集约 capacity when short, with an internal settlement):

* Working days are Monday to Friday (no holiday calendar yet).
* A city's capacity over [start, end] = its agents (the city and every unit under it, on post) whose
  current certificate is in force for the whole period (active, valid_from <= start, valid_to >= end)
  x calls per agent per working day (OutboundSettings: the city's row, else the province's) x the
  working days in the period.
* A demand spreads its calls evenly over its own working days. Another own-served demand of the same
  city uses calls x (its working days that fall in the period / its working days); these are summed
  and rounded up, and taken off the capacity. The remainder (never below 0) is the free capacity.
* A demand the free capacity covers in full is served by the city (served_by "own", capacity used =
  its calls). Otherwise it goes whole to the province (served_by "province", awaiting 省业务支援中心),
  and a settlement line is recorded against the requesting city: calls x the internal unit price of
  the day it was filed. The allocation sets the calls the province serves and the final amount.
* The province pool is the same rule for agents attached to the province unit itself, minus the calls
  already allocated to other demands in overlapping days.

Filing locks the city's org-unit row and allocation the province's, so two requests cannot both take
the last free calls.
"""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import posts
from .errors import Conflict, NotAllowed
from .models import Certificate, OrgUnit, OutboundDemand, OutboundSettings
from .outbound_filters import DemandFilter
from .selectors import assignments_of, can_act, filtered, get_scoped_or_404, scoped
from .services import acting_assignment
from .events import demand_needs_province

FILER_POSTS = {posts.OUTBOUND_OPS, posts.CHANNEL_MANAGER, posts.CHANNEL_SUPERVISOR}
FILER_TIERS = {OrgUnit.Tier.CITY, OrgUnit.Tier.COUNTY, OrgUnit.Tier.CENTRE}
MAX_PERIOD_DAYS = 366
MAX_CALLS = 10_000_000
CENT = Decimal("0.01")
FILERS_ONLY = "只有地市、区县或营服中心的外呼运营、渠道经理、渠道主管可以提交外呼需求。"


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days in [start, end], both included (0 if end < start)."""
    days = (end - start).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum(1 for i in range(rest) if (start + timedelta(days=i)).weekday() < 5)


def city_of(unit: OrgUnit) -> OrgUnit | None:
    """The city (地市分公司) a unit belongs to: itself, or its ancestor of tier city."""
    if unit.tier == OrgUnit.Tier.CITY:
        return unit
    return unit.ancestors().filter(tier=OrgUnit.Tier.CITY).first()


def settings_for(unit: OrgUnit) -> OutboundSettings:
    """The unit's own settings row, else the nearest ancestor's (a city row overrides the province's)."""
    found = (OutboundSettings.objects.filter(org_unit__path__in=unit.ancestor_paths)
             .order_by("-org_unit__depth").first())
    if found is None:
        raise ValidationError("尚未配置外呼产能与结算参数,请联系系统管理员。")
    return found


def _certified_agents(units: QuerySet, start: date, end: date) -> int:
    return Certificate.objects.filter(
        org_unit__in=units, is_current=True, status=Certificate.Stored.ACTIVE, agent__active=True,
        valid_from__lte=start, valid_to__gte=end,
    ).count()


def _used(demands: QuerySet, start: date, end: date) -> int:
    """Calls other demands spend in [start, end]: each spread evenly over its own working days."""
    used = Fraction(0)
    for calls, d_start, d_end in demands.filter(start__lte=end, end__gte=start).values_list(
            "capacity_used", "start", "end"):
        own_days = working_days(d_start, d_end)
        if own_days:
            used += Fraction(calls * working_days(max(start, d_start), min(end, d_end)), own_days)
    return ceil(used)


def _free(units: QuerySet, settings_unit: OrgUnit, demands: QuerySet, start: date, end: date) -> int:
    capacity = (_certified_agents(units, start, end) * settings_for(settings_unit).calls_per_agent_day
                * working_days(start, end))
    return max(0, capacity - _used(demands, start, end))


def city_free_capacity(*, unit: OrgUnit, start: date, end: date) -> int:
    """Calls the city of `unit` can still make in [start, end] (see the module's capacity model)."""
    city = city_of(unit)
    if city is None:
        return 0
    demands = OutboundDemand.objects.filter(city=city, served_by=OutboundDemand.ServedBy.OWN)
    return _free(city.descendants(), city, demands, start, end)


def province_free_capacity(*, start: date, end: date, province: OrgUnit | None = None) -> int:
    """Calls the province's own outbound team can still take on in [start, end]."""
    province = province or OrgUnit.objects.get(parent=None)
    demands = OutboundDemand.objects.filter(served_by=OutboundDemand.ServedBy.PROVINCE,
                                            status=OutboundDemand.Status.ALLOCATED)
    return _free(OrgUnit.objects.filter(pk=province.pk), province, demands, start, end)


# ---------------------------------------------------------------- filing

def _filer_assignments(user) -> list:
    if not can_act(user):
        return []
    held = [a for a in assignments_of(user) if a.post.code in FILER_POSTS and a.org_unit.tier in FILER_TIERS]
    return sorted(held, key=lambda a: a.pk)


def filing_units(user) -> QuerySet:
    """Units the user may file a demand for: those of their filing posts and everything under them."""
    q = Q(pk__in=[])
    for assignment in _filer_assignments(user):
        q |= Q(path__startswith=assignment.org_unit.path)
    return OrgUnit.objects.filter(q)


def may_file_demand(user) -> bool:
    return bool(_filer_assignments(user))


def _filer(user, unit: OrgUnit | None):
    """The user's filing post, and the unit the demand is for (their own unit unless they name one below)."""
    eligible = _filer_assignments(user)
    if not eligible:
        raise NotAllowed(FILERS_ONLY)
    if unit is None:
        return eligible[0], eligible[0].org_unit
    assignment = next((a for a in eligible if unit.is_within(a.org_unit)), None)
    if assignment is None:
        raise ValidationError({"org_unit": "申请单位不在您的管辖范围内。"})
    return assignment, unit


def _text(data: dict, name: str, label: str, errors: dict, required: bool = True) -> str:
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else ""
    limit = OutboundDemand._meta.get_field(name).max_length
    if required and not value:
        errors[name] = [f"请填写{label}。"]
    elif len(value) > limit:
        errors[name] = [f"{label}不能超过 {limit} 个字。"]
    return value


def _clean(data: dict, today: date) -> dict:
    errors = {}
    campaign = _text(data, "campaign", "营销活动", errors)
    segment = _text(data, "segment", "目标客群", errors, required=False)
    calls, start, end = data.get("calls"), data.get("start"), data.get("end")
    if isinstance(calls, bool) or not isinstance(calls, int) or not 1 <= calls <= MAX_CALLS:
        errors["calls"] = [f"外呼量应为 1 到 {MAX_CALLS:,} 之间的整数。"]
    if not isinstance(start, date):
        errors["start"] = ["请填写开始日期。"]
    elif start < today:
        errors["start"] = ["开始日期不能早于今天。"]
    if not isinstance(end, date):
        errors["end"] = ["请填写结束日期。"]
    elif isinstance(start, date) and end < start:
        errors["end"] = ["结束日期不能早于开始日期。"]
    elif isinstance(start, date) and (end - start).days >= MAX_PERIOD_DAYS:
        errors["end"] = [f"需求期间不能超过 {MAX_PERIOD_DAYS} 天。"]
    elif isinstance(start, date) and working_days(start, end) == 0:
        errors["end"] = ["需求期间没有工作日(周一至周五)。"]
    if errors:
        raise ValidationError(errors)
    return {"campaign": campaign, "segment": segment, "calls": calls, "start": start, "end": end}


def _amount(calls: int, unit_price: Decimal) -> Decimal:
    return (Decimal(calls) * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def demand_file(*, user, data: dict) -> OutboundDemand:
    """File a demand: {"campaign", "segment", "calls", "start", "end"} and optionally "org_unit" (a unit at
    or under the filer's). Its city serves it if its free capacity covers all the calls; otherwise it
    awaits the province's allocation, with a settlement line of calls x internal unit price."""
    assignment, unit = _filer(user, data.get("org_unit"))
    cleaned = _clean(data, timezone.localdate())
    city = city_of(unit)
    if city is None:
        raise ValidationError({"org_unit": "外呼需求应由地市或其下级单位提交。"})
    OrgUnit.objects.select_for_update().filter(pk=city.pk).first()  # one filing per city at a time
    free = city_free_capacity(unit=city, start=cleaned["start"], end=cleaned["end"])
    demand = OutboundDemand(**cleaned, org_unit=unit, city=city, own_free_capacity=free, filed_by=user,
                            filed_post=assignment.post.name)
    if cleaned["calls"] <= free:
        demand.served_by, demand.status = OutboundDemand.ServedBy.OWN, OutboundDemand.Status.ACCEPTED
        demand.capacity_used = cleaned["calls"]
    else:
        price = settings_for(city).unit_price
        demand.served_by, demand.status = OutboundDemand.ServedBy.PROVINCE, OutboundDemand.Status.PENDING_ALLOCATION
        demand.settlement_unit_price, demand.settlement_amount = price, _amount(cleaned["calls"], price)
    demand.full_clean()
    demand.save()
    if demand.served_by == OutboundDemand.ServedBy.PROVINCE:
        demand_needs_province.send(sender=OutboundDemand, demand=demand, user=user)
    return demand


# ---------------------------------------------------------------- the province's allocation

@transaction.atomic
def demand_allocate(*, demand: OutboundDemand, user, calls: int, note: str = "") -> OutboundDemand:
    """省业务支援中心 allocates `calls` (1 to the demand's calls) of the province pool to a demand that
    awaits it; the settlement amount becomes calls x the unit price fixed at filing."""
    assignment = acting_assignment(user, demand.org_unit, {posts.PROVINCE_SUPPORT}) if can_act(user) else None
    if assignment is None or assignment.org_unit.tier != OrgUnit.Tier.PROVINCE:
        raise NotAllowed("只有省业务支援中心可以分配省集约外呼产能。")
    demand = OutboundDemand.objects.select_for_update().get(pk=demand.pk)
    if demand.status != OutboundDemand.Status.PENDING_ALLOCATION:
        raise Conflict(f"该需求状态为“{demand.get_status_display()}”,无需分配。")
    if isinstance(calls, bool) or not isinstance(calls, int) or not 1 <= calls <= demand.calls:
        raise ValidationError({"calls": f"分配外呼量应为 1 到 {demand.calls} 之间的整数。"})
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "分配说明不能超过 2000 个字。"})
    province = OrgUnit.objects.select_for_update().get(pk=assignment.org_unit.pk)
    free = province_free_capacity(start=demand.start, end=demand.end, province=province)
    if calls > free:
        raise ValidationError({"calls": f"省集约外呼产能不足:该期间空闲 {free} 次。"})
    demand.capacity_used, demand.status = calls, OutboundDemand.Status.ALLOCATED
    demand.allocated_by, demand.allocated_at, demand.allocation_note = user, timezone.now(), note
    demand.settlement_amount = _amount(calls, demand.settlement_unit_price)
    demand.full_clean()
    demand.save()
    return demand


# ---------------------------------------------------------------- reads

def demand_list(*, user, filters=None) -> QuerySet:
    """外呼需求清单: the demands of the user's units, newest first."""
    queryset = scoped(OutboundDemand.objects.select_related("org_unit", "city", "filed_by"), user).order_by("-id")
    return filtered(DemandFilter, queryset, filters)


def demand_get_or_404(*, user, pk) -> OutboundDemand:
    return get_scoped_or_404(OutboundDemand.objects.select_related("org_unit", "city", "filed_by", "allocated_by"),
                             user, pk=pk)
