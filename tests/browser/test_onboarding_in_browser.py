"""A person in Chromium: the supervisor logs in, finds the request in 我的待办 and approves it."""
import os

import pytest
from django.core.management import call_command

from governance.models import Channel
from workflows import services
from workflows.models import ApprovalProcess
from tests import starts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def page(live_server):
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}: run scripts/setup.sh (Debian's chromium)"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(locale="zh-CN")
        page.base_url = live_server.url
        page.on("dialog", lambda dialog: dialog.accept())  # 提交/驳回/退回 ask for confirmation first
        yield page
        browser.close()


def sign_in(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-pass-2026")
    page.click("button:has-text('登录')")


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
