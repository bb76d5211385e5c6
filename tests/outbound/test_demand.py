"""Outbound demand: own capacity first, the province pool when short, the settlement line, the allocation."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.demand import city_free_capacity, demand_allocate, demand_file, province_free_capacity, working_days
from governance.errors import Conflict, NotAllowed
from governance.models import OutboundDemand

from .conftest import MOVES, certificate, person, unit

# Demo: ZZ has 4 certified agents, one of them (ZZ0002) until day 20; 120 calls per agent-day (province
# row). LY has 3, at 100 calls per agent-day and 0.45 yuan a call (its own row). The province team: 3.


def monday(after_days: int) -> date:
    day = timezone.localdate() + timedelta(days=after_days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def week(after_days: int):
    start = monday(after_days)
    return start, start + timedelta(days=4)


def file(username="zz_outbound", calls=100, period=None, **extra) -> OutboundDemand:
    start, end = period or week(30)
    data = {"campaign": "宽带续约", "segment": "宽带到期用户", "calls": calls, "start": start, "end": end, **extra}
    return demand_file(user=person(username), data=data)


def test_working_days():
    mon = date(2026, 11, 30)
    assert working_days(mon, mon + timedelta(days=4)) == 5
    assert working_days(mon, mon + timedelta(days=6)) == 5
    assert working_days(mon, mon + timedelta(days=13)) == 10
    assert working_days(mon + timedelta(days=5), mon + timedelta(days=6)) == 0
    assert working_days(mon + timedelta(days=2), mon + timedelta(days=8)) == 5
    assert working_days(mon, mon - timedelta(days=1)) == 0


def test_city_capacity_counts_agents_certified_over_the_whole_period(outbound):
    assert city_free_capacity(unit=unit("ZZ"), start=week(1)[0], end=week(1)[1]) == 4 * 120 * 5
    assert city_free_capacity(unit=unit("ZZ"), start=week(30)[0], end=week(30)[1]) == 3 * 120 * 5
    assert city_free_capacity(unit=unit("ZZ-JS"), start=week(30)[0], end=week(30)[1]) == 3 * 120 * 5
    assert city_free_capacity(unit=unit("LY-LL"), start=week(30)[0], end=week(30)[1]) == 3 * 100 * 5
    MOVES["suspend"](certificate=certificate("ZZ0001"), user=person("prov_outbound_qa"), reason="抽检不合格")
    assert city_free_capacity(unit=unit("ZZ"), start=week(30)[0], end=week(30)[1]) == 2 * 120 * 5
    idle = certificate("ZZ0003").agent
    idle.active = False
    idle.save()
    assert city_free_capacity(unit=unit("ZZ"), start=week(30)[0], end=week(30)[1]) == 1 * 120 * 5


def test_own_capacity_first_then_the_province(outbound):
    own = file(calls=1800)
    assert (own.served_by, own.status, own.capacity_used, own.own_free_capacity) == ("own", "accepted", 1800, 1800)
    assert own.settlement_amount is None and own.settlement_unit_price is None and own.city == unit("ZZ")
    short = file(calls=1)
    assert (short.served_by, short.status, short.capacity_used, short.own_free_capacity) == (
        "province", "pending_allocation", 0, 0)
    assert (short.settlement_unit_price, short.settlement_amount) == (Decimal("0.50"), Decimal("0.50"))


def test_overlapping_demands_use_capacity_on_their_shared_working_days(outbound):
    mon, fri = week(30)
    file(calls=1000, period=(mon, fri))
    wednesday_to_tuesday = (mon + timedelta(days=2), mon + timedelta(days=8))  # 3 days in that week, 2 after
    # the first demand spends 1000 x 3/5 = 600 calls on Wednesday to Friday
    assert city_free_capacity(unit=unit("ZZ"), start=wednesday_to_tuesday[0], end=wednesday_to_tuesday[1]) == 1800 - 600
    second = file(calls=1200, period=wednesday_to_tuesday)
    assert second.served_by == "own"
    # the week now holds 1000 + 1200 x 3/5 = 1720 of its 1800
    assert city_free_capacity(unit=unit("ZZ"), start=mon, end=fri) == 80
    assert file(calls=81, period=(mon, fri)).served_by == "province"
    assert file(calls=80, period=(mon, fri)).served_by == "own"
    assert city_free_capacity(unit=unit("ZZ"), start=mon, end=fri) == 0
    later = week(37)
    assert city_free_capacity(unit=unit("ZZ"), start=later[0], end=later[1]) == 1800 - 1200 * 2 // 5


def test_fractions_of_calls_round_up(outbound):
    mon, fri = week(30)
    file(calls=10, period=(mon, mon + timedelta(days=2)))  # 10/3 calls a day
    assert city_free_capacity(unit=unit("ZZ"), start=mon, end=mon) == 360 - 4


def test_cities_do_not_share_capacity(outbound):
    file("ly_outbound", calls=1500)
    assert city_free_capacity(unit=unit("ZZ"), start=week(30)[0], end=week(30)[1]) == 1800
    demand = file("ly_manager", calls=3333)
    assert demand.served_by == "province" and demand.city == unit("LY")
    assert (demand.settlement_unit_price, demand.settlement_amount) == (Decimal("0.45"), Decimal("1499.85"))


def test_a_county_files_against_its_city(outbound):
    demand = file("zz_manager", calls=1800, org_unit=unit("ZZ-JS"))
    assert demand.org_unit == unit("ZZ-JS") and demand.city == unit("ZZ") and demand.served_by == "own"
    assert demand.filed_post == "渠道经理" and demand.filed_by.username == "zz_manager"
    assert file("zz_supervisor", calls=1).served_by == "province"


@pytest.mark.parametrize("username", ["zz_leader", "zz_support", "prov_support", "prov_outbound_qa", "auditor",
                                      "admin"])
def test_who_may_not_file(outbound, username):
    with pytest.raises(NotAllowed):
        file(username)
    assert not OutboundDemand.objects.exists()


def test_a_unit_outside_the_filers_is_refused(outbound):
    with pytest.raises(ValidationError) as caught:
        file("zz_manager", org_unit=unit("LY-LL"))
    assert "org_unit" in caught.value.message_dict and not OutboundDemand.objects.exists()


@pytest.mark.parametrize("changes, field", [
    ({"campaign": ""}, "campaign"), ({"campaign": "  "}, "campaign"), ({"campaign": "长" * 101}, "campaign"),
    ({"segment": "长" * 201}, "segment"), ({"calls": 0}, "calls"), ({"calls": -5}, "calls"),
    ({"calls": 10_000_001}, "calls"), ({"calls": True}, "calls"),
    ({"calls": "100"}, "calls"), ({"start": date(2020, 1, 1)}, "start"), ({"start": None}, "start"),
    ({"end": None}, "end"),
])
def test_bad_input_changes_nothing(outbound, changes, field):
    start, end = week(30)
    data = {"campaign": "宽带续约", "segment": "", "calls": 100, "start": start, "end": end, **changes}
    with pytest.raises(ValidationError) as caught:
        demand_file(user=person("zz_outbound"), data=data)
    assert field in caught.value.message_dict
    assert not OutboundDemand.objects.exists()


@pytest.mark.parametrize("period", ["end_before_start", "weekend", "too_long"])
def test_bad_periods(outbound, period):
    mon = monday(30)
    start, end = {"end_before_start": (mon, mon - timedelta(days=1)),
                  "weekend": (mon + timedelta(days=5), mon + timedelta(days=6)),
                  "too_long": (mon, mon + timedelta(days=366))}[period]
    with pytest.raises(ValidationError) as caught:
        file(period=(start, end))
    assert "end" in caught.value.message_dict and not OutboundDemand.objects.exists()


def test_the_province_allocates_from_its_pool(outbound):
    mon, fri = week(30)
    assert province_free_capacity(start=mon, end=fri) == 3 * 120 * 5
    first = file(calls=5000)
    allocated = demand_allocate(demand=first, user=person("prov_support"), calls=1000, note="本周安排省集约团队")
    assert (allocated.status, allocated.capacity_used, allocated.allocated_by.username) == ("allocated", 1000,
                                                                                           "prov_support")
    assert allocated.settlement_amount == Decimal("500.00") and allocated.allocated_at is not None
    assert province_free_capacity(start=mon, end=fri) == 800
    second = file(calls=5000)
    with pytest.raises(ValidationError) as caught:
        demand_allocate(demand=second, user=person("prov_support"), calls=900, note="")
    assert "800" in caught.value.message_dict["calls"][0]
    assert OutboundDemand.objects.get(pk=second.pk).status == "pending_allocation"
    with pytest.raises(Conflict):
        demand_allocate(demand=first, user=person("prov_support"), calls=10, note="再分配")


def test_allocation_checks(outbound):
    demand = file(calls=5000)
    for username in ("zz_outbound", "prov_marketing", "auditor"):
        with pytest.raises(NotAllowed):
            demand_allocate(demand=demand, user=person(username), calls=10, note="")
    for calls in (0, 5001, True, "10"):
        with pytest.raises(ValidationError):
            demand_allocate(demand=demand, user=person("prov_support"), calls=calls, note="")
    own = file(calls=10)
    with pytest.raises(Conflict):
        demand_allocate(demand=own, user=person("prov_support"), calls=10, note="")
    assert OutboundDemand.objects.get(pk=demand.pk).status == "pending_allocation"
