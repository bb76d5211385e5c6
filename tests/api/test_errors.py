"""Every API answer, even for a path that does not exist, is JSON in the one error shape."""


def test_unknown_api_path_is_json_404(api):
    for path in ["/api/v1/nothing/", "/api/v1/channels/123456789012345678901234/"]:
        response = api("zz_manager").get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "接口或对象不存在。", "errors": {}}


def test_process_filter_does_not_reveal_channels_outside_scope(api):
    zz_channel = api("zz_manager").get("/api/v1/channels/").json()["results"][0]["id"]
    for channel in [zz_channel, 987654]:
        response = api("ly_manager").get(f"/api/v1/processes/?channel={channel}")
        assert response.status_code == 200 and response.json()["count"] == 0


def test_credit_code_is_stored_in_capitals(api):
    from governance.models import OrgUnit
    from governance.validators import credit_code_check_char

    code = "91410100MA44Q0001"
    code += credit_code_check_char(code)
    response = api("zz_manager").post("/api/v1/channels/", {
        "name": "小写代码店", "channel_type": "agent_point", "org_unit": OrgUnit.objects.get(code="ZZ-JS").pk,
        "node_code": "ZZ-JS-0777", "address": "金水路", "contact_mobile": "13912345678",
        "operator_company": "小写商贸", "credit_code": code.lower(), "bank_name": "中国银行",
        "bank_account": "6013000000001"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == code
