"""One scoping selector for channels, processes and tasks: own unit and descendants; province sees all."""
import pytest
from django.contrib.auth import get_user_model
from django.http import Http404

from governance.errors import NotAllowed
from governance.models import Channel
from governance.selectors import can_act, get_scoped_or_404, scope_paths, scoped, units_in_scope
from governance.services import channel_update
from workflows import services
from workflows.models import ApprovalProcess
from workflows.selectors import inbox_for_user, processes_for_user, requests_of_user
from tests import starts


def channels_of(svc, username):
    return set(scoped(Channel.objects.all(), svc.user(username)).values_list("node_code", flat=True))


def test_channel_scope_by_unit(svc):
    zz = {"ZZ-JS-0001", "ZZ-JS-0002", "ZZ-ZY-0001", "ZZ-ZY-0002"}
    ly = {"LY-LL-0001", "LY-LL-0002", "LY-LL-0003"}
    for username in ["zz_manager", "zz_supervisor", "zz_leader", "zz_support", "zz_outbound"]:
        assert channels_of(svc, username) == zz
    for username in ["ly_manager", "ly_supervisor", "ly_leader", "ly_support"]:
        assert channels_of(svc, username) == ly
    for username in ["auditor", "prov_marketing", "prov_finance", "admin"]:
        assert channels_of(svc, username) == zz | ly


def test_county_user_sees_only_the_county(svc):
    svc.hold("js_manager", "channel_manager", "ZZ-JS")
    assert channels_of(svc, "js_manager") == {"ZZ-JS-0001", "ZZ-JS-0002"}
    assert {u.code for u in units_in_scope(svc.user("js_manager"))} == {"ZZ-JS"}


def test_user_without_posts_sees_nothing(svc):
    nobody = get_user_model().objects.create_user("nobody")
    assert scope_paths(nobody) == []
    assert not scoped(Channel.objects.all(), nobody).exists()
    assert not can_act(nobody)


def test_get_scoped_or_404(svc):
    zz_channel = svc.channel("ZZ-JS-0001")
    assert get_scoped_or_404(Channel.objects.all(), svc.user("zz_manager"), pk=zz_channel.pk) == zz_channel
    for bad in [zz_channel.pk, "abc", None, 10 ** 9]:
        with pytest.raises(Http404):
            get_scoped_or_404(Channel.objects.all(), svc.user("ly_manager"), pk=bad)


def test_service_refuses_edits_outside_scope_even_if_called_directly(svc):
    with pytest.raises(NotAllowed):
        channel_update(channel=svc.channel("ZZ-JS-0001"), user=svc.user("ly_manager"), data={"staff_count": 1})


def test_process_and_task_scope(svc):
    zz = svc.onboard()
    ly = svc.onboard(svc.channel("LY-LL-0003"), "ly_manager")
    assert set(processes_for_user(user=svc.user("zz_manager"))) == {zz}
    assert set(processes_for_user(user=svc.user("ly_leader"))) == {ly}
    assert set(processes_for_user(user=svc.user("auditor"))) == {zz, ly}
    assert set(processes_for_user(user=svc.user("prov_marketing"))) == {zz, ly}
    assert [t.process_id for t in inbox_for_user(user=svc.user("zz_supervisor"))] == [zz.pk]
    assert [t.process_id for t in inbox_for_user(user=svc.user("ly_supervisor"))] == [ly.pk]
    assert not inbox_for_user(user=svc.user("auditor")).exists()
    assert list(requests_of_user(user=svc.user("zz_manager"))) == [zz]
    with pytest.raises(Http404):
        services.process_get_or_404(user=svc.user("ly_manager"), pk=zz.pk)
    with pytest.raises(Http404):
        services.process_get_or_404(user=svc.user("ly_manager"), pk="x")
    assert services.process_get_or_404(user=svc.user("auditor"), pk=zz.pk) == zz


def test_auditor_reads_but_never_acts(svc):
    auditor = svc.user("auditor")
    assert not can_act(auditor)
    assert can_act(svc.user("zz_manager"))
    process = svc.onboard()
    task = svc.task("zz_supervisor", process)
    with pytest.raises(Http404):
        services.task_act(task_id=task.pk, user=auditor, action="approve")
    with pytest.raises(Http404):
        services.task_claim(task_id=task.pk, user=auditor)
    with pytest.raises(NotAllowed):
        starts.onboarding_start(user=auditor, channel_id=svc.new_channel().pk)
    assert ApprovalProcess.objects.count() == 1


def test_ended_assignment_removes_scope(svc):
    svc.end_assignment("zz_manager")
    assert channels_of(svc, "zz_manager") == set()
