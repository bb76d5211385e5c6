"""Where two rules meet: a second post, a claimed task after a move, a requester on their own request,
a transfer's receiving unit. Each of these held a hole before the engine was reshaped."""
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from governance.models import PostAssignment
from tests import starts
from workflows import services
from workflows.models import ProcessEvent


@pytest.fixture
def dual(svc):
    """One person holding 渠道主管 and 分管领导 of ZZ."""
    svc.hold("zz_dual", "channel_supervisor", "ZZ")
    svc.hold("zz_dual", "branch_leader", "ZZ")
    return svc.user("zz_dual")


def test_a_person_with_two_posts_signs_only_one_step_of_a_request(svc, dual):
    process = svc.onboard()
    process = svc.act("zz_dual", process)  # as 渠道主管
    assert process.current_post.code == "branch_leader"
    assert svc.task("zz_dual", process) is None  # not offered the next step
    task = svc.task("zz_leader", process)
    with pytest.raises(Http404):
        services.task_act(task_id=task.pk, user=svc.user("zz_dual"), action="approve")
    with pytest.raises(Http404):
        services.task_claim(task_id=task.pk, user=svc.user("zz_dual"))
    process = svc.act("zz_leader", process)
    assert list(process.events.filter(signs=True).values_list("actor__username", "post_code")) == [
        ("zz_dual", "channel_supervisor"), ("zz_leader", "branch_leader")]


def test_with_no_other_holder_the_step_moves_up_a_tier_and_the_trail_says_so(svc, dual):
    svc.end_assignment("zz_leader")
    svc.hold("prov_leader", "branch_leader", "HA")
    process = svc.act("zz_dual", svc.onboard())
    assert (process.current_post.code, process.current_unit.code) == ("branch_leader", "HA")
    note = process.events.get(action=ProcessEvent.Action.ESCALATE)
    assert "不相容" in note.comment and note.org_unit.code == "HA"
    assert svc.task("zz_dual", process) is None
    process = svc.act("prov_leader", process)
    assert process.current_post.code == "province_marketing"


def test_a_requester_holding_the_reviewing_post_is_never_offered_their_own_request(svc):
    svc.hold("zz_supervisor2", "channel_supervisor", "ZZ")
    process = starts.onboarding_start(user=svc.user("zz_supervisor"), channel_id=svc.new_channel().pk)
    assert svc.task("zz_supervisor", process) is None
    task = svc.task("zz_supervisor2", process)
    for call in (services.task_claim, lambda **kw: services.task_act(action="approve", **kw)):
        with pytest.raises(Http404):
            call(task_id=task.pk, user=svc.user("zz_supervisor"))
    assert process.events.count() == 1


def test_a_claimed_task_of_someone_who_left_the_post_cannot_be_acted_on_and_returns_to_the_queue(svc):
    svc.hold("zz_supervisor2", "channel_supervisor", "ZZ")
    process = svc.onboard()
    task = svc.task("zz_supervisor", process)
    services.task_claim(task_id=task.pk, user=svc.user("zz_supervisor"))
    assert svc.task("zz_supervisor2", process) is None  # claimed by a colleague
    PostAssignment.objects.filter(user__username="zz_supervisor").update(
        valid_to=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Http404):  # owning it counts only while the post is held
        services.task_act(task_id=task.pk, user=svc.user("zz_supervisor"), action="approve")
    services.tasks_requeue_vacant()
    release = process.events.get(action=ProcessEvent.Action.RELEASE)
    assert release.actor is None and "已不再担任" in release.comment
    process = svc.act("zz_supervisor2", process)
    approve = process.events.get(action="approve")
    assert (approve.actor.username, approve.post, approve.post_code) == ("zz_supervisor2", "渠道主管",
                                                                         "channel_supervisor")


def _transfer(svc):
    return starts.change_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0002").pk,
                               changes={"org_unit": "LY-LL"}, effective_date=timezone.localdate())


def test_the_receiving_unit_reads_only_the_request_and_only_while_it_is_open(svc, api):
    process = _transfer(svc)
    channel = svc.channel("ZZ-JS-0002")
    secrets = (channel.bank_account, channel.credit_code)
    client = api("ly_manager")
    detail = client.get(f"/api/v1/processes/{process.pk}/")
    assert detail.status_code == 200
    assert [row["field"] for row in detail.json()["changes"]] == ["org_unit"]
    assert not any(secret in detail.content.decode() for secret in secrets)
    assert client.get(f"/api/v1/channels/{channel.pk}/").status_code == 404
    # the requesting side still reads the whole request
    own = api("zz_manager").get(f"/api/v1/processes/{process.pk}/").json()
    assert len(own["changes"]) > 1 and channel.bank_account in str(own["changes"])
    services.process_withdraw(process=process, user=svc.user("zz_manager"))
    assert client.get(f"/api/v1/processes/{process.pk}/").status_code == 404
    assert client.get(f"/api/v1/processes/{process.pk}/document/").status_code == 404


def test_the_receiving_unit_page_shows_no_live_channel_record(svc):
    from django.test import Client

    from tests.conftest import login

    process = _transfer(svc)
    channel = svc.channel("ZZ-JS-0002")
    page = login(Client(), "ly_leader").get(f"/processes/{process.pk}/")
    assert page.status_code == 200
    assert channel.bank_account not in page.content.decode() and channel.credit_code not in page.content.decode()
    # a later change of the channel's live bank account does not show through the request either
    assert "渠道信息" not in page.content.decode()
