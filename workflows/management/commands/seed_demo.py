"""Loads the demo world of CONTRACT.md; running it twice leaves the same state."""
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from governance import posts
from governance.models import Channel, ChannelType, OrgUnit, Post, PostAssignment
from commission.demo import seed_commission
from governance.outbound_demo import seed_outbound
from workflows.models import Route, RouteStep

PASSWORD = "demo-pass-2026"
UNITS = [
    ("HA", "河南省公司", OrgUnit.Tier.PROVINCE, None),
    ("ZZ", "郑州分公司", OrgUnit.Tier.CITY, "HA"),
    ("LY", "洛阳分公司", OrgUnit.Tier.CITY, "HA"),
    ("ZZ-JS", "金水区", OrgUnit.Tier.COUNTY, "ZZ"),
    ("ZZ-ZY", "中原区", OrgUnit.Tier.COUNTY, "ZZ"),
    ("LY-LL", "洛龙区", OrgUnit.Tier.COUNTY, "LY"),
]
CITY_POSTS = [("manager", posts.CHANNEL_MANAGER, "渠道经理"), ("supervisor", posts.CHANNEL_SUPERVISOR, "渠道主管"),
              ("leader", posts.BRANCH_LEADER, "分管领导"), ("support", posts.CITY_SUPPORT, "业务支援")]
USERS = (
    [(f"{c}_{suffix}", c.upper(), post, f"{city}{label}") for c, city in (("zz", "郑州"), ("ly", "洛阳"))
     for suffix, post, label in CITY_POSTS]
    + [
        ("zz_outbound", "ZZ", posts.OUTBOUND_OPS, "郑州外呼运营"),
        ("ly_outbound", "LY", posts.OUTBOUND_OPS, "洛阳外呼运营"),
        ("prov_marketing", "HA", posts.PROVINCE_MARKETING, "省市场经营部"),
        ("prov_finance", "HA", posts.PROVINCE_FINANCE, "省财务部"),
        ("prov_support", "HA", posts.PROVINCE_SUPPORT, "省业务支援中心"),
        ("prov_outbound_qa", "HA", posts.OUTBOUND_QA, "省外呼质检培训"),
        ("auditor", "HA", posts.AUDITOR, "审计"),
        ("admin", "HA", posts.ADMIN, "系统管理员"),
    ]
)
RECORD_TYPES = [ChannelType.AGENT_POINT, ChannelType.SELF_SERVICE_TERMINAL, ChannelType.ACCOUNT_MANAGER,
                ChannelType.E_CHANNEL]
APPROVAL_STEPS = [posts.CHANNEL_SUPERVISOR, posts.BRANCH_LEADER, posts.PROVINCE_MARKETING]
NOT_EXCLUSIVE = {"exclusive": False}
# Steps each channel kind adds to the approval steps: (insert at, post, step kind, route-step options).
ROUTE_TAILS = {
    "onboarding": [(None, posts.CITY_SUPPORT, "assign_code", NOT_EXCLUSIVE)],
    "change": [
        (2, posts.BRANCH_LEADER, "approve", {"label": "接收单位会签", "condition": "transfer", "unit": "receiving"}),
        (None, posts.PROVINCE_FINANCE, "approve", {"condition": "finance_change"}),
    ],
    "exit": [
        (None, posts.CITY_SUPPORT, "check", {"label": "酬金已结清", "condition": "social",
                                             "payload": {"item": "commission_settled"}, **NOT_EXCLUSIVE}),
        (None, posts.PROVINCE_FINANCE, "check", {"label": "保证金已退还", "condition": "social",
                                                 "payload": {"item": "deposit_refunded"}, **NOT_EXCLUSIVE}),
        (None, posts.CHANNEL_MANAGER, "check", {"label": "终端及库存已回收", "payload": {"item": "terminals_returned"},
                                                "requester_may_act": True, **NOT_EXCLUSIVE}),
        (None, posts.CITY_SUPPORT, "check", {"label": "BOSS编码已关闭", "condition": "has_boss_code",
                                             "payload": {"item": "boss_code_closed"}, **NOT_EXCLUSIVE}),
    ],
}

