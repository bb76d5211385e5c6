"""Approver resolution: (post, unit of the request or its nearest ancestor with a holder); none → refused."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task

from governance.models import Channel, PostAssignment
from tests import starts
from workflows.engine.plan import route_for
from workflows.registry import kind_for
from workflows.models import ApprovalProcess, ProcessEvent, Route
from workflows.selectors import inbox_for_user


def test_vacant_post_everywhere_refuses_the_start_and_creates_nothing(svc):
    channel = svc.new_channel(unit="ZZ-JS")
    svc.end_assignment("zz_supervisor")
    with pytest.raises(ValidationError) as exc:
        svc.onboard(channel)
    message = exc.value.messages[0]
    assert "金水区" in message and "渠道主管" in message
    assert not ApprovalProcess.objects.exists()
    assert not Task.objects.exists()
    assert not ProcessEvent.objects.exists()
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.DRAFT


def test_vacant_post_through_the_api_is_a_clear_400(api, svc):
    channel = svc.new_channel(unit="ZZ-JS")
    svc.end_assignment("zz_supervisor")
    response = api("zz_manager").post("/api/v1/processes/onboarding/", {"channel": channel.pk}, format="json")
    assert response.status_code == 400
    assert "渠道主管" in response.json()["detail"]
    assert not ApprovalProcess.objects.exists()
    assert Channel.objects.get(pk=channel.pk).status == Channel.Status.DRAFT


def test_vacancy_in_a_later_step_is_caught_at_the_start(svc):
    svc.end_assignment("zz_support")
    channel = svc.new_channel()
    with pytest.raises(ValidationError) as exc:
        svc.onboard(channel)
    assert "分公司业务支援中心" in exc.value.messages[0]
    assert not ApprovalProcess.objects.exists()


def test_vacancy_escalates_to_the_nearest_ancestor_with_a_holder(svc):
    svc.end_assignment("zz_supervisor")
    svc.hold("prov_supervisor", "channel_supervisor", "HA")
    process = svc.onboard(unit="ZZ-JS")
    assert (process.current_post.code, process.current_unit.code) == ("channel_supervisor", "HA")
    assert svc.task("zz_supervisor", process) is None
    task = svc.task("prov_supervisor", process)
    assert task is not None
    process = svc.act("prov_supervisor", process)
    assert process.events.get(action="approve").org_unit.code == "HA"
    # the next step is back at the city
    assert (process.current_post.code, process.current_unit.code) == ("branch_leader", "ZZ")


def test_nearest_holder_wins(svc):
    svc.hold("js_supervisor", "channel_supervisor", "ZZ-JS")
    js = svc.onboard(unit="ZZ-JS")
    zy = svc.onboard(unit="ZZ-ZY")
    assert js.current_unit.code == "ZZ-JS"
    assert zy.current_unit.code == "ZZ"
    assert svc.task("js_supervisor", js) is not None
    assert svc.task("zz_supervisor", js) is None
    assert svc.task("zz_supervisor", zy) is not None
    assert svc.task("js_supervisor", zy) is None
    # the county holder's own scope: the county only
    assert [t.process_id for t in inbox_for_user(user=svc.user("js_supervisor"))] == [js.pk]


def test_assignment_not_yet_valid_does_not_count(svc):
    svc.end_assignment("zz_supervisor")
    svc.hold("future_supervisor", "channel_supervisor", "ZZ", valid_from=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError):
        svc.onboard(unit="ZZ-JS")
    assert not ApprovalProcess.objects.exists()


def test_assignment_ending_today_still_counts(svc):
    PostAssignment.objects.filter(user__username="zz_supervisor").update(valid_to=timezone.localdate())
    process = svc.onboard()
    assert process.current_unit.code == "ZZ"


def test_vacancy_arising_mid_flight_blocks_the_decision_not_the_process(svc):
    """If the next post empties after the start, the approval is refused (no silent skip), nothing moves."""
    process = svc.onboard()
    svc.end_assignment("zz_leader")
    with pytest.raises(ValidationError) as exc:
        svc.act("zz_supervisor", process)
    assert "分管领导" in exc.value.messages[0]
    process.refresh_from_db()
    assert process.step_index == 0 and process.current_post.code == "channel_supervisor"
    assert not process.events.filter(action="approve").exists()
    task = svc.task("zz_supervisor", process)
    assert task is not None and task.owner_id is None
    # once the post is filled again, the same task goes through
    svc.hold("zz_leader2", "branch_leader", "ZZ")
    process = svc.act("zz_supervisor", process)
    assert svc.task("zz_leader2", process) is not None


@pytest.mark.parametrize("kind, channel_type", [("onboarding", "agent_point"), ("change", "agent_point"),
                                                ("exit", "own_hall")])
def test_each_kind_has_its_own_route(svc, kind, channel_type):
    route = route_for(kind_for(kind), category=channel_type, tier="county")
    assert (route.kind, route.category, route.tier) == (kind, channel_type, "")


def test_the_most_specific_route_wins(svc):
    exit_kind = kind_for("exit")
    Route.objects.filter(kind="exit", category="own_hall").delete()
    default = Route.objects.get(kind="exit", category="", tier="")
    assert route_for(exit_kind, category="own_hall", tier="county") == default
    county = Route.objects.create(kind="exit", category="", tier="county", filing="record")
    assert route_for(exit_kind, category="own_hall", tier="county") == county
    assert route_for(exit_kind, category="own_hall", tier="city") == default
    typed = Route.objects.create(kind="exit", category="own_hall", tier="", filing="approval")
    assert route_for(exit_kind, category="own_hall", tier="county") == typed


def test_a_kind_without_a_route_is_refused_at_start_never_another_kinds_route(svc):
    """The old engine handed a kind without a route the onboarding route; now the start is a clear error."""
    Route.objects.filter(kind="change").delete()
    with pytest.raises(ValidationError) as exc:
        starts.change_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0001").pk,
                            changes={"name": "新名"}, effective_date=timezone.localdate())
    assert "核心信息变更" in exc.value.messages[0] and "路由" in exc.value.messages[0]
    assert not ApprovalProcess.objects.exists()
    assert svc.onboard().state == ApprovalProcess.State.IN_REVIEW  # other kinds keep their own routes


def test_route_for_without_any_route_is_an_error(svc):
    Route.objects.all().delete()
    with pytest.raises(ValidationError):
        route_for(kind_for("onboarding"), category="own_hall", tier="county")


def test_checking_a_plan_reads_its_holders_once_whatever_its_length(svc, django_assert_num_queries):
    from workflows.engine.plan import check_plan
    from tests.services.conftest import plan_for

    channel = svc.new_channel(unit="ZZ-JS", social=True)
    plan = plan_for("onboarding", channel)
    assert len(plan) >= 4
    check_plan(plan)  # warms the cached post names
    requester = svc.user("zz_manager")
    with django_assert_num_queries(2):  # the steps' units, then every holder of the plan's posts above them
        check_plan(plan, requester=requester)
