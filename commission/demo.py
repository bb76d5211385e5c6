"""Demo data of the commission domain: one approved (archived, in force) policy per city and last month's
volumes of the demo channels. Idempotent; finds units and users by code and username, so it runs after
seed_demo (which it does not change)."""
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import Channel, ChannelType, OrgUnit

from .models import Business, CommissionPolicy, MonthlyVolume
from .months import last_month, month_end
from .services import configuration_enter, policy_approve, policy_archive, policy_create, policy_submit

SOCIAL = [ChannelType.EXCLUSIVE_STORE.value, ChannelType.AGENT_POINT.value]
COEFFICIENTS = {"1": "0.80", "2": "0.90", "3": "1.00", "4": "1.10", "5": "1.20"}
CITIES = {  # city: (name, per new number, per handset, broadband tiers, bonus amount)
    "ZZ": ("郑州分公司社会渠道基本酬金政策", "40.00", "30.00", [(0, "50.00"), (20, "60.00"), (50, "70.00")], "300.00"),
    "LY": ("洛阳分公司社会渠道基本酬金政策", "38.00", "28.00", [(0, "45.00"), (30, "55.00")], "200.00"),
}
# per business: base quantity (top_up: count; its amount is count × 50 yuan)
VOLUMES = {Business.NEW_NUMBER: 24, Business.HANDSET: 9, Business.BROADBAND: 18, Business.TOP_UP: 420,
           Business.PACKAGE_UPGRADE: 15, Business.DATA_PACK: 60}


def demo_rules(city: str, month: date) -> list[dict]:
    _, new_number, handset, tiers, bonus = CITIES[city]
    return [
        {"kind": "per_unit", "business": "new_number", "amount": new_number},
        {"kind": "per_unit", "business": "handset", "amount": handset},
        {"kind": "tiered", "business": "broadband", "tiers": [{"from": f, "amount": a} for f, a in tiers]},
        {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": "500.00"},
        {"kind": "bonus", "business": "new_number", "threshold": 20, "amount": bonus,
         "valid_from": month.isoformat(), "valid_to": month_end(month + timedelta(days=31)).isoformat()},
        {"kind": "star_coefficient", "coefficients": COEFFICIENTS},
    ]


def _policy(city: str, month: date) -> CommissionPolicy:
    existing = CommissionPolicy.objects.filter(org_unit__code=city, name=CITIES[city][0]).first()
    if existing is not None:
        return existing
    users = {name: get_user_model().objects.get(username=f"{city.lower()}_{name}")
             for name in ("manager", "supervisor", "support")}
    province = {name: get_user_model().objects.get(username=name) for name in ("prov_marketing", "prov_finance")}
    rules = demo_rules(city, month)
    policy = policy_create(user=users["manager"], data={
        "org_unit": OrgUnit.objects.get(code=city), "name": CITIES[city][0], "channel_types": SOCIAL,
        "valid_from": date(month.year, 1, 1), "valid_to": None, "rules": rules,
    })
    policy_submit(policy=policy, user=users["manager"], reason="演示数据:提交审批")
    policy_approve(policy=policy, user=province["prov_finance"], reason="演示数据:省市场经营部、省财务部审批通过")
    configuration_enter(policy=policy, rules=rules, user=users["support"])
    return policy_archive(policy=policy, user=users["supervisor"], reason="演示数据:复核一致,归档")


def _volumes(city: str, month: date) -> None:
    channels = Channel.objects.filter(org_unit__path__startswith=f"HA/{city}/", status=Channel.Status.ACTIVE)
    for n, channel in enumerate(channels.order_by("node_code")):
        for business, base in VOLUMES.items():
            quantity = base + 7 * n + (3 if city == "LY" else 0)
            amount = Decimal(quantity * 50) if business == Business.TOP_UP else Decimal("0")
            MonthlyVolume.objects.update_or_create(channel=channel, month=month, business=business,
                                                   defaults={"quantity": quantity, "amount": amount})


@transaction.atomic
def seed_commission(today: date | None = None) -> list[CommissionPolicy]:
    """Run after seed_demo. Returns the two demo policies (ZZ, LY)."""
    month = last_month(today)
    policies = [_policy(city, month) for city in CITIES]
    for city in CITIES:
        _volumes(city, month)
    return policies
