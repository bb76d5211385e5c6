from django.test import Client

from .conftest import text


def test_login_page_is_chinese(demo):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    for word in ("用户名", "密码", "登录"):
        assert word in body


def test_wrong_password_gives_chinese_error(demo):
    response = Client().post("/accounts/login/", {"username": "zz_manager", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in text(response)


def test_pages_need_login(demo):
    client = Client()
    for url in ("/", "/requests/", "/channels/", "/channels/new/", "/flows/", "/channels/1/", "/tasks/1/",
                "/processes/1/", "/processes/1/chart.svg", "/processes/new/change/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url


def test_login_then_logout_by_post(demo):
    client = Client()
    response = client.post("/accounts/login/", {"username": "zz_manager", "password": "demo-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "郑州渠道经理" in text(home) and "渠道经理" in text(home) and "退出" in text(home)
    assert "管理后台" not in text(home)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_admin_link_only_for_staff(pages):
    assert "管理后台" in text(pages("admin").get("/"))
