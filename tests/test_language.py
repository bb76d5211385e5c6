"""Chinese by default whatever the browser asks for; English only when chosen."""


def test_chinese_even_for_an_english_browser(client, demo):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_english_when_chosen(client, demo):
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert "Username" in client.get("/admin/login/").content.decode()


def test_api_errors_are_chinese_for_an_english_client(client, demo):
    response = client.post("/api/v1/auth/token/", {"username": "zz_manager", "password": "wrong"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "无法" in response.json()["detail"]
