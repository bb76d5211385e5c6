"""Chinese whatever the browser asks for: the app is Chinese-only, with no language switch."""
from tests.conftest import login


def test_chinese_even_for_an_english_browser(client, demo):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_no_language_switch(client, demo):
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"}).status_code == 404
    client.cookies["django_language"] = "en"
    assert "用户名" in client.get("/admin/login/").content.decode()
    page = login(client, "zz_manager").get("/").content.decode()
    assert "我的待办" in page and 'name="language"' not in page


def test_api_errors_are_chinese_for_an_english_client(client, demo):
    response = client.post("/api/v1/auth/token/", {"username": "zz_manager", "password": "wrong"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "无法" in response.json()["detail"]
