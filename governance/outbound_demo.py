"""Demo data of outbound calling, on top of seed_demo's org tree and users (idempotent: it finds units and
users by code and username, agents by employee number, and grants only to agents that never had a
certificate). Dates are relative to the day it first runs."""
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import posts
from .models import ExamLevel, OrgUnit, OutboundAgent, OutboundSettings, Post, PostAssignment
from .outbound import certificate_grant

PASSWORD = "demo-pass-2026"
EXAM_LEVELS = [(1, 60, 1), (2, 70, 2), (3, 75, 3), (4, 80, 4)]  # level, pass mark, course level
SETTINGS = [("HA", 120, Decimal("0.50")), ("LY", 100, Decimal("0.45"))]  # unit, calls per agent-day, price
EXTRA_USERS = [("ly_outbound", "LY", posts.OUTBOUND_OPS, "洛阳外呼运营")]
# employee no, name, unit, post level, certificate (level, days from today to valid_from, to valid_to) or None
AGENTS = [
    ("ZZ0001", "王芳", "ZZ", 2, (2, -200, 530)),
    ("ZZ0002", "李娜", "ZZ", 1, (1, -345, 20)),  # expires within 30 days
    ("ZZ0003", "张敏", "ZZ-JS", 1, (1, -100, 630)),
    ("ZZ0004", "刘洋", "ZZ-JS", 3, (3, -50, 680)),
    ("ZZ0005", "陈静", "ZZ-ZY", 1, None),
    ("ZZ0006", "杨磊", "ZZ-ZY", 1, None),
    ("LY0001", "赵丽", "LY", 2, (2, -150, 580)),
    ("LY0002", "黄强", "LY-LL", 1, (1, -30, 700)),
    ("LY0003", "周杰", "LY-LL", 1, None),
    ("LY0004", "吴娟", "LY", 4, (4, -400, 330)),
    ("HA0001", "郑伟", "HA", 3, (3, -120, 610)),  # the province's own team (省集约外呼)
    ("HA0002", "孙燕", "HA", 2, (2, -90, 640)),
    ("HA0003", "马超", "HA", 2, (2, -60, 670)),
]
GRANTOR = "prov_outbound_qa"


@transaction.atomic
def seed_outbound(today: date | None = None) -> None:
    today = today or timezone.localdate()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={a[2] for a in AGENTS} | {"HA", "LY"})}
    for level, pass_mark, course_level in EXAM_LEVELS:
        ExamLevel.objects.update_or_create(level=level, defaults={"pass_mark": pass_mark, "course_level": course_level})
    for code, calls, price in SETTINGS:
        OutboundSettings.objects.update_or_create(org_unit=units[code],
                                                  defaults={"calls_per_agent_day": calls, "unit_price": price})
    _users(units)
    grantor = get_user_model().objects.get(username=GRANTOR)
    for employee_no, name, unit, post_level, certificate in AGENTS:
        agent, _ = OutboundAgent.objects.get_or_create(
            employee_no=employee_no, defaults={"name": name, "org_unit": units[unit], "post_level": post_level})
        if certificate is None or agent.certificates.exists():
            continue
        level, start, end = certificate
        certificate_grant(agent=agent, level=level, valid_from=today + timedelta(days=start),
                          valid_to=today + timedelta(days=end), user=grantor, reason="演示数据:认证通过")


def _users(units):
    for username, unit, post_code, full_name in EXTRA_USERS:
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"first_name": full_name})
        if created:
            user.set_password(PASSWORD)
            user.save()
        PostAssignment.objects.get_or_create(user=user, post=Post.objects.get(code=post_code), org_unit=units[unit],
                                             defaults={"valid_from": date(2026, 1, 1)})
