"""Characters outside XML 1.0 (U+FFFE, U+FFFF, control characters, lone surrogates) are refused on the way
in, by the API, the pages and the query strings alike (config.inbound), with a Chinese message; nothing
changes."""
import json

import pytest
from django.test import Client

from governance.models import Channel
from governance.validators_text import NOT_XML_CHAR, validate_xml_text, xml_safe
from tests.api.conftest import is_chinese
from workflows.models import ApprovalProcess
from tests.pages.conftest import channel_data, text
from tests.conftest import processes_of

BAD = ["\ufffe", "\uffff", "\x01", "\x0b", "\ud800"]


@pytest.mark.parametrize("char", BAD)
def test_the_validator_refuses_and_the_stripper_removes(char):
    with pytest.raises(Exception):
        validate_xml_text(f"正常{char}文字")
    assert xml_safe(f"正常{char}文字") == "正常文字"
    validate_xml_text("制表\t换行\n回车\r中文😀\ue000\ufffd")  # all XML 1.0 characters


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\x01"])
def test_api_create_refuses_and_creates_nothing(drive, char):
    before = Channel.objects.count()
    body = drive.channel_body(name=f"坏字符{char}渠道")
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert is_chinese(payload["detail"]) and list(payload["errors"]) == ["name"]
    assert Channel.objects.count() == before


def test_api_refuses_escaped_characters_in_nested_values_and_keys(drive):
    channel = drive.create_channel()
    client = drive("zz_manager")
    raw = json.dumps({"channel": channel["id"], "changes": {"address": "金水路\uffff号"},
                      "effective_date": "2026-01-01"})  # sent as the escape \uffff
    assert "\\uffff" in raw
    response = client.post("/api/v1/processes/change/", raw, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["changes.address"]
    response = client.patch(f"/api/v1/channels/{channel['id']}/", json.dumps({"opening_hours\ufffe": "9-18"}),
                            content_type="application/json")
    assert response.status_code == 400 and "non_field_errors" in response.json()["errors"]


def test_api_refuses_them_in_query_strings(api):
    response = api("zz_manager").get("/api/v1/channels/", {"q": "店\ufffe"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"q": [response.json()["detail"]]}


def test_page_form_refuses_and_creates_nothing(pages):
    before = Channel.objects.count()
    response = pages("zz_manager").post("/channels/new/", channel_data(n=91, address="金水路\uffff号"))
    assert response.status_code == 400
    assert "不允许的字符" in text(response) and "address" in text(response)
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response
    assert Channel.objects.count() == before


def test_page_form_of_another_app_is_covered_too(pages):
    channel = pages.create_channel(n=92)
    response = pages("zz_manager").post(f"/processes/new/onboarding/{channel}/", {"comment": "请审批\x07"})
    assert response.status_code == 400
    assert not processes_of(channel).exists()
    assert Channel.objects.get(pk=channel).status == Channel.Status.DRAFT


def test_login_page_is_covered(demo):
    response = Client().post("/accounts/login/", {"username": "zz\ufffe", "password": "x"})
    assert response.status_code == 400 and "不允许的字符" in text(response)


def test_good_text_passes(drive):
    channel = drive.create_channel(name="制表\t符与表情😀的渠道")
    assert not NOT_XML_CHAR.search(channel["name"])
