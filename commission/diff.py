"""Differences between two rule sets (policy vs configuration at the re-check, one version vs another).

Rules are paired by their identity: (kind, business) — unique within a rule set except bonuses, which are
paired in order of their start date, threshold and amount — so a changed amount shows as one differing field,
not as a missing rule plus an extra one.
"""
from collections import defaultdict

from .models import RuleKind
from .rules import FIELD_LABELS, field_text, ratio, rule_label


def _identity(rule: dict) -> tuple:
    return rule["kind"], rule.get("business", "")


def _bonus_order(rule: dict) -> tuple:
    return rule["valid_from"], rule["threshold"], rule["amount"]


def _paired(expected: list[dict], actual: list[dict]):
    """Yield (expected_rule | None, actual_rule | None) pairs in the expected list's order, extras last."""
    groups = defaultdict(lambda: ([], []))
    order = []
    for side, rules in ((0, expected), (1, actual)):
        for rule in rules:
            key = _identity(rule)
            if key not in groups:
                order.append(key)
            groups[key][side].append(rule)
    for key in order:
        left, right = groups[key]
        if key[0] == RuleKind.BONUS:
            left, right = sorted(left, key=_bonus_order), sorted(right, key=_bonus_order)
        for i in range(max(len(left), len(right))):
            yield (left[i] if i < len(left) else None), (right[i] if i < len(right) else None)


def _field_pairs(a: dict, b: dict):
    for key in a:
        if key in ("kind", "business"):
            continue
        if key == "coefficients":
            for star in a[key]:
                yield f"coefficients.{star}", f"{star}星系数", a[key][star], b[key].get(star)
        else:
            yield key, FIELD_LABELS.get(key, key), a[key], b.get(key)


def _shown(key: str, value):
    if key.startswith("coefficients."):
        return ratio(value) if value is not None else "无"
    return field_text(key, value)


def rules_differences(expected: list[dict], actual: list[dict], *, expected_name: str = "政策",
                      actual_name: str = "配置") -> list[dict]:
    """Every difference between two canonical rule lists, each as
    {"type": "missing" | "extra" | "field", "rule": label, "field": key | None, "field_label",
     "expected": text | None, "actual": text | None, "description": Chinese sentence}."""
    out = []
    for want, got in _paired(expected, actual):
        if got is None:
            label = rule_label(want)
            out.append({"type": "missing", "rule": label, "field": None, "field_label": "",
                        "expected": label, "actual": None,
                        "description": f"{expected_name}中有“{label}”规则,{actual_name}中没有。"})
        elif want is None:
            label = rule_label(got)
            out.append({"type": "extra", "rule": label, "field": None, "field_label": "",
                        "expected": None, "actual": label,
                        "description": f"{actual_name}中多出“{label}”规则,{expected_name}中没有。"})
        else:
            label = rule_label(want)
            for key, field_label, a, b in _field_pairs(want, got):
                if a != b:
                    a_text, b_text = _shown(key, a), _shown(key, b)
                    out.append({"type": "field", "rule": label, "field": key, "field_label": field_label,
                                "expected": a_text, "actual": b_text,
                                "description": f"“{label}”的{field_label}:{expected_name}为 {a_text},"
                                               f"{actual_name}为 {b_text}。"})
    return out
