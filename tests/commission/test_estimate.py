"""试算 against hand computations, to the fen: tiers, the cap, the star coefficient, bonus dates inside and
outside the month, what is covered, previous_total and delta. Rounding is ROUND_HALF_UP per channel and
rule, then per channel after the coefficient."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from commission.estimate import policy_estimate
from commission.selectors import channel_last_estimate
from commission.services import policy_revise, policy_update

from .conftest import MONTH, add_volumes, approved, make_channel, new_policy, person

COEFFICIENTS = {"1": "0.85", "2": "0.90", "3": "1.00", "4": "1.15", "5": "1.2345"}
RULES = [
    {"kind": "per_unit", "business": "new_number", "amount": "44.00"},
    {"kind": "percent", "business": "top_up", "rate": "0.015", "cap": "30.00"},
    {"kind": "tiered", "business": "broadband", "tiers": [
        {"from": 10, "amount": "10.00"}, {"from": 50, "amount": "12.50"}, {"from": 100, "amount": "15.00"}]},
    {"kind": "bonus", "business": "handset", "threshold": 20, "amount": "500.00",
     "valid_from": "2026-09-20", "valid_to": "2026-10-10"},  # overlaps September
    {"kind": "bonus", "business": "new_number", "threshold": 1, "amount": "100.00",
     "valid_from": "2026-08-01", "valid_to": "2026-08-31"},  # August only
    {"kind": "star_coefficient", "coefficients": COEFFICIENTS},
]


def fen(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def world(demo):
    """Five covered channels in Zhengzhou with September volumes, and three that must not count."""
    a = make_channel("ZZ-JS-E001", star=1)
    add_volumes(a, new_number=3, top_up=("1234.56", 40), broadband=9, handset=20)
    b = make_channel("ZZ-JS-E002", channel_type="exclusive_store", star=4)
    add_volumes(b, new_number=0, top_up=("2500.00", 60), broadband=50, handset=19)
    c = make_channel("ZZ-ZY-E003", unit="ZZ-ZY", star=5)
    add_volumes(c, new_number=7, top_up=("3.00", 1), broadband=100)
    d = make_channel("ZZ-JS-E004", star=4)
    add_volumes(d, top_up=("686.67", 20))
    h = make_channel("ZZ-JS-E005", star=3, status="closed")  # closed since: still owed for September
    add_volumes(h, new_number=1, data_pack=40)
    # not covered: another type, another city, another month
    add_volumes(make_channel("ZZ-JS-E006", channel_type="own_hall"), new_number=50)
    add_volumes(make_channel("LY-LL-E007", unit="LY-LL"), new_number=50)
    add_volumes(make_channel("ZZ-JS-E008"), month=date(2026, 8, 1), new_number=50)
    return {"a": a, "b": b, "c": c, "d": d, "h": h}


def by_label(estimate) -> dict:
    return {row["label"]: Decimal(row["amount"]) for row in estimate["by_rule"]}


def test_hand_computed_estimate(world):
    # A (1星): 3×44 = 132.00; 1234.56×1.5% = 18.5184 → 18.52; broadband 9 < first tier 10 → 0; handset 20 ≥ 20 → 500
    #          base 650.52 × 0.85 = 552.942 → 552.94
    # B (4星): top-up 2500×1.5% = 37.50 → capped at 30.00; broadband 50 → tier 50 × 12.50 = 625.00; handset 19 < 20
    #          base 655.00 × 1.15 = 753.25
    # C (5星): 7×44 = 308.00; 3.00×1.5% = 0.045 → 0.05 (half up); broadband 100 × 15.00 = 1500.00
    #          base 1808.05 × 1.2345 = 2232.037725 → 2232.04
    # D (4星): 686.67×1.5% = 10.30005 → 10.30; base 10.30 × 1.15 = 11.845 → 11.85 (half up, not to even)
    # H (3星, closed): 1×44 = 44.00; data_pack has no rule
    assert fen(Decimal("1808.05") * Decimal("1.2345")) == Decimal("2232.04")
    assert fen(Decimal("10.30") * Decimal("1.15")) == Decimal("11.85")
    policy = new_policy(rules=RULES)
    estimate = policy_estimate(policy=policy, month=MONTH)
    assert estimate["month"] == "2026-09"
    assert estimate["channels"] == 5
    assert estimate["total"] == "3594.08"  # 552.94 + 753.25 + 2232.04 + 11.85 + 44.00
    assert by_label(estimate) == {
        "新号码放号·按件计酬": Decimal("484.00"),  # 132 + 0 + 308 + 44
        "充值缴费·按比例计酬": Decimal("58.87"),  # 18.52 + 30.00 + 0.05 + 10.30
        "宽带新装·阶梯计酬": Decimal("2125.00"),  # 0 + 625 + 1500
        "手机销售·阶段性激励": Decimal("500.00"),  # A only
        "新号码放号·阶段性激励": Decimal("0.00"),  # August bonus, September volumes
        "星级系数": Decimal("426.21"),  # 3594.08 − 3167.87 before coefficients
    }
    assert sum(by_label(estimate).values()) == Decimal(estimate["total"])
    assert [(c["node_code"], c["amount"]) for c in estimate["top_channels"]] == [
        ("ZZ-ZY-E003", "2232.04"), ("ZZ-JS-E002", "753.25"), ("ZZ-JS-E001", "552.94"), ("ZZ-JS-E005", "44.00"),
        ("ZZ-JS-E004", "11.85")]
    assert estimate["previous_total"] is None and estimate["delta"] is None
    assert [row["rule"] for row in estimate["by_rule"]][0] == RULES[0]


def test_previous_total_and_delta_against_the_replaced_version(world):
    old = approved(new_policy(rules=RULES))
    revision = policy_revise(policy=old, user=person("zz_manager"))
    policy_update(policy=revision, user=person("zz_manager"),
                  data={"rules": [{**RULES[0], "amount": "50.00"}, *RULES[1:]]})
    estimate = policy_estimate(policy=revision, month=MONTH)
    # +6 per new number: A 668.52 × 0.85 = 568.242 → 568.24; C 1850.05 × 1.2345 = 2283.886725 → 2283.89; H 50.00
    assert estimate["total"] == "3667.23"  # 568.24 + 753.25 + 2283.89 + 11.85 + 50.00
    assert estimate["previous_total"] == "3594.08"
    assert estimate["delta"] == "73.15"


@pytest.mark.parametrize("valid_from, valid_to, paid", [
    ("2026-08-01", "2026-08-31", False),  # ends the day before the month
    ("2026-08-15", "2026-09-01", True),  # ends on its first day
    ("2026-09-30", "2026-10-31", True),  # starts on its last day
    ("2026-10-01", "2026-10-31", False),  # starts the day after
])
def test_bonus_pays_only_when_its_dates_meet_the_month(demo, valid_from, valid_to, paid):
    channel = make_channel("ZZ-JS-B001")
    add_volumes(channel, handset=20)
    policy = new_policy(rules=[{"kind": "bonus", "business": "handset", "threshold": 20, "amount": "300.00",
                                "valid_from": valid_from, "valid_to": valid_to}])
    assert policy_estimate(policy=policy, month=MONTH)["total"] == ("300.00" if paid else "0.00")


@pytest.mark.parametrize("quantity, expected", [(0, "0.00"), (9, "0.00"), (10, "100.00"), (49, "490.00"),
                                                (50, "625.00"), (99, "1237.50"), (100, "1500.00"), (1000, "15000.00")])
def test_every_unit_is_paid_at_the_tier_the_quantity_reaches(demo, quantity, expected):
    add_volumes(make_channel("ZZ-JS-T001"), broadband=quantity)
    policy = new_policy(rules=[RULES[2]])
    assert policy_estimate(policy=policy, month=MONTH)["total"] == expected


def test_an_empty_month_estimates_zero(world):
    estimate = policy_estimate(policy=new_policy(rules=RULES), month=date(2026, 7, 1))
    assert (estimate["total"], estimate["channels"], estimate["top_channels"]) == ("0.00", 0, [])
    assert all(row["amount"] == "0.00" for row in estimate["by_rule"])


def test_a_province_policy_covers_every_city(world):
    policy = new_policy("admin", "HA", rules=[RULES[0]], types=["agent_point"])
    estimate = policy_estimate(policy=policy, month=MONTH)
    # agent points with September new numbers: A 3, C 7, D 0, H 1, LY-LL-E007 50 (and E008 is August)
    assert (estimate["channels"], estimate["total"]) == (5, f"{(3 + 7 + 0 + 1 + 50) * 44}.00")


def test_channel_last_estimate_uses_the_policy_in_force_then(world):
    a = world["a"]
    assert channel_last_estimate(channel=a) is None  # no approved policy yet
    approved(new_policy(rules=RULES))
    assert channel_last_estimate(channel=a) == (MONTH, Decimal("552.94"))
    add_volumes(a, month=date(2026, 10, 1), new_number=10)
    assert channel_last_estimate(channel=a) == (date(2026, 10, 1), Decimal("374.00"))  # 440 × 0.85
    assert channel_last_estimate(channel=make_channel("ZZ-JS-N001")) is None  # no volumes at all


def test_the_largest_allowed_figures_do_not_overflow(demo):
    """10,000,000 units at 100,000.00 yuan each: 1e14 fen in one row, summed with a full top-up."""
    add_volumes(make_channel("ZZ-JS-X001"), new_number=10_000_000, top_up=("999999999.99", 10_000_000))
    policy = new_policy(rules=[{"kind": "per_unit", "business": "new_number", "amount": "100000.00"},
                               {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": None}])
    # 10,000,000 × 100,000.00 + 999,999,999.99 × 2% (= 19,999,999.9998 → 20,000,000.00)
    assert policy_estimate(policy=policy, month=MONTH)["total"] == "1000020000000.00"
