"""Writes of commission policies: drafting, versions, the status moves the approval flow calls, the
configuration the city support centre enters. Every write checks the caller's post again and leaves a
history row (who, post, when, why) through django-simple-history.
"""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from governance import posts
from governance.errors import NotAllowed
from governance.models import OrgUnit, Post
from governance.selectors import scope_paths
from governance.services import acting_assignment

from .diff import rules_differences
from .models import CommissionPolicy, PolicyConfiguration, PolicyStatus
from .rules import parse_rules, rules_save
from .selectors import configuration_differences, rules_for

POLICY_EDITORS = {posts.CHANNEL_MANAGER, posts.CHANNEL_SUPERVISOR}
CONFIGURERS = {posts.CITY_SUPPORT}
EDITABLE_FIELDS = ("name", "valid_from", "valid_to", "channel_types")
NOT_EDITABLE = "只有草稿或已退回的政策可以修改;已批准的政策请创建修订版本。"


# ---------------------------------------------------------------- who and the history row

def _acting_post(user, unit: OrgUnit, allowed=None) -> str:
    if user is None:
        return ""
    allowed = allowed or set(Post.objects.filter(read_only=False).values_list("code", flat=True))
    assignment = acting_assignment(user, unit, allowed)
    if assignment:
        return assignment.post.name
    return "系统管理员" if user.is_superuser else ""


def _require(user, unit: OrgUnit, allowed: set[str], message: str) -> str:
    """The caller's post name for `unit` among `allowed`; NotAllowed if they hold none."""
    if user is None:
        raise NotAllowed(message)
    if user.is_superuser:
        return _acting_post(user, unit, allowed)
    assignment = acting_assignment(user, unit, allowed)
    if assignment is None:
        raise NotAllowed(message)
    return assignment.post.name


def _save(policy: CommissionPolicy, *, user, post: str, reason: str) -> CommissionPolicy:
    policy.full_clean()
    policy._history_user = user
    policy._change_reason = reason
    policy._acting_post = post
    policy.save()
    return policy


def _move(policy: CommissionPolicy, status: str, *, user, post: str, reason: str) -> CommissionPolicy:
    """A status move along CommissionPolicy.TRANSITIONS, recorded with its reason."""
    if status not in CommissionPolicy.TRANSITIONS[policy.status]:
        raise ValidationError(f"政策状态为“{policy.get_status_display()}”,不能变为“{PolicyStatus(status).label}”。")
    policy.status = status
    return _save(policy, user=user, post=post, reason=reason)


def _locked(policy: CommissionPolicy) -> CommissionPolicy:
    return CommissionPolicy.objects.select_for_update(of=("self",)).select_related("org_unit", "replaces").get(pk=policy.pk)


# ---------------------------------------------------------------- drafting

def _check_unit(user, unit: OrgUnit) -> str:
    paths = scope_paths(user)
    if paths is not None and not any(unit.path.startswith(p) for p in paths):
        raise ValidationError({"org_unit": "所属单位不在您的管辖范围内。"})
    return _require(user, unit, POLICY_EDITORS, "只有该单位的渠道经理或渠道主管可以编制酬金政策。")


