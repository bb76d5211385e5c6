"""The five rule shapes: what is accepted (and how it is normalised) and what is refused, in Chinese,
naming the rule's position."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commission.rules import parse_rules, rule_json, rule_terms

STAR = {"kind": "star_coefficient", "coefficients": {"1": "0.80", "2": "0.90", "3": "1.00", "4": "1.10", "5": "1.20"}}


def refused(rules) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_rules(rules)
    messages = caught.value.message_dict["rules"]
    assert len(messages) == 1
    return messages[0]


def test_the_five_shapes_parse_to_decimals_and_dates_and_back_to_the_contract_json():
    raw = [
        {"kind": "per_unit", "business": "new_number", "amount": "44"},
        {"kind": "percent", "business": "top_up", "rate": "0.015", "cap": None},
        {"kind": "tiered", "business": "broadband", "tiers": [{"from": 100, "amount": "12"}, {"from": 0, "amount": 10}]},
        {"kind": "bonus", "business": "handset", "threshold": 50, "amount": "1000", "valid_from": "2026-10-01",
         "valid_to": "2026-10-31"},
        STAR,
    ]
    rules = parse_rules(raw)
    assert rules[0]["amount"] == Decimal("44.00") and isinstance(rules[0]["amount"], Decimal)
    assert rules[1]["rate"] == Decimal("0.0150") and rules[1]["cap"] is None
    assert [t["from"] for t in rules[2]["tiers"]] == [0, 100]  # sorted by start
    assert rules[3]["valid_from"] == date(2026, 10, 1)
    assert rules[4]["coefficients"]["5"] == Decimal("1.2000")
    assert [rule_json(r) for r in rules] == [
        {"kind": "per_unit", "business": "new_number", "amount": "44.00"},
        {"kind": "percent", "business": "top_up", "rate": "0.015", "cap": None},
        {"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "10.00"},
                                                              {"from": 100, "amount": "12.00"}]},
        {"kind": "bonus", "business": "handset", "threshold": 50, "amount": "1000.00", "valid_from": "2026-10-01",
         "valid_to": "2026-10-31"},
        STAR,
    ]
    assert rule_terms(rules[1]) == "按金额的 1.50%,不封顶"


@pytest.mark.parametrize("rule, expected", [
    ({"kind": "fixed", "business": "handset"}, "规则类型"),
    ({"kind": "per_unit", "business": "sms", "amount": "1"}, "业务应为以下之一"),
    ({"kind": "per_unit", "business": "handset", "amount": "1.005"}, "金额最多保留2位小数"),
    ({"kind": "per_unit", "business": "handset", "amount": "-1"}, "金额不能为负数"),
    ({"kind": "per_unit", "business": "handset", "amount": "abc"}, "金额应为数字"),
    ({"kind": "per_unit", "business": "handset", "amount": "NaN"}, "金额应为数字"),
    ({"kind": "per_unit", "business": "handset", "amount": "1e30"}, "金额不能超过"),
    ({"kind": "per_unit", "business": "handset", "amount": True}, "请填写金额"),
    ({"kind": "per_unit", "business": "handset", "amount": "1", "rate": "0.1"}, "不接受字段:rate"),
    ({"kind": "percent", "business": "top_up", "rate": "0.021", "cap": None}, "不得高于2%"),
    ({"kind": "percent", "business": "handset", "rate": "0", "cap": None}, "比例必须大于0"),
    ({"kind": "percent", "business": "handset", "rate": "1.5", "cap": None}, "比例不能超过1"),
    ({"kind": "percent", "business": "handset", "rate": "0.00001", "cap": None}, "比例最多保留4位小数"),
    ({"kind": "percent", "business": "handset", "rate": "0.1", "cap": "0"}, "封顶金额必须大于0"),
    ({"kind": "tiered", "business": "broadband", "tiers": []}, "阶梯(tiers)应为非空列表"),
    ({"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "1"}, {"from": 0, "amount": "2"}]},
     "起始数量不能重复"),
    ({"kind": "tiered", "business": "broadband", "tiers": [{"from": 1.5, "amount": "1"}]}, "第1档阶梯:起始数量应为整数"),
    ({"kind": "tiered", "business": "broadband", "tiers": [{"start": 0, "amount": "1"}]}, "第1档阶梯应为"),
    ({"kind": "bonus", "business": "handset", "threshold": 5, "amount": "10", "valid_from": "2026-10-31",
      "valid_to": "2026-10-01"}, "激励结束日期不能早于开始日期"),
    ({"kind": "bonus", "business": "handset", "threshold": 5, "amount": "10", "valid_from": "2026-13-01",
      "valid_to": "2026-10-01"}, "激励开始日期应为 YYYY-MM-DD"),
    ({"kind": "bonus", "business": "handset", "threshold": 5, "amount": "10", "valid_from": "1999-12-31",
      "valid_to": "2026-10-01"}, "激励开始日期应在 2000-01-01 至 2099-12-31 之间"),
    ({"kind": "bonus", "business": "handset", "threshold": -1, "amount": "10", "valid_from": "2026-10-01",
      "valid_to": "2026-10-31"}, "门槛数量不能为负数"),
    ({"kind": "bonus", "business": "handset", "threshold": 5, "amount": "0", "valid_from": "2026-10-01",
      "valid_to": "2026-10-31"}, "激励金额必须大于0"),
    ({"kind": "star_coefficient", "coefficients": {"1": "1", "2": "1", "3": "1", "4": "1"}}, "1 至 5 星各一个系数"),
    ({"kind": "star_coefficient", "coefficients": {**STAR["coefficients"], "5": "0"}}, "5星系数必须大于0"),
    ("per_unit", "每条规则应为对象"),
])
def test_a_bad_rule_is_refused_with_its_position_in_chinese(rule, expected):
    message = refused([{"kind": "per_unit", "business": "new_number", "amount": "44.00"}, rule])
    assert message.startswith("第2条规则:"), message
    assert expected in message, message


@pytest.mark.parametrize("rules, expected", [
    ([STAR, STAR], "星级系数只能有一条"),
    ([{"kind": "per_unit", "business": "handset", "amount": "1"}] * 2, "与第1条重复"),
    ([{"kind": "per_unit", "business": "handset", "amount": "1"},
      {"kind": "tiered", "business": "handset", "tiers": [{"from": 0, "amount": "1"}]}], "只能有一条按件或阶梯规则"),
])
def test_conflicting_rules_are_refused(rules, expected):
    assert expected in refused(rules)


def test_two_bonuses_and_a_percent_beside_a_per_unit_rule_on_one_business_are_fine():
    bonus = {"kind": "bonus", "business": "top_up", "threshold": 5, "amount": "10", "valid_from": "2026-10-01",
             "valid_to": "2026-10-31"}
    rules = parse_rules([{"kind": "per_unit", "business": "top_up", "amount": "0.50"},
                         {"kind": "percent", "business": "top_up", "rate": "0.02", "cap": "100"},
                         bonus, {**bonus, "threshold": 50, "amount": "100"}])
    assert len(rules) == 4


def test_not_a_list_and_too_many_rules_are_refused():
    with pytest.raises(ValidationError) as caught:
        parse_rules({"kind": "per_unit"})
    assert caught.value.message_dict == {"rules": ["规则应为列表。"]}
    assert "最多50条" in refused([{"kind": "per_unit", "business": "handset", "amount": "1"}] * 51)
