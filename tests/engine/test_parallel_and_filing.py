"""会签/或签 set in the route data, and 报备 with an objection window (异议期)."""
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from governance.errors import Conflict
from workflows import services
from workflows.models import ProcessEvent, Route, RouteStep


def _supervisor_step(**options):
    RouteStep.objects.filter(route__kind="onboarding", route__category="own_hall", post__code="channel_supervisor") \
        .update(**options)


@pytest.fixture
def two_supervisors(svc):
    svc.hold("zz_supervisor2", "channel_supervisor", "ZZ")


def test_a_countersign_needs_every_member(svc, two_supervisors):
    _supervisor_step(mode="all")
    process = svc.onboard()
    assert process.plan[0]["members"] and process.plan[0]["needed"] == 2
    process = svc.act("zz_supervisor", process, comment="同意")
    assert process.current_post.code == "channel_supervisor"  # waiting for the second member
    assert svc.task("zz_supervisor", process) is None  # a member votes once
    with pytest.raises(ValidationError):  # nobody claims a countersign
        services.task_claim(task_id=svc.task("zz_supervisor2", process).pk, user=svc.user("zz_supervisor2"))
    process = svc.act("zz_supervisor2", process, comment="同意")
    assert process.current_post.code == "branch_leader"
    votes = process.events.filter(action=ProcessEvent.Action.APPROVE).values_list("actor__username", flat=True)
    assert sorted(votes) == ["zz_supervisor", "zz_supervisor2"]


def test_a_share_countersign_passes_at_its_share(svc, two_supervisors):
    _supervisor_step(mode="share", share=50)
    process = svc.act("zz_supervisor2", svc.onboard())
    assert process.current_post.code == "branch_leader"


def test_one_rejection_ends_a_countersign_as_the_route_says(svc, two_supervisors):
    _supervisor_step(mode="all", on_reject="reject")
    process = svc.act("zz_supervisor", svc.onboard())
    process = svc.act("zz_supervisor2", process, "reject", comment="选址不当")
    assert process.state == "rejected"
    _supervisor_step(mode="all", on_reject="return")
    process = svc.act("zz_supervisor", svc.onboard(), "reject", comment="资料不全")
    assert process.state == "returned" and svc.task("zz_manager", process) is not None


def test_an_outsider_to_the_countersign_cannot_vote(svc, two_supervisors):
    _supervisor_step(mode="all")
    process = svc.onboard()
    svc.hold("zz_supervisor3", "channel_supervisor", "ZZ")  # appointed after the step began: not a member
    task = svc.task("zz_supervisor3", process)
    assert services.task_actions(task, process, svc.user("zz_supervisor3")) == []


def _record_route(days):
    Route.objects.filter(kind="onboarding", category="agent_point").update(objection_days=days)


def test_an_objection_within_the_window_sends_the_request_back_to_the_lower_tier(svc):
    _record_route(2)
    process = svc.approve_all(svc.onboard(social=True, channel_type="agent_point"), ["zz_supervisor", "zz_leader"])
    copy = process.copies.get(user__username="prov_marketing")
    assert copy.objection_until > timezone.now()
    with pytest.raises(Http404):  # only the copy's reader objects
        services.copy_object(user=svc.user("prov_finance"), copy_id=copy.pk, comment="x")
    with pytest.raises(ValidationError):
        services.copy_object(user=svc.user("prov_marketing"), copy_id=copy.pk, comment="")
    process = services.copy_object(user=svc.user("prov_marketing"), copy_id=copy.pk, comment="网点过密")
    assert process.current_post.code == "branch_leader"  # the last decision before the copy, taken again
    assert process.events.filter(action=ProcessEvent.Action.OBJECT, actor__username="prov_marketing").exists()
    assert svc.task("zz_leader", process) is not None
    with pytest.raises(Conflict):
        services.copy_object(user=svc.user("prov_marketing"), copy_id=copy.pk, comment="再次")


def test_once_the_window_passes_the_filing_stands_and_the_trail_says_so(svc):
    _record_route(2)
    process = svc.approve_all(svc.onboard(social=True, channel_type="agent_point"), ["zz_supervisor", "zz_leader"])
    copy = process.copies.get(user__username="prov_marketing")
    assert services.copies_settle() == 0
    with time_machine.travel(copy.objection_until + timedelta(minutes=1)):
        assert services.copies_settle() == 1
        assert services.copies_settle() == 0  # once
        with pytest.raises(Conflict):
            services.copy_object(user=svc.user("prov_marketing"), copy_id=copy.pk, comment="晚了")
    stands = process.events.get(action=ProcessEvent.Action.FILING_STANDS)
    assert stands.actor is None and "报备生效" in stands.comment
