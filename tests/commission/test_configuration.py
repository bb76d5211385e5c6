"""The configure step and the re-check: the support centre's configuration is entered apart from the
policy, every difference is listed in Chinese, and the re-check refuses while any remains."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from commission.models import PolicyStatus
from commission.selectors import configuration_differences, configuration_recheck, policy_document_data
from commission.services import configuration_enter, policy_approve, policy_archive, policy_submit
from governance.errors import NotAllowed

from .conftest import new_policy, person, reload

RULES = [
    {"kind": "per_unit", "business": "new_number", "amount": "44.00"},
    {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": "500.00"},
    {"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "10.00"}, {"from": 100, "amount": "12.00"}]},
    {"kind": "bonus", "business": "handset", "threshold": 50, "amount": "1000.00", "valid_from": "2026-10-01",
     "valid_to": "2026-10-31"},
    {"kind": "star_coefficient", "coefficients": {"1": "0.80", "2": "0.90", "3": "1.00", "4": "1.10", "5": "1.20"}},
]


@pytest.fixture
def policy(demo):
    policy = new_policy(rules=RULES)
    policy_submit(policy=policy, user=person("zz_manager"))
    return policy_approve(policy=policy, user=person("prov_finance"))


def configure(policy, rules):
    return configuration_enter(policy=policy, rules=rules, user=person("zz_support"))


def test_nothing_entered_yet_is_a_difference(policy):
    assert configuration_recheck(policy) == {"matches": False, "differences": [{
        "type": "missing_configuration", "rule": "", "field": None, "field_label": "", "expected": None,
        "actual": None, "description": "尚未录入系统配置。"}]}


def test_an_identical_configuration_matches_and_the_recheck_archives(policy):
    configure(policy, list(reversed(RULES)))  # order does not matter
    assert configuration_recheck(policy) == {"matches": True, "differences": []}
    archived = policy_archive(policy=policy, user=person("zz_supervisor"))
    assert archived.status == PolicyStatus.ARCHIVED
    assert archived.history.latest().acting_post == "渠道主管"


def test_every_difference_is_listed_and_the_recheck_refused(policy):
    configured = [
        {"kind": "per_unit", "business": "new_number", "amount": "40.00"},  # amount differs
        {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": None},  # cap missing
        {"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "10.00"}]},  # a tier missing
        # the bonus is missing
        {"kind": "star_coefficient", "coefficients": {"1": "0.80", "2": "0.90", "3": "1.00", "4": "1.10", "5": "1.25"}},
        {"kind": "per_unit", "business": "handset", "amount": "30.00"},  # extra
    ]
    configure(policy, configured)
    differences = configuration_differences(policy)
    assert [d["description"] for d in differences] == [
        "“新号码放号·按件计酬”的金额:政策为 44.00,配置为 40.00。",
        "“充值缴费·按比例计酬”的封顶:政策为 500.00,配置为 无。",
        "“宽带新装·阶梯计酬”的阶梯:政策为 0件起 10.00 元、100件起 12.00 元,配置为 0件起 10.00 元。",
        "政策中有“手机销售·阶段性激励”规则,配置中没有。",
        "“星级系数”的5星系数:政策为 1.20,配置为 1.25。",
        "配置中多出“手机销售·按件计酬”规则,政策中没有。",
    ]
    assert differences[0] == {"type": "field", "rule": "新号码放号·按件计酬", "field": "amount", "field_label": "金额",
                              "expected": "44.00", "actual": "40.00", "description": differences[0]["description"]}
    assert [d["type"] for d in differences] == ["field", "field", "field", "missing", "field", "extra"]
    with pytest.raises(ValidationError) as caught:
        policy_archive(policy=policy, user=person("zz_supervisor"))
    messages = caught.value.message_dict["configuration"]
    assert messages[0].startswith("系统配置与已批准的政策不一致,共 6 处")
    assert messages[1:] == [d["description"] for d in differences]
    assert reload(policy).status == PolicyStatus.APPROVED
    configure(policy, RULES)  # entered again: the latest entry is the one compared
    assert policy_archive(policy=policy, user=person("zz_supervisor")).status == PolicyStatus.ARCHIVED
    assert policy.configurations.count() == 2


def test_bonus_dates_and_rates_are_compared_too(policy):
    configure(policy, [*RULES[:1], {**RULES[1], "rate": "0.015"}, RULES[2], {**RULES[3], "valid_to": "2026-11-30"},
                       RULES[4]])
    assert [(d["field"], d["expected"], d["actual"]) for d in configuration_differences(policy)] == [
        ("rate", "2.00%", "1.50%"), ("valid_to", "2026-10-31", "2026-11-30")]


def test_only_the_city_support_centre_configures_and_only_an_approved_policy(policy, demo):
    for username in ("zz_supervisor", "ly_support", "prov_marketing"):
        with pytest.raises(NotAllowed):
            configuration_enter(policy=policy, rules=RULES, user=person(username))
    with pytest.raises(ValidationError) as caught:
        configure(policy, [{"kind": "per_unit", "business": "new_number"}])
    assert caught.value.message_dict == {"configuration": ["第1条规则:请填写金额。"]}
    draft = new_policy(rules=RULES, name="草稿")
    with pytest.raises(ValidationError):
        configure(draft, RULES)
    assert not policy.configurations.exists() and not draft.configurations.exists()


def test_the_approval_form_data_holds_rules_estimate_and_recheck(commission):
    data = policy_document_data(policy=commission["ZZ"], month=date(2026, 10, 1))
    assert data["policy"]["org_unit"] == "郑州分公司" and data["policy"]["version"] == 1
    assert [r["number"] for r in data["rules"]] == [1, 2, 3, 4, 5, 6]
    assert data["rules"][0] == {"number": 1, "label": "新号码放号·按件计酬", "terms": "每件 40.00 元",
                                "rule": {"kind": "per_unit", "business": "new_number", "amount": "40.00"}}
    assert data["estimate"]["month"] == "2026-10" and data["recheck"] == {"matches": True, "differences": []}
