"""Route data → the plan of a request, and who takes each step when it is reached.

A missing route is an error at start, never a fallback. The route's rows are copied into the process
(`route_snapshot`) so a running request keeps the route it started with.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from governance.models import OrgUnit, Post, PostAssignment
from governance.selectors import PostHolders, post_names

from ..kinds.base import PlanContext, ProcessKind
from ..models import ApprovalProcess, Route, RouteStep
from ..registry import step_for

NO_ROUTE = "未配置“{kind}”的审批路由({category_label}:{category},层级:{tier}),请联系系统管理员。"
VACANT = "“{unit}”及其上级单位均无人担任“{post}”岗位,无法流转,请联系系统管理员。"
ALONE = "“{unit}”及其上级单位的“{post}”岗位只有申请人本人,按不相容岗位分离不能审批本人的申请,请由其他人员提交。"


def route_for(kind: ProcessKind, *, category: str, tier: str) -> Route:
    """The most specific route of the kind: its category and tier, then either default, then the kind's default."""
    steps = Prefetch("steps", queryset=RouteStep.objects.select_related("post", "escalate_post").order_by("order"))
    candidates = list(Route.objects.filter(kind=kind.code, category__in=[category, ""], tier__in=[tier, ""])
                      .prefetch_related(steps))
    if not candidates:
        raise ValidationError(NO_ROUTE.format(
            kind=kind.label, category_label=kind.category_label, category=kind.category_label_of(category) or "—",
            tier=dict(OrgUnit.Tier.choices).get(tier, tier)))
    return min(candidates, key=lambda r: (r.category != category, r.tier != tier))


def route_snapshot(route: Route, *, category: str, tier: str) -> dict:
    """The route as the process keeps it: a running request is not moved by later edits of the route."""
    steps = [{"post": s.post.code, "step": s.step, "label": s.label, "condition": s.condition, "unit": s.unit,
              "payload": s.payload, "exclusive": s.exclusive, "requester_may_act": s.requester_may_act,
              "mode": s.mode, "share": s.share, "on_reject": s.on_reject, "due_days": s.due_days,
              "on_timeout": s.on_timeout, "escalate_post": s.escalate_post.code if s.escalate_post_id else ""}
             for s in route.steps.all()]
    return {"route": route.pk, "category": category, "tier": tier, "filing": route.filing,
            "objection_days": route.objection_days, "steps": steps}


def process_replan(process: ApprovalProcess) -> None:
    """A resubmitted request is routed afresh from its revised content: from the route it kept, unless its
    category or its unit's tier changed (then from the route for the new ones)."""
    spec = process.kind_spec
    subject = spec.subject_model.objects.get(pk=process.subject_id)
    unit = spec.unit_of(subject)
    category, tier = spec.category_of(subject), unit.tier
    snapshot = process.route_snapshot
    if (category, tier) != (snapshot["category"], snapshot["tier"]):
        snapshot = route_snapshot(route_for(spec, category=category, tier=tier), category=category, tier=tier)
    ctx = PlanContext(spec, subject, process.payload, unit, process.receiving_unit)
    process.plan = build_plan(snapshot["steps"], ctx)
    check_plan(process.plan, requester=process.requester)
    process.org_unit, process.route_snapshot, process.filing = unit, snapshot, snapshot["filing"]
    process.title = spec.title_of(subject)[:200]
    process.step_index = 0


def build_plan(rows: list[dict], ctx: PlanContext) -> list[dict]:
    """The steps that apply to this request, each with the unit it starts looking for a holder from.
    A signing step of the same kind that would land in the same queue as an earlier one is not asked twice
    (a second-level QA and the grant by the same post are different questions; two approvals are not)."""
    units = [unit for unit in (ctx.unit, ctx.receiving_unit) if unit is not None]
    holders = PostHolders(units, {row["post"] for row in rows if step_for(row["step"]).signs})
    plan, queues = [], set()
    for row in rows:
        if row["condition"] and not _holds(ctx, row["condition"]):
            continue
        unit = ctx.receiving_unit if row["unit"] == RouteStep.Unit.RECEIVING else ctx.unit
        if unit is None:
            continue
        step = {**row, "unit": unit.pk, "item": row["payload"].get("item", "")}
        if step_for(row["step"]).signs:
            queue = (row["step"], row["post"], holders.nearest_unit_id(unit, row["post"]))
            if queue in queues:
                continue
            queues.add(queue)
        plan.append(step)
    return plan


