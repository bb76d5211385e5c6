"""Route data → the plan of steps a process walks through, and who takes each step."""
from django.core.exceptions import ValidationError

from governance import posts
from governance.models import FINANCE_FIELDS, Channel, OrgUnit, Post
from governance.selectors import nearest_holder_unit

from .models import Route, RouteStep

APPROVE, COPY, ASSIGN_CODE, CHECK = "approve", "copy", "assign_code", "check"
STEP_LABELS = {APPROVE: "审批", COPY: "抄送", ASSIGN_CODE: "分配BOSS编码", CHECK: "确认"}

# 退出清单: each close-out item is confirmed by its own post.
EXIT_CHECKLIST = [
    ("commission_settled", "酬金已结清", posts.CITY_SUPPORT, True),
    ("deposit_refunded", "保证金已退还", posts.PROVINCE_FINANCE, True),
    ("terminals_returned", "终端及库存已回收", posts.CHANNEL_MANAGER, False),
    ("boss_code_closed", "BOSS编码已关闭", posts.CITY_SUPPORT, False),
]


def route_for(kind: str, channel_type: str) -> Route:
    """The route of the kind for the type, else the kind's default, else the onboarding route."""
    candidates = Route.objects.filter(kind__in=[kind, "onboarding"], channel_type__in=[channel_type, ""])
    ranked = sorted(candidates, key=lambda r: (r.kind != kind, r.channel_type != channel_type))
    if not ranked:
        raise ValidationError("未配置该渠道类型的审批路由,请联系系统管理员。")
    return ranked[0]


def _step(post: str, unit: OrgUnit, action: str, *, label: str = "", item: str = "") -> dict:
    return {"post": post, "unit": unit.pk, "action": action, "item": item, "label": label}


def _route_steps(route: Route, unit: OrgUnit) -> list[dict]:
    steps = RouteStep.objects.filter(route=route).select_related("post").order_by("order")
    return [_step(s.post.code, unit, s.action) for s in steps]


def onboarding_plan(route: Route, channel: Channel) -> list[dict]:
    return _route_steps(route, channel.org_unit) + [_step(posts.CITY_SUPPORT, channel.org_unit, ASSIGN_CODE)]


def change_plan(route: Route, channel: Channel, changed: set[str], target_unit: OrgUnit | None) -> list[dict]:
    plan = _route_steps(route, channel.org_unit)
    if target_unit is not None and _signs_separately(channel.org_unit, target_unit):
        at = max((i for i, s in enumerate(plan) if s["post"] == posts.BRANCH_LEADER), default=len(plan) - 1) + 1
        plan.insert(at, _step(posts.BRANCH_LEADER, target_unit, APPROVE, label="接收单位会签"))
    if changed & set(FINANCE_FIELDS):
        plan.append(_step(posts.PROVINCE_FINANCE, channel.org_unit, APPROVE))
    return plan


def _signs_separately(source: OrgUnit, target: OrgUnit) -> bool:
    """A transfer within one leader's area needs no second signature from the same queue."""
    return nearest_holder_unit(source, posts.BRANCH_LEADER) != nearest_holder_unit(target, posts.BRANCH_LEADER)


def exit_plan(route: Route, channel: Channel) -> list[dict]:
    plan = _route_steps(route, channel.org_unit)
    for code, label, post, social_only in EXIT_CHECKLIST:
        if social_only and not channel.is_social:
            continue
        if code == "boss_code_closed" and not channel.boss_code:
            continue
        plan.append(_step(post, channel.org_unit, CHECK, label=label, item=code))
    return plan


def resolve_unit(step: dict) -> OrgUnit:
    """The step's unit or its nearest ancestor with a holder of the post; none at all is an error."""
    unit = OrgUnit.objects.get(pk=step["unit"])
    holder_unit = nearest_holder_unit(unit, step["post"])
    if holder_unit is None:
        post = Post.objects.filter(code=step["post"]).first()
        raise ValidationError(f"“{unit.name}”及其上级单位均无人担任“{post or step['post']}”岗位,无法流转,请联系系统管理员。")
    return holder_unit


def check_plan(plan: list[dict]) -> None:
    for step in plan:
        resolve_unit(step)


def step_title(step: dict, post_names: dict[str, str]) -> str:
    return step.get("label") or f"{post_names.get(step['post'], step['post'])}{STEP_LABELS[step['action']]}"