CHANNELS = [
    # node_code, name, type, unit, boss_code, status, credit code
    ("ZZ-JS-0001", "金水路自营厅", ChannelType.OWN_HALL, "ZZ-JS", "ZZ00010001", Channel.Status.ACTIVE, ""),
    ("ZZ-JS-0002", "花园路指定专营店", ChannelType.EXCLUSIVE_STORE, "ZZ-JS", "ZZ00010002", Channel.Status.ACTIVE,
     "91410100MA44C1234W"),
    ("ZZ-ZY-0001", "建设路特约代理点", ChannelType.AGENT_POINT, "ZZ-ZY", "ZZ00020001", Channel.Status.ACTIVE,
     "91410100317000222T"),
    ("ZZ-ZY-0002", "中原万达体验店", ChannelType.FLAGSHIP_STORE, "ZZ-ZY", None, Channel.Status.DRAFT, ""),
    ("LY-LL-0001", "洛龙自营厅", ChannelType.OWN_HALL, "LY-LL", "LY00010001", Channel.Status.ACTIVE, ""),
    ("LY-LL-0002", "开元大道指定专营店", ChannelType.EXCLUSIVE_STORE, "LY-LL", "LY00010002", Channel.Status.ACTIVE,
     "91410300MA47X5678N"),
    ("LY-LL-0003", "王城公园特约代理点", ChannelType.AGENT_POINT, "LY-LL", None, Channel.Status.DRAFT,
     "92410105MA40A00019"),
]


def _rows(filing, tail) -> list[tuple]:
    """The approval steps (province marketing only copied for 报备 types), with the kind's own steps added."""
    rows = [(code, "copy" if filing == Route.Filing.RECORD and code == posts.PROVINCE_MARKETING else "approve", {})
            for code in APPROVAL_STEPS]
    for position, code, step, options in tail:
        rows.insert(len(rows) if position is None else position, (code, step, options))
    return rows


# The other kinds' default routes (their subjects have no category): (post, step kind, route-step options).
OTHER_ROUTES = {
    "commission-policy": [
        (posts.PROVINCE_MARKETING, "approve", {}),
        (posts.PROVINCE_FINANCE, "policy_approve", {}),
        (posts.CITY_SUPPORT, "configure", {"label": "分公司业务支援中心录入系统配置"}),
        (posts.CHANNEL_SUPERVISOR, "recheck", {"label": "渠道主管复核配置"}),
        (posts.PROVINCE_SUPPORT, "copy", {"exclusive": False}),
    ],
    "certification": [
        (posts.OUTBOUND_QA, "training", {"label": "培训完成", **NOT_EXCLUSIVE}),
        (posts.OUTBOUND_QA, "exam", {"label": "考试", **NOT_EXCLUSIVE}),
        (posts.OUTBOUND_OPS, "qa", {"label": "一级质检(地市)", "requester_may_act": True, **NOT_EXCLUSIVE}),
        (posts.OUTBOUND_QA, "qa", {"label": "二级质检(省)", **NOT_EXCLUSIVE}),
        (posts.OUTBOUND_QA, "grant", {"label": "省外呼质检/培训发证", **NOT_EXCLUSIVE}),
    ],
    # 暂停/恢复营业: the city's supervisor, then its leader (for every channel type and both cities).
    "suspension": [
        (posts.CHANNEL_SUPERVISOR, "approve", {}),
        (posts.BRANCH_LEADER, "approve", {}),
    ],
    "outbound-demand": [
        (posts.PROVINCE_SUPPORT, "allocate", {"label": "省业务支援中心分配产能", **NOT_EXCLUSIVE}),
    ],
}