def _holds(ctx: PlanContext, name: str) -> bool:
    condition = ctx.kind.conditions.get(name)
    if condition is None:
        raise ValidationError(f"路由环节的适用条件“{name}”不适用于“{ctx.kind.label}”,请联系系统管理员。")
    return condition.test(ctx)


def check_plan(plan: list[dict], *, requester=None) -> None:
    """Every queued step has a holder above its unit, and one other than the requester where the step
    excludes them: a request that could never finish is refused now, not left stuck. Two queries for any plan."""
    queued = [step for step in plan if step_for(step["step"]).queued]
    if not queued:
        return
    units = OrgUnit.objects.in_bulk({step["unit"] for step in queued})
    holders, names = PostHolders(units.values(), {step["post"] for step in queued}), post_names()
    for step in queued:
        base, post = units[step["unit"]], names.get(step["post"], step["post"])
        users = holders.users(base, step["post"])
        if not users:
            raise ValidationError(VACANT.format(unit=base.name, post=post))
        if requester is not None and not step.get("requester_may_act") and users == {requester.pk}:
            raise ValidationError(ALONE.format(unit=base.name, post=post))


@dataclass
class Queue:
    """Where a reached step waits: a post in a unit; `note` says why it is not the nearest holder's unit."""

    post: Post
    unit: OrgUnit
    note: str = ""


def eligible_holders(process: ApprovalProcess, step: dict, unit: OrgUnit) -> list[int]:
    """The people who may take `step` in `unit` (a countersign's members): holders not excluded."""
    excluded = excluded_users(process, step)
    holders = PostAssignment.objects.valid_on().filter(post__code=step["post"], org_unit=unit).values_list(
        "user_id", flat=True)
    return sorted(set(holders) - excluded)


def resolve_queue(process: ApprovalProcess, step: dict) -> Queue:
    """The step's unit or its nearest ancestor with a holder who may take it (不相容岗位分离): not the
    requester (unless the route allows it) and, for an exclusive step, nobody who signed another
    exclusive step of this request. With no such holder anywhere, the nearest holder's unit."""
    base = OrgUnit.objects.get(pk=step["unit"])
    holders = list(PostAssignment.objects.valid_on()
                   .filter(post__code=step["post"], org_unit__path__in=base.ancestor_paths)
                   .select_related("org_unit", "post").order_by("-org_unit__depth"))
    if not holders:
        post = Post.objects.filter(code=step["post"]).first()
        raise ValidationError(VACANT.format(unit=base.name, post=post or step["post"]))
    excluded = excluded_users(process, step)
    nearest = holders[0].org_unit
    eligible = next((h for h in holders if h.user_id not in excluded), None)
    if eligible is None:
        return Queue(holders[0].post, nearest, f"{nearest.name}“{holders[0].post.name}”岗位只有不能办理本申请的人员"
                                               "(申请人或已签批人员),请系统管理员另行指定。")
    if eligible.org_unit != nearest:
        return Queue(eligible.post, eligible.org_unit, f"{nearest.name}“{eligible.post.name}”岗位人员已签批本申请"
                                                       f"或为申请人(不相容),转{eligible.org_unit.name}办理。")
    return Queue(eligible.post, nearest)


def excluded_users(process: ApprovalProcess, step: dict) -> set[int]:
    """Who may not take `step` of `process`: the requester, and signers of other exclusive steps."""
    excluded = set()
    if process.requester_id and not step.get("requester_may_act"):
        excluded.add(process.requester_id)
    if is_exclusive_signature(step):
        excluded |= signers_elsewhere(process)
    return excluded


def signers_elsewhere(process: ApprovalProcess) -> set[int]:
    """People who signed an exclusive step of this request other than the current one."""
    return {actor for index, actor in signatures(process) if index != process.step_index}


def signatures(process: ApprovalProcess) -> list[tuple[int, int]]:
    """(step index, signer) of the request's signatures, read once per instance; trail.event_record adds
    each new one (signatures are only recorded there, under the process's version lock)."""
    if "_signatures" not in process.__dict__:
        process._signatures = list(process.events.filter(signs=True).values_list("step_index", "actor_id"))
    return process._signatures


def is_exclusive_signature(step: dict) -> bool:
    return bool(step.get("exclusive")) and step_for(step["step"]).signs


def step_title(step: dict, post_names: dict) -> str:
    return step_for(step["step"]).title(step, post_names)