def _apply(policy: CommissionPolicy, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(policy, field, data[field])


@transaction.atomic
def policy_create(*, user, data: dict) -> CommissionPolicy:
    """A new draft (version 1); with data["replaces"] an approved policy, a revision of it instead."""
    if data.get("replaces") is not None:
        return policy_revise(policy=data["replaces"], user=user, data=data)
    unit = data.get("org_unit")
    if unit is None:
        raise ValidationError({"org_unit": "请选择所属单位。"})
    post = _check_unit(user, unit)
    rules = parse_rules(data.get("rules", []))
    policy = CommissionPolicy(org_unit=unit, created_by=user, status=PolicyStatus.DRAFT)
    _apply(policy, data)
    _save(policy, user=user, post=post, reason="编制酬金政策")
    rules_save(rules, policy=policy)
    return policy


@transaction.atomic
def policy_update(*, policy: CommissionPolicy, user, data: dict) -> CommissionPolicy:
    """Edit a draft or returned policy; data["rules"], when given, replaces the whole rules table."""
    policy = _locked(policy)
    post = _require(user, policy.org_unit, POLICY_EDITORS, "只有该单位的渠道经理或渠道主管可以修改酬金政策。")
    if not policy.is_editable:
        raise ValidationError(NOT_EDITABLE)
    if "org_unit" in data and data["org_unit"] != policy.org_unit:
        raise ValidationError({"org_unit": "所属单位创建后不能修改。"})
    if "replaces" in data and data["replaces"] != policy.replaces:
        raise ValidationError({"replaces": "替代版本创建后不能修改。"})
    rules = parse_rules(data["rules"]) if "rules" in data else None
    _apply(policy, data)
    _save(policy, user=user, post=post, reason="修改酬金政策" if rules is None else "修改酬金政策及规则")
    if rules is not None:
        policy.rules.all().delete()
        rules_save(rules, policy=policy)
    return policy


def _first_of_next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


@transaction.atomic
def policy_revise(*, policy: CommissionPolicy, user, data: dict | None = None) -> CommissionPolicy:
    """A new version of an approved policy: version + 1, replaces it; fields and rules not given are copied.
    The default start is the first day of next month (and at least a month after the old version's start)."""
    old = _locked(policy)
    data = dict(data or {})
    post = _check_unit(user, old.org_unit)
    if old.status not in CommissionPolicy.REVISABLE:
        raise ValidationError({"replaces": f"只能修订已批准的政策;{old.label}的状态为“{old.get_status_display()}”。"})
    if data.get("org_unit") not in (None, old.org_unit):
        raise ValidationError({"org_unit": "修订版本的所属单位必须与原版本相同。"})
    pending = old.revisions.filter(status__in=[*CommissionPolicy.EDITABLE, PolicyStatus.IN_REVIEW]).first()
    if pending is not None:
        raise ValidationError({"replaces": f"该政策已有未完成的修订版本 {pending.label},请在其上继续修改。"})
    rules = parse_rules(data["rules"]) if "rules" in data else rules_for(old)
    latest = CommissionPolicy.objects.filter(series=old.series).aggregate(v=Max("version"))["v"]
    revision = CommissionPolicy(
        org_unit=old.org_unit, name=old.name, channel_types=list(old.channel_types),
        valid_from=max(_first_of_next_month(timezone.localdate()), _first_of_next_month(old.valid_from)), valid_to=None, series=old.series, version=latest + 1,
        replaces=old, created_by=user, status=PolicyStatus.DRAFT,
    )
    _apply(revision, data)
    _save(revision, user=user, post=post, reason=f"创建修订版本(替代第{old.version}版)")
    rules_save(rules, policy=revision)
    return revision


# ---------------------------------------------------------------- completeness and overlap

def _overlapping(policy: CommissionPolicy):
    """Approved versions of the same unit sharing a channel type whose period meets this one's."""
    candidates = CommissionPolicy.objects.filter(org_unit_id=policy.org_unit_id, status__in=CommissionPolicy.EFFECTIVE)
    candidates = candidates.exclude(pk=policy.pk)
    if policy.replaces_id:
        candidates = candidates.exclude(pk=policy.replaces_id)
    if policy.valid_to:
        candidates = candidates.filter(valid_from__lte=policy.valid_to)
    candidates = candidates.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=policy.valid_from))
    types = set(policy.channel_types)
    return [other for other in candidates.order_by("valid_from", "pk") if types & set(other.channel_types)]


def _check_ready(policy: CommissionPolicy) -> None:
    """Complete, and no approved version of the same unit and channel types overlaps it (naming that version)."""
    policy.full_clean()
    rules = rules_for(policy)
    if not any(r["kind"] != "star_coefficient" for r in rules):
        raise ValidationError({"rules": "政策至少需要一条计酬规则(按件、按比例、阶梯或阶段性激励)。"})
    old = policy.replaces
    if old is not None:
        if old.status not in CommissionPolicy.REVISABLE:
            raise ValidationError({"replaces": f"被替代的版本 {old.label} 状态为“{old.get_status_display()}”,"
                                               "不能再被替代。"})
        if policy.valid_from <= old.valid_from:
            raise ValidationError({"valid_from": f"修订版本的生效日期必须晚于被替代版本的生效日期({old.valid_from})。"})
    clash = _overlapping(policy)
    if clash:
        other = clash[0]
        raise ValidationError({"valid_from": f"与已批准的版本 {other.label} 的适用渠道类型和有效期重叠,"
                                             "请调整有效期,或以修订版本替代该版本。"})


# ---------------------------------------------------------------- the flow's status moves

@transaction.atomic
def policy_submit(*, policy: CommissionPolicy, user, reason: str = "提交审批") -> CommissionPolicy:
    """draft/returned → in review, after checking it is complete and overlaps no approved version."""
    policy = _locked(policy)
    post = _require(user, policy.org_unit, POLICY_EDITORS, "只有该单位的渠道经理或渠道主管可以提交酬金政策。")
    if not policy.is_editable:
        raise ValidationError(f"政策状态为“{policy.get_status_display()}”,不能提交审批。")
    _check_ready(policy)
    return _move(policy, PolicyStatus.IN_REVIEW, user=user, post=post, reason=reason)


@transaction.atomic
def policy_return(*, policy: CommissionPolicy, user=None, post: str = "", reason: str = "退回修改") -> CommissionPolicy:
    policy = _locked(policy)
    return _move(policy, PolicyStatus.RETURNED, user=user, post=post or _acting_post(user, policy.org_unit),
                 reason=reason)


