"""Logins: an account is locked after repeated failures on the API, the login page and the admin alike;
an address is throttled on its failures; passwords are validated; tokens expire and die with a password
change; the admin never shows a token's key."""
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.conftest import is_chinese
from tests.conftest import PASSWORD, login
from tests.pages.conftest import text

TOKEN = "/api/v1/auth/token/"


def api_login(username, password=PASSWORD, address="10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(TOKEN, {"username": username, "password": password}, format="json")


def page_login(path, username, password=PASSWORD, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})


def fail(settings, attempt):
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(f"wrong-{i}")


def test_api_locks_after_repeated_failures_and_the_right_password_does_not_open(demo, settings):
    fail(settings, lambda pw: api_login("zz_manager", pw))
    response = api_login("zz_manager")
    assert response.status_code == 429
    assert set(response.json()) == {"detail", "errors"} and "锁定" in response.json()["detail"]
    assert "token" not in response.json()
    assert api_login("zz_supervisor").status_code == 200  # other accounts are not affected


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_login_page_and_admin_lock_too(demo, settings, path):
    fail(settings, lambda pw: page_login(path, "admin", pw, address=f"10.0.1.{len(pw)}"))
    response = page_login(path, "admin")
    assert response.status_code == 429 and "锁定" in text(response)
    assert "_auth_user_id" not in Client().session  # nobody logged in


def test_lock_is_shared_by_api_and_pages(demo, settings):
    fail(settings, lambda pw: page_login("/accounts/login/", "zz_leader", pw))
    assert api_login("zz_leader").status_code == 429


def test_lock_ends_after_the_cool_off(demo, settings):
    fail(settings, lambda pw: api_login("zz_manager", pw))
    assert api_login("zz_manager").status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert api_login("zz_manager").status_code == 200


def test_a_success_resets_the_count(demo, settings):
    for _ in range(2):  # twice the limit in failures, a success in between: never locked
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            assert api_login("zz_manager", f"wrong-{i}").status_code == 400
        assert api_login("zz_manager").status_code == 200


def test_an_address_spraying_many_accounts_is_throttled(demo, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    users = ["zz_manager", "zz_supervisor", "zz_leader", "ly_manager", "ly_supervisor", "ly_leader"]
    for username in users:  # one wrong password each: no account reaches its own lockout
        assert api_login(username, "spray-2026", address="10.9.9.9").status_code == 400
    response = api_login("auditor", address="10.9.9.9")
    assert response.status_code == 429 and response.json()["detail"] == "登录尝试过于频繁,请稍后再试。"
    assert page_login("/accounts/login/", "auditor", address="10.9.9.9").status_code == 429
    assert api_login("auditor", address="10.9.9.10").status_code == 200  # another address is not held back


def test_password_validators_refuse_a_weak_password(demo):
    client = login(Client(), "zz_manager")
    for weak in ["1", "12345678901", "password123", "zz_manager1"]:
        response = client.post("/accounts/password_change/", {
            "old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
        assert response.status_code == 200, weak  # the form again, with its message
    assert get_user_model().objects.get(username="zz_manager").check_password(PASSWORD)


def test_token_expires_with_a_json_401(api, settings):
    client = api("zz_manager")
    assert client.get("/api/v1/me/").status_code == 200
    later = timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS, minutes=1)
    with time_machine.travel(later):
        response = client.get("/api/v1/me/")
        assert response.status_code == 401
        assert response.json() == {"detail": "登录凭证(令牌)已过期,请重新获取令牌。", "errors": {}}
        fresh = api_login("zz_manager")
        assert fresh.status_code == 200
        client.credentials(HTTP_AUTHORIZATION=f"Token {fresh.json()['token']}")
        assert client.get("/api/v1/me/").status_code == 200


def test_same_token_while_it_lives(demo):
    assert api_login("zz_manager").json()["token"] == api_login("zz_manager").json()["token"]


def test_password_change_revokes_the_token(api, user):
    client = api("zz_support")
    assert client.get("/api/v1/me/").status_code == 200
    person = user("zz_support")
    person.set_password("another-long-pass-2026")
    person.save()
    assert not Token.objects.filter(user=person).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_unrelated_save_keeps_the_token(api, user):
    client = api("zz_support")
    person = user("zz_support")
    person.first_name = "改名"
    person.save()
    assert client.get("/api/v1/me/").status_code == 200


def test_admin_never_shows_token_keys(api, user):
    key = api_login("zz_manager").json()["token"]
    admin = login(Client(), "admin")
    listing = admin.get("/admin/governance/apitoken/")
    assert listing.status_code == 200 and "zz_manager" in text(listing)
    assert key not in listing.content.decode()
    detail = admin.get(f"/admin/governance/apitoken/{user('zz_manager').pk}/change/")
    assert detail.status_code == 200 and key not in detail.content.decode()
    assert admin.get("/admin/governance/apitoken/add/").status_code == 403
    assert admin.get("/admin/authtoken/tokenproxy/").status_code == 404  # DRF's own listing is gone
    delete = admin.get(f"/admin/governance/apitoken/{user('zz_manager').pk}/delete/")
    assert delete.status_code == 200 and key not in delete.content.decode()


def test_token_endpoint_messages_are_chinese(demo):
    response = api_login("zz_manager", "wrong")
    assert response.status_code == 400 and is_chinese(response.json()["detail"])