class Command(BaseCommand):
    help = "加载演示数据(可重复执行)。"

    @transaction.atomic
    def handle(self, *args, **options):
        units = self._units()
        post_by_code = self._posts()
        users = self._users(units, post_by_code)
        self._routes(post_by_code)
        self._channels(units, users)
        seed_commission()
        seed_outbound()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))

    def _units(self):
        units = {}
        for code, name, tier, parent in UNITS:
            unit, _ = OrgUnit.objects.update_or_create(
                code=code, defaults={"name": name, "tier": tier, "parent": units.get(parent)})
            units[code] = unit
        return units

    def _posts(self):
        return {code: Post.objects.update_or_create(code=code, defaults={"name": name, "read_only": ro})[0]
                for code, name, ro in posts.ALL}

    def _users(self, units, post_by_code):
        User = get_user_model()
        users = {}
        password = make_password(PASSWORD)  # hashed once: every demo user shares it (PBKDF2 costs ~0.5 s a hash)
        for username, unit, post, full_name in USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.is_staff = user.is_superuser = username == "admin"
            user.password = password
            user.save()
            PostAssignment.objects.filter(user=user).exclude(post=post_by_code[post], org_unit=units[unit]).delete()
            PostAssignment.objects.get_or_create(
                user=user, post=post_by_code[post], org_unit=units[unit], defaults={"valid_from": date(2026, 1, 1)})
            users[username] = user
        return users

    def _routes(self, post_by_code):
        """Routes are created once, in bulk; an administrator's later edits are kept on reseeding."""
        existing = set(Route.objects.values_list("kind", "category", "tier"))
        routes, steps = [], []
        for kind, tail in ROUTE_TAILS.items():
            for channel_type in ["", *ChannelType.values]:
                if (kind, channel_type, "") in existing:
                    continue
                filing = Route.Filing.RECORD if channel_type in RECORD_TYPES else Route.Filing.APPROVAL
                route = Route(kind=kind, category=channel_type, tier="", filing=filing)
                routes.append(route)
                steps += [RouteStep(route=route, order=order, post=post_by_code[code], step=step, **options)
                          for order, (code, step, options) in enumerate(_rows(filing, tail), start=1)]
        for kind, rows in OTHER_ROUTES.items():
            if (kind, "", "") not in existing:
                route = Route(kind=kind, category="", tier="", filing=Route.Filing.APPROVAL)
                routes.append(route)
                steps += [RouteStep(route=route, order=order, post=post_by_code[code], step=step, **options)
                          for order, (code, step, options) in enumerate(rows, start=1)]
        bulk_create_with_history(routes, Route)
        bulk_create_with_history(steps, RouteStep)

    def _channels(self, units, users):
        for node_code, name, channel_type, unit, boss_code, status, credit_code in CHANNELS:
            if Channel.objects.filter(node_code=node_code).exists():
                continue
            city = unit[:2].lower()
            social = bool(credit_code)
            channel = Channel(
                node_code=node_code, name=name, channel_type=channel_type, org_unit=units[unit],
                boss_code=boss_code, status=status, star_level=3, address=f"{units[unit].name}{name}",
                contact_mobile="13803710000" if city == "zz" else "13803790000",
                opening_hours="09:00-21:00", floor_area=Decimal("120.00"), staff_count=5,
                operator_company=f"{name}商贸有限公司" if social else "", credit_code=credit_code,
                legal_representative="张伟" if social else "", bank_name="中国工商银行" if social else "",
                bank_account="6222020200112233445" if social else "", deposit=Decimal("20000") if social else 0,
                contract_number=f"HT-{node_code}" if social else "", contract_start=date(2026, 1, 1) if social else None,
                contract_end=date(2028, 12, 31) if social else None, business_scope="移动业务代办、终端销售",
                created_by=users[f"{city}_manager"],
            )
            channel.full_clean()
            channel._history_user, channel._change_reason = users[f"{city}_manager"], "演示数据"
            channel.save()
