"""A person in Chromium: the supervisor logs in, finds the request in 我的待办 and approves it."""
import os

import pytest
from django.core.management import call_command

from governance.models import Channel
from workflows import services
from workflows.models import ApprovalProcess
from tests import starts

from .journeys import chromium_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server):
    with chromium_page(live_server) as page:  # 提交/驳回/退回 ask for confirmation first: accepted
        yield page


def test_supervisor_approves_from_the_inbox(page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    from django.contrib.auth.models import User

    channel = Channel.objects.get(node_code="ZZ-ZY-0002")
    process = starts.onboarding_start(user=User.objects.get(username="zz_manager"), channel_id=channel.pk)

    sign_in(page, "zz_supervisor")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    row = page.locator("tr", has_text=process.number)
    assert "待签收" in row.inner_text()
    row.locator("a", has_text="处理").click()
    page.fill("textarea[name=comment]", "资料齐全,同意。")
    page.click("button[name=action][value=approve]")
    page.wait_for_load_state()

    assert page.locator("tr", has_text=process.number).count() == 0  # gone from 我的待办
    process = ApprovalProcess.objects.get(pk=process.pk)
    assert process.current_post.code == "branch_leader"
    assert process.events.filter(action="approve", actor__username="zz_supervisor",
                                 comment="资料齐全,同意。").exists()

    sign_in(page, "ly_supervisor")
    response = page.goto(f"{page.base_url}/processes/{process.pk}/")
    assert response.status == 404
