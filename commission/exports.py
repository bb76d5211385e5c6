"""The commission-policies export: one row per rule with its policy's columns (a policy without rules is
one row with empty rule columns). The policies come from selectors.policy_list with the list's filters,
so the export holds exactly the policies the list shows. reports.exports wires it into its REPORTS."""
from typing import Iterator

from .models import Business, Rule, RuleKind
from .rules import ratio, rule_terms, rules_of
from .selectors import RULES_PREFETCH, policy_list

CHUNK = 500

# (title, width) of each column; reports.exports turns them into its Column objects
POLICY_EXPORT_COLUMNS = [
    ("政策ID", 8), ("政策名称", 28), ("所属单位", 14), ("所属单位编码", 12), ("版本", 6), ("状态", 14),
    ("生效日期", 12), ("失效日期", 12), ("适用渠道类型", 24), ("替代版本ID", 10), ("创建人", 12),
    ("创建时间", 18), ("规则序号", 8), ("规则类型", 12), ("业务", 12), ("规则说明", 48), ("金额(元)", 12),
    ("比例", 8), ("封顶(元)", 12), ("门槛数量", 10), ("激励开始日期", 12), ("激励结束日期", 12), ("阶梯", 30),
    ("星级系数", 30),
]


def _policy_cells(policy) -> list:
    creator = policy.created_by
    return [
        policy.pk, policy.name, policy.org_unit.name, policy.org_unit.code, policy.version,
        policy.get_status_display(), policy.valid_from, policy.valid_to, policy.channel_types_display(),
        policy.replaces_id, creator.get_full_name() or creator.username, policy.created_at,
    ]


def _rule_cells(position: int, rule: dict) -> list:
    tiers = rule.get("tiers")
    coefficients = rule.get("coefficients")
    return [
        position, RuleKind(rule["kind"]).label,
        Business(rule["business"]).label if rule.get("business") else "", rule_terms(rule),
        rule.get("amount"), ratio(rule["rate"]) if rule.get("rate") is not None else None, rule.get("cap"),
        rule.get("threshold"), rule.get("valid_from"), rule.get("valid_to"),
        "、".join(f"{t['from']}:{t['amount']}" for t in tiers) if tiers else "",
        "、".join(f"{s}星 {ratio(c)}" for s, c in coefficients.items()) if coefficients else "",
    ]


def policy_export_rows(*, user, filters=None) -> Iterator[list]:
    queryset = policy_list(user=user, filters=filters).prefetch_related(RULES_PREFETCH)
    empty = [None] * (len(POLICY_EXPORT_COLUMNS) - 12)
    for policy in queryset.iterator(chunk_size=CHUNK):
        cells = _policy_cells(policy)
        rules = rules_of(policy.rules.all())
        if not rules:
            yield cells + empty
        for position, rule in enumerate(rules, 1):
            yield cells + _rule_cells(position, rule)


def policy_export_total(*, user, filters=None) -> int:
    """Rows the export will hold: the policies' rules, plus one per policy without rules."""
    policies = policy_list(user=user, filters=filters)
    return (Rule.objects.filter(policy__in=policies.values("pk")).count()
            + policies.filter(rules__isnull=True).count())
