"""Helpers for driving the services directly: channels, process starts, tasks found through the inbox."""
import itertools
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.models import Channel, OrgUnit, Post, PostAssignment
from governance.services import channel_create
from governance.validators import credit_code_check_char
from workflows import services
from workflows.engine.plan import build_plan, route_for, route_snapshot
from workflows.kinds.base import PlanContext
from workflows.registry import kind_for
from workflows.models import ApprovalProcess
from workflows.selectors import inbox_for_user
from tests import starts

_serial = itertools.count(1)


class Svc:
    @staticmethod
    def user(username):
        """A fresh user object each time (post assignments are cached per object)."""
        return get_user_model().objects.get(username=username)

    @staticmethod
    def unit(code) -> OrgUnit:
        return OrgUnit.objects.get(code=code)

    @staticmethod
    def channel(node_code) -> Channel:
        return Channel.objects.get(node_code=node_code)

    def new_channel(self, username="zz_manager", unit="ZZ-JS", *, social=False, **overrides) -> Channel:
        n = next(_serial)
        data = {
            "node_code": f"{unit}-S{n:04d}", "name": f"服务测试渠道{n}", "channel_type": "own_hall",
            "org_unit": self.unit(unit), "address": "测试地址", "contact_mobile": "13912345678",
        }
        if social:
            first17 = f"91410100MA44R{n:04d}"
            data.update({
                "channel_type": "exclusive_store", "operator_company": f"服务测试{n}公司",
                "credit_code": first17 + credit_code_check_char(first17), "bank_name": "中国银行",
                "bank_account": f"60130000{n:011d}", "deposit": 3000,
                "contract_start": date(2026, 1, 1), "contract_end": date(2027, 12, 31),
            })
        data.update(overrides)
        return channel_create(user=self.user(username), data=data)

    def onboard(self, channel=None, username="zz_manager", **kwargs) -> ApprovalProcess:
        channel = channel or self.new_channel(username, **kwargs)
        return starts.onboarding_start(user=self.user(username), channel_id=channel.pk)

    def task(self, username, process):
        tasks = list(inbox_for_user(user=self.user(username)).filter(process_id=process.pk))
        assert len(tasks) <= 1, tasks
        return tasks[0] if tasks else None

    def act(self, username, process, action="approve", comment="", **data) -> ApprovalProcess:
        task = self.task(username, process)
        assert task is not None, f"{username} has no task for {process}"
        return services.task_act(task_id=task.pk, user=self.user(username), action=action, comment=comment,
                                 data=data)

    def approve_all(self, process, usernames) -> ApprovalProcess:
        for username in usernames:
            process = self.act(username, process)
        return process

    @staticmethod
    def hold(username, post, unit, **dates) -> PostAssignment:
        """Give a (new or existing) user a post in a unit."""
        user, _ = get_user_model().objects.get_or_create(username=username)
        return PostAssignment.objects.create(user=user, post=Post.objects.get(code=post),
                                             org_unit=OrgUnit.objects.get(code=unit), **dates)

    @staticmethod
    def end_assignment(username):
        """The user's post ended yesterday."""
        ended = PostAssignment.objects.filter(user__username=username).update(
            valid_to=timezone.localdate() - timedelta(days=1))
        assert ended == 1

    @staticmethod
    def actions(process) -> list[tuple]:
        return list(process.events.order_by("at", "id").values_list("actor__username", "action"))


def plan_for(kind: str, subject, payload=None, receiving_unit=None) -> list[dict]:
    """The plan a request of `kind` on `subject` would get from today's routes."""
    spec = kind_for(kind)
    unit = spec.unit_of(subject)
    category = spec.category_of(subject)
    snapshot = route_snapshot(route_for(spec, category=category, tier=unit.tier), category=category, tier=unit.tier)
    return build_plan(snapshot["steps"], PlanContext(spec, subject, payload or {}, unit, receiving_unit))


@pytest.fixture
def svc(demo):
    return Svc()