@transaction.atomic
def policy_reject(*, policy: CommissionPolicy, user=None, post: str = "", reason: str = "驳回") -> CommissionPolicy:
    policy = _locked(policy)
    return _move(policy, PolicyStatus.REJECTED, user=user, post=post or _acting_post(user, policy.org_unit),
                 reason=reason)


@transaction.atomic
def policy_withdraw(*, policy: CommissionPolicy, user=None, post: str = "", reason: str = "撤回") -> CommissionPolicy:
    policy = _locked(policy)
    return _move(policy, PolicyStatus.DRAFT, user=user, post=post or _acting_post(user, policy.org_unit),
                 reason=reason)


@transaction.atomic
def policy_reopen(*, policy: CommissionPolicy, user=None, post: str = "", reason: str,
                  status: str = PolicyStatus.RETURNED) -> CommissionPolicy:
    """An approved version sent back (退回) or cancelled (作废) before its configuration was re-checked:
    it becomes editable again (`status`: returned or draft), and the version it had superseded gets back
    its status and period, as they were before the approval."""
    OrgUnit.objects.select_for_update().filter(pk=policy.org_unit_id).first()
    policy = _locked(policy)
    if policy.status != PolicyStatus.APPROVED:
        raise ValidationError(f"政策状态为“{policy.get_status_display()}”,不能退回修改。")
    post = post or _acting_post(user, policy.org_unit)
    old = policy.replaces
    if old is not None and old.status == PolicyStatus.SUPERSEDED:
        old = _locked(old)
        before = old.history.exclude(status=PolicyStatus.SUPERSEDED).order_by("-history_date", "-history_id").first()
        old.valid_to = before.valid_to
        _move(old, before.status, user=user, post=post, reason=f"第{policy.version}版退回修改,本版恢复有效")
    return _move(policy, status, user=user, post=post, reason=reason)


@transaction.atomic
def policy_approve(*, policy: CommissionPolicy, user=None, post: str = "", reason: str = "审批通过") -> CommissionPolicy:
    """in review → approved. Under a lock on the unit's row (so two approvals of one unit queue), checks the
    overlap again and ends the replaced version the day before this one starts (it becomes superseded)."""
    OrgUnit.objects.select_for_update().filter(pk=policy.org_unit_id).first()
    policy = _locked(policy)
    if policy.status != PolicyStatus.IN_REVIEW:
        raise ValidationError(f"政策状态为“{policy.get_status_display()}”,不能批准。")
    _check_ready(policy)
    post = post or _acting_post(user, policy.org_unit)
    old = policy.replaces
    if old is not None:
        old = _locked(old)
        day_before = policy.valid_from - timedelta(days=1)
        if old.valid_to is None or old.valid_to > day_before:
            old.valid_to = day_before
        _move(old, PolicyStatus.SUPERSEDED, user=user, post=post,
              reason=f"被第{policy.version}版替代,有效期至 {old.valid_to}")
    return _move(policy, PolicyStatus.APPROVED, user=user, post=post, reason=reason)


@transaction.atomic
def configuration_enter(*, policy: CommissionPolicy, rules, user) -> PolicyConfiguration:
    """The city support centre enters the system configuration of an approved policy: its own rules, in the
    same shapes, stored apart from the policy's (never copied from them). A new entry supersedes the last."""
    policy = _locked(policy)
    post = _require(user, policy.org_unit, CONFIGURERS, "只有分公司业务支援中心可以录入酬金系统配置。")
    if policy.status != PolicyStatus.APPROVED:
        raise ValidationError(f"政策状态为“{policy.get_status_display()}”,不能录入系统配置。")
    parsed = parse_rules(rules, field="configuration")
    configuration = PolicyConfiguration(policy=policy, entered_by=user, entered_post=post)
    configuration.full_clean()
    configuration.save()
    rules_save(parsed, configuration=configuration)
    return configuration


@transaction.atomic
def policy_archive(*, policy: CommissionPolicy, user=None, post: str = "", reason: str = "复核通过,归档") -> CommissionPolicy:
    """The re-check: approved → archived only when the configuration matches the policy exactly;
    otherwise ValidationError({"configuration": [every difference]})."""
    policy = _locked(policy)
    if policy.status != PolicyStatus.APPROVED:
        raise ValidationError(f"政策状态为“{policy.get_status_display()}”,不能复核归档。")
    differences = configuration_differences(policy)
    if differences:
        raise ValidationError({"configuration": [
            f"系统配置与已批准的政策不一致,共 {len(differences)} 处,请退回业务支援中心重新配置。",
            *[d["description"] for d in differences]]})
    return _move(policy, PolicyStatus.ARCHIVED, user=user, post=post or _acting_post(user, policy.org_unit),
                 reason=reason)
