"""不相容岗位分离: whoever submits a request does not approve it, even when they hold the reviewing post."""
import pytest
from django.http import Http404

from governance.errors import NotAllowed
from governance.models import Post, PostAssignment
from workflows import services
from tests import starts


@pytest.fixture
def second_supervisor(svc):
    colleague = svc.user("zz_leader")
    PostAssignment.objects.create(user=colleague, post=Post.objects.get(code="channel_supervisor"),
                                  org_unit=svc.unit("ZZ"))
    return colleague


def test_requester_neither_sees_claims_nor_acts_on_own_request_but_a_colleague_can(svc, second_supervisor):
    # the manager enters the channel (a supervisor may not); the supervisor submits it and is the requester
    process = svc.onboard(svc.new_channel("zz_manager"), username="zz_supervisor")
    supervisor = svc.user("zz_supervisor")
    assert svc.task("zz_supervisor", process) is None
    task = svc.task("zz_leader", process)  # the colleague holding 渠道主管 too
    assert services.task_actions(task, process, supervisor) == []
    for operation in (services.task_claim, lambda **kw: services.task_act(action="approve", **kw)):
        with pytest.raises(Http404):
            operation(task_id=task.pk, user=supervisor)
    assert process.events.filter(action="approve").count() == 0

    process = services.task_act(task_id=task.pk, user=svc.user("zz_leader"), action="approve")
    assert process.current_post.code == "branch_leader"


def test_requester_still_confirms_checklist_items_of_their_post(svc):
    channel = svc.new_channel()
    process = svc.onboard(channel)
    for username in ["zz_supervisor", "zz_leader", "prov_marketing"]:
        process = svc.act(username, process)
    process = svc.act("zz_support", process, boss_code="ZZSOD0001")
    exit_process = starts.exit_start(user=svc.user("zz_manager"), channel_id=channel.pk, reason="relocation")
    for username in ["zz_supervisor", "zz_leader", "prov_marketing"]:
        exit_process = svc.act(username, exit_process)
    exit_process = svc.act("zz_manager", exit_process)  # 终端及库存已回收, the requester's own post
    assert exit_process.current_post.code == "city_support"
