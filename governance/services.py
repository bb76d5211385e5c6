"""Writes to the org tree and channel registry. Every write checks scope and records who, post, when."""
from django.core.exceptions import ValidationError
from django.db import transaction

from . import posts
from .errors import NotAllowed
from .models import CORE_FIELDS, Channel, OrgUnit
from .selectors import assignments_of, may_create_channel, scope_paths
from .validators import validate_boss_code

CREATE_NOT_ALLOWED = "无权操作:只有渠道经理(及系统管理员)可以新增渠道;渠道主管负责初审,不录入渠道。"
CORE_FIELD_MESSAGE = "“{label}”属于核心信息,请通过核心信息变更流程(/api/v1/processes/change/)修改。"
LOCKED_STATUSES = {Channel.Status.EXITING, Channel.Status.CLOSED}


def acting_assignment(user, unit: OrgUnit, allowed_posts: set[str]):
    """The user's post that covers `unit` (own unit or an ancestor), among `allowed_posts`."""
    for a in assignments_of(user):
        if a.post.code in allowed_posts and unit.is_within(a.org_unit):
            return a
    return None


def acting_post_name(user, unit: OrgUnit, allowed_posts: set[str]) -> str:
    a = acting_assignment(user, unit, allowed_posts)
    if a:
        return a.post.name
    return "系统管理员" if user.is_superuser else ""


def _require_editor(user, unit: OrgUnit, allowed_posts=posts.CHANNEL_EDITORS, message="您的岗位无权维护该单位的渠道信息。"):
    if user.is_superuser:
        return
    if acting_assignment(user, unit, allowed_posts) is None:
        raise NotAllowed(message)


def _check_unit_in_scope(user, unit: OrgUnit):
    paths = scope_paths(user)
    if paths is not None and not any(unit.path.startswith(p) for p in paths):
        raise ValidationError({"org_unit": "归属单位不在您的管辖范围内。"})


def _save(channel: Channel, *, user, post_name: str, reason: str, changed: set[str] | None = None):
    """Validate and save with a history row. `changed`: the only fields set since the channel was read under
    its lock; the others were valid when stored and are not checked again (their uniqueness and foreign keys
    cost a query each)."""
    unchanged = [f.name for f in Channel._meta.fields if f.name not in changed] if changed else None
    channel.full_clean(exclude=unchanged)
    channel._history_user = user
    channel._change_reason = reason
    channel._acting_post = post_name
    channel.save()


@transaction.atomic
def channel_create(*, user, data: dict) -> Channel:
    """录入渠道 (a draft), by a CHANNEL_CREATORS post covering the unit: entering and first review are
    incompatible duties, so the supervisor who reviews does not enter."""
    if not may_create_channel(user):
        raise NotAllowed(CREATE_NOT_ALLOWED)
    unit = data.get("org_unit")
    if unit is None:
        raise ValidationError({"org_unit": "请选择归属单位。"})
    _check_unit_in_scope(user, unit)
    _require_editor(user, unit, posts.CHANNEL_CREATORS, CREATE_NOT_ALLOWED)
    channel = Channel(**data, created_by=user, status=Channel.Status.DRAFT)
    _save(channel, user=user, post_name=acting_post_name(user, unit, posts.CHANNEL_CREATORS), reason="录入渠道")
    return channel


def core_fields_editable(channel: Channel) -> bool:
    """Before approval (a draft, or one returned for revision) the whole record is the submitter's to fix."""
    return channel.status == Channel.Status.DRAFT


@transaction.atomic
def channel_update(*, channel: Channel, user, data: dict, reason: str = "") -> Channel:
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if channel.status in LOCKED_STATUSES:
        raise ValidationError(f"渠道状态为“{channel.get_status_display()}”,不能修改。")
    _require_editor(user, channel.org_unit)
    changed = {f: v for f, v in data.items() if getattr(channel, f) != v}
    if not core_fields_editable(channel):
        errors = {f: CORE_FIELD_MESSAGE.format(label=Channel._meta.get_field(f).verbose_name)
                  for f in changed if f in CORE_FIELDS}
        if errors:
            raise ValidationError(errors)
    if "org_unit" in changed:
        _check_unit_in_scope(user, changed["org_unit"])
    if {"node_code", "org_unit"} & set(changed):
        # the model checks the prefix only at entry (a transfer keeps its code); a new code must still fit
        unit, node_code = changed.get("org_unit", channel.org_unit), changed.get("node_code", channel.node_code)
        if not node_code.startswith(f"{unit.code}-"):
            raise ValidationError({"node_code": f"节点代码应以归属单位编码“{unit.code}-”开头。"})
    if not changed:
        return channel
    for field, value in changed.items():
        setattr(channel, field, value)
    _save(channel, user=user, post_name=acting_post_name(user, channel.org_unit, posts.CHANNEL_EDITORS),
          reason=reason or "直接修改非核心信息")
    return channel


def _locked(channel: Channel) -> Channel:
    return Channel.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=channel.pk)


@transaction.atomic
def channel_set_status(*, channel: Channel, status: str, user, post_name: str, reason: str) -> Channel:
    """Status moves only along Channel.TRANSITIONS; each move is a history row with its reason."""
    channel = _locked(channel)
    if status not in Channel.TRANSITIONS[channel.status]:
        raise ValidationError(
            f"渠道状态不能从“{channel.get_status_display()}”变为“{Channel.Status(status).label}”。")
    channel.status = status
    _save(channel, user=user, post_name=post_name, reason=reason, changed={"status"})
    return channel


@transaction.atomic
def channel_apply_changes(*, channel: Channel, changes: dict, user, post_name: str, reason: str) -> Channel:
    """Apply approved core-info changes (values already validated when the request was made)."""
    channel = _locked(channel)
    for field, value in changes.items():
        setattr(channel, field, value)
    _save(channel, user=user, post_name=post_name, reason=reason)
    return channel


@transaction.atomic
def channel_assign_boss_code(*, channel: Channel, boss_code: str, user, post_name: str) -> Channel:
    """分配BOSS编码: 6-20 letters and digits, unique across the province."""
    boss_code = (boss_code or "").strip()
    try:
        validate_boss_code(boss_code)
    except ValidationError as exc:
        raise ValidationError({"boss_code": exc.messages})
    channel = _locked(channel)
    if Channel.objects.filter(boss_code=boss_code).exclude(pk=channel.pk).exists():
        raise ValidationError({"boss_code": f"BOSS编码“{boss_code}”已被其他渠道使用。"})
    channel.boss_code = boss_code
    _save(channel, user=user, post_name=post_name, reason="分配BOSS编码", changed={"boss_code"})
    return channel
