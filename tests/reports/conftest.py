"""Driving channel processes through the services, for the approval-form tests."""
from django.contrib.auth import get_user_model

from governance.models import Channel
from workflows import services
from workflows.selectors import inbox_for_user
from tests import starts

APPROVERS = ["zz_supervisor", "zz_leader", "prov_marketing"]  # the 报批 route of a flagship store
APPROVER_POSTS = ["渠道主管", "分管领导", "省市场经营部", "分公司业务支援中心"]
DRAFT_ZZ = "ZZ-ZY-0002"  # 中原万达体验店, a draft in 中原区


def person(username):
    return get_user_model().objects.get(username=username)


def act(username, process, action="approve", comment="", **data):
    user = person(username)
    task = inbox_for_user(user=user).filter(process_id=process.pk).first()
    assert task is not None, f"{username} has no task for {process.number} ({process.state})"
    return services.task_act(task_id=task.pk, user=user, action=action, comment=comment, data=data)


def start_onboarding(node_code=DRAFT_ZZ, username="zz_manager", comment="新开体验店,请审批。"):
    channel = Channel.objects.get(node_code=node_code)
    return starts.onboarding_start(user=person(username), channel_id=channel.pk, comment=comment)


def complete_onboarding(process, boss_code="ZZ00029999"):
    for username in APPROVERS:
        process = act(username, process, comment=f"{person(username).first_name}同意")
    return act("zz_support", process, boss_code=boss_code)
