"""Reads of commission policies and volumes. Every list goes through governance.selectors.scoped, by the
policy's unit or the channel's unit: outside one's subtree a policy or a volume row does not exist."""
from django.db.models import Prefetch, QuerySet

from governance.selectors import filtered, get_scoped_or_404, scoped

from governance.models import Channel

from .diff import rules_differences
from .estimate import estimate_figures, policy_estimate, yuan
from .filters import PolicyFilter, VolumeFilter
from .models import CommissionPolicy, MonthlyVolume, PolicyConfiguration, Rule
from .months import last_month, month_end
from .rules import RULE_PREFETCH, rule_json, rule_label, rule_terms, rules_of

RULES_PREFETCH = Prefetch("rules", queryset=Rule.objects.prefetch_related(*RULE_PREFETCH))
POLICY_FIELDS = [("name", "政策名称"), ("valid_from", "生效日期"), ("valid_to", "失效日期"),
                 ("channel_types", "适用渠道类型")]


def rules_for(owner) -> list[dict]:
    """The canonical rules of a policy or a configuration, in their order."""
    if hasattr(owner, "_prefetched_objects_cache") and "rules" in owner._prefetched_objects_cache:
        return rules_of(owner.rules.all())
    return rules_of(owner.rules.prefetch_related(*RULE_PREFETCH))


def policy_list(*, user, filters=None) -> QuerySet:
    """酬金政策列表: the policies the user may see, newest first, narrowed by PolicyFilter.
    GET /api/v1/commission-policies/, the list page and the commission-policies export all call this."""
    queryset = scoped(CommissionPolicy.objects.select_related("org_unit", "created_by"), user).order_by("-id")
    return filtered(PolicyFilter, queryset, filters)


def policy_get_or_404(*, user, pk) -> CommissionPolicy:
    queryset = CommissionPolicy.objects.select_related("org_unit", "created_by", "replaces")
    return get_scoped_or_404(queryset.prefetch_related(RULES_PREFETCH), user, pk=pk)


def policy_versions(*, policy: CommissionPolicy) -> list[CommissionPolicy]:
    """Every version of the policy's series, oldest first, with their rules."""
    queryset = CommissionPolicy.objects.filter(series=policy.series).select_related("org_unit", "created_by")
    return list(queryset.prefetch_related(RULES_PREFETCH).order_by("version"))


def _field_text(policy: CommissionPolicy, name: str) -> str:
    if name == "channel_types":
        return policy.channel_types_display()
    value = getattr(policy, name)
    if value is None:
        return "长期"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def version_changes(old: CommissionPolicy, new: CommissionPolicy) -> list[dict]:
    """What changed from one version to another: the policy's own fields, then every rule difference."""
    out = []
    for name, label in POLICY_FIELDS:
        before, after = _field_text(old, name), _field_text(new, name)
        if before != after:
            out.append({"type": "policy", "rule": "", "field": name, "field_label": label, "expected": before,
                        "actual": after, "description": f"{label}:由 {before} 改为 {after}。"})
    return out + rules_differences(rules_for(old), rules_for(new), expected_name=f"第{old.version}版",
                                   actual_name=f"第{new.version}版")


def configuration_latest(policy: CommissionPolicy) -> PolicyConfiguration | None:
    return policy.configurations.select_related("entered_by").order_by("-id").first()


def configuration_differences(policy: CommissionPolicy) -> list[dict]:
    """Every difference between the latest entered configuration and the policy's rules (reads only):
    a missing rule, an extra rule, or a differing field with both values and a Chinese description.
    No configuration entered yet is one difference of type "missing_configuration"."""
    configuration = configuration_latest(policy)
    if configuration is None:
        return [{"type": "missing_configuration", "rule": "", "field": None, "field_label": "",
                 "expected": None, "actual": None, "description": "尚未录入系统配置。"}]
    return rules_differences(rules_for(policy), rules_for(configuration))


def configuration_recheck(policy: CommissionPolicy) -> dict:
    """The re-check shape of CONTRACT.md: {"matches": bool, "differences": [...]}."""
    differences = configuration_differences(policy)
    return {"matches": not differences, "differences": differences}


def volume_list(*, user, filters=None) -> QuerySet:
    """月度业务量: rows of the channels the user may see, latest month first."""
    queryset = MonthlyVolume.objects.select_related("channel")
    queryset = scoped(queryset, user, "channel__org_unit")
    return filtered(VolumeFilter, queryset.order_by("-month", "channel__node_code", "business"), filters)


def policy_in_force(*, channel: Channel, month) -> CommissionPolicy | None:
    """The approved policy that covers the channel in that month: of its unit or the nearest ancestor that
    has one (the city's before the province's), for its channel type, valid on some day of the month."""
    paths = channel.org_unit.ancestor_paths  # nearest first
    candidates = CommissionPolicy.objects.filter(
        org_unit__path__in=paths, status__in=CommissionPolicy.EFFECTIVE, valid_from__lte=month_end(month),
    ).exclude(valid_to__lt=month).select_related("org_unit").order_by("-org_unit__depth", "-valid_from", "-pk")
    for policy in candidates:
        if channel.channel_type in policy.channel_types:
            return policy
    return None


def channel_last_estimate(*, channel: Channel):
    """(month, amount) of the channel's latest month with volumes under the approved policy in force then,
    or None: for the exit checklist item 酬金已结清. Earlier months are tried when no policy covered a later one."""
    months = MonthlyVolume.objects.filter(channel=channel).values_list("month", flat=True).distinct()
    for month in months.order_by("-month")[:24]:
        policy = policy_in_force(channel=channel, month=month)
        if policy is not None:
            return month, yuan(estimate_figures(policy, month, channel_ids=[channel.pk]).total_fen)
    return None


def policy_rules_table(policy: CommissionPolicy) -> list[dict]:
    """The rules as the approval form shows them: number, label, terms, and the rule in the API's shape."""
    return [{"number": n, "label": rule_label(rule), "terms": rule_terms(rule), "rule": rule_json(rule)}
            for n, rule in enumerate(rules_for(policy), 1)]


def policy_document_data(*, policy: CommissionPolicy, month=None) -> dict:
    """Everything the approval form (审批单) of a policy holds: its fields, the rules table, the estimate on
    `month` (default last month) and the re-check result (configuration vs policy)."""
    return {
        "policy": {
            "id": policy.pk, "name": policy.name, "org_unit": policy.org_unit.name, "version": policy.version,
            "status": policy.get_status_display(), "channel_types": policy.channel_types_display(),
            "valid_from": policy.valid_from, "valid_to": policy.valid_to,
            "replaces": policy.replaces.label if policy.replaces_id else "",
        },
        "rules": policy_rules_table(policy),
        "estimate": policy_estimate(policy=policy, month=month or last_month()),
        "recheck": configuration_recheck(policy),
    }
