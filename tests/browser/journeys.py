"""Shared steps of the browser journeys: a Chromium page that accepts confirmations, signing in, screenshots,
and moving a request on through the services where a journey is not about that step."""
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from workflows.models import ApprovalProcess
from workflows.selectors import inbox_for_user
from workflows.services import task_act

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
# A test run leaves the tree as it was; UPDATE_SCREENSHOTS=1 refreshes the ones the README links to.
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "channels-shots"
LAPTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
PEOPLE = ["zz_supervisor", "zz_leader", "prov_marketing", "prov_finance", "zz_support", "prov_support",
          "zz_manager", "ly_leader"]


@contextmanager
def chromium_page(live_server, **options):
    """A Chromium page (zh-CN) on the live server; confirmations are accepted and kept in `page.confirmations`."""
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}: run scripts/setup.sh (Debian's chromium)"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(locale="zh-CN", **options)
        page.base_url = live_server.url
        page.confirmations = []
        page.on("dialog", lambda dialog: (page.confirmations.append(dialog.message), dialog.accept()))
        yield page
        browser.close()


@pytest.fixture
def browser_page(live_server, settings):
    """A signed-out Chromium page at laptop size, over the seeded demo world."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with chromium_page(live_server, viewport=LAPTOP, accept_downloads=True) as page:
        yield page


def sign_in(page, username):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-pass-2026")
    page.click("button:has-text('登录')")
    page.wait_for_load_state()


def go(page, path):
    response = page.goto(f"{page.base_url}{path}")
    assert response.status < 400, (path, response.status)
    return response


def shot(page, journey: str, n: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{journey}-{n}.png"))


def person(username):
    return get_user_model().objects.get(username=username)


def open_task_in_inbox(page, number):
    """From 待办, the row of the request, its 处理 button."""
    go(page, "/")
    row = page.locator("tr", has_text=number)
    assert row.count() == 1, page.inner_text("main")
    row.locator("a", has_text="处理").click()
    page.wait_for_load_state()


def approve_in_page(page, comment, **fields):
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.fill("textarea[name=comment]", comment)
    page.click("button[name=action][value=approve]")
    page.wait_for_load_state()


def holder(process):
    """Who among the demo people may take the request's open task now, and the task."""
    for username in PEOPLE:
        task = inbox_for_user(user=person(username)).filter(process_id=process.pk).first()
        if task is not None:
            return username, task
    return None, None


def approve_through(process, *, until_post=None, data=None, limit=12):
    """Approve each step with the services (not what the journey is about) until `until_post` holds it."""
    for _ in range(limit):
        process = ApprovalProcess.objects.get(pk=process.pk)
        if not process.is_open or (until_post and process.current_post and process.current_post.code == until_post):
            return process
        username, task = holder(process)
        assert task is not None, f"nobody holds {process.number} at {process.current_post}"
        task_act(task_id=task.pk, user=person(username), action="approve", comment="同意", data=data or {})
    return ApprovalProcess.objects.get(pk=process.pk)
