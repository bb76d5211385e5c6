"""The outbound pages on a 390 px wide phone: nothing makes the page wider than the screen."""
import os

import pytest
from django.core.management import call_command

from governance.models import OutboundAgent
from governance.outbound_demo import seed_outbound

from .journeys import sign_in
from .test_onboarding_in_browser import page  # noqa: F401 (the Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outbound_pages_fit_390px(page, settings):  # noqa: F811
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    seed_outbound()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "prov_outbound_qa")
    agent = OutboundAgent.objects.get(employee_no="ZZ0002")
    for path in ("/outbound/agents/", "/outbound/agents/?expiring_soon=true", f"/outbound/agents/{agent.pk}/",
                 "/outbound/demands/"):
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.locator("a.on", has_text="外呼").count() == 1
