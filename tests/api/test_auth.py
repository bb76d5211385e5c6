"""Token login, /me/, the OpenAPI schema and its browsable view."""
from rest_framework.test import APIClient

from tests.api.conftest import is_chinese
from tests.conftest import PASSWORD


def test_token_with_good_password_authenticates(demo):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "zz_manager", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "zz_manager"


def test_token_with_bad_password_is_a_chinese_400(demo):
    response = APIClient().post("/api/v1/auth/token/", {"username": "zz_manager", "password": "wrong"},
                                format="json")
    assert response.status_code == 400
    body = response.json()
    assert "token" not in body
    assert is_chinese(body["detail"])
    assert body["errors"]


def test_unknown_user_gets_the_same_400(demo):
    response = APIClient().post("/api/v1/auth/token/", {"username": "nobody", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert is_chinese(response.json()["detail"])


def test_api_needs_a_token(demo):
    client = APIClient()
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/api/v1/channels/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_me_lists_unit_and_posts(api):
    body = api("zz_supervisor").get("/api/v1/me/").json()
    assert body["username"] == "zz_supervisor"
    assert body["is_superuser"] is False
    assert body["org_unit"]["code"] == "ZZ"
    assert [(p["code"], p["name"], p["org_unit"]["code"]) for p in body["posts"]] == [
        ("channel_supervisor", "渠道主管", "ZZ")]


def test_me_for_province_auditor(api):
    body = api("auditor").get("/api/v1/me/").json()
    assert body["org_unit"]["code"] == "HA"
    assert [p["code"] for p in body["posts"]] == ["auditor"]


def test_schema_and_docs(api):
    client = api("auditor")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/processes/{kind}/" in text
    assert "/api/v1/tasks/{id}/{action}/" in text
    # exit reasons are listed as an enum
    for code in ("contract_end", "violation", "poor_performance", "relocation", "operator_request"):
        assert code in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    script = client.get("/api/docs/", {"script": ""})  # Swagger UI's set-up, a script of its own (CSP)
    assert script.status_code == 200
    assert b"/api/schema/" in script.content
