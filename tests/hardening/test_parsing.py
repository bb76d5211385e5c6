"""Bodies the parsers cannot take: deep nesting and oversized bodies are a 400 in the API's JSON shape on
every JSON endpoint (the token endpoint included); and a 500, when one happens, is logged."""
import io
import logging
from unittest import mock

import pytest
from rest_framework.test import APIClient

from config.inbound import MAX_JSON_DEPTH
from governance.api import MeView
from tests.api.conftest import is_chinese

NESTED = "[" * 1000 + "]" * 1000
JSON_ENDPOINTS = ["/api/v1/auth/token/", "/api/v1/channels/", "/api/v1/processes/onboarding/",
                  "/api/v1/exports/"]


def _is_json_400(response):
    body = response.json()
    return response.status_code == 400 and set(body) == {"detail", "errors"} and is_chinese(body["detail"])


@pytest.mark.parametrize("path", JSON_ENDPOINTS)
def test_deeply_nested_json_is_a_json_400(api, path):
    client = api("zz_manager")
    assert _is_json_400(client.post(path, NESTED, content_type="application/json"))
    assert _is_json_400(APIClient().post(path, NESTED, content_type="application/json"))


def test_nesting_limit(api):
    client = api("zz_manager")

    def nested(depth):
        return '{"report": "channels", "filters": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    assert _is_json_400(client.post("/api/v1/exports/", nested(MAX_JSON_DEPTH + 1), content_type="application/json"))
    response = client.post("/api/v1/exports/", nested(MAX_JSON_DEPTH), content_type="application/json")
    assert response.status_code == 400 and "filters" in response.json()["errors"]  # the serializer's own answer


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_oversized_body_is_a_json_400(api, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"name": "' + "x" * 2000 + '"}' if content_type == "application/json" else "name=" + "x" * 2000
    response = api("zz_manager").post("/api/v1/channels/", body, content_type=content_type)
    assert _is_json_400(response)
    assert "过大" in response.json()["detail"]


def test_oversized_form_on_a_page_is_the_chinese_400_page(pages, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = pages("zz_manager").post("/channels/new/", {"name": "x" * 2000})
    assert response.status_code == 400 and "请求体过大" in response.content.decode()


def _our_stream_handlers():
    """The handlers a django.request error reaches, pytest's own capture left out."""
    logger, found = logging.getLogger("django.request"), []
    while logger:
        found += [h for h in logger.handlers if type(h) is logging.StreamHandler]
        logger = logger.parent if logger.propagate else None
    return found


def test_a_500_is_logged_with_its_traceback(api, monkeypatch):
    stream = io.StringIO()
    handlers = _our_stream_handlers()
    assert handlers, "no handler records django.request errors"
    for handler in handlers:
        monkeypatch.setattr(handler, "stream", stream)
    client = api("zz_manager")
    client.raise_request_exception = False
    with mock.patch.object(MeView, "get", side_effect=RuntimeError("强制的故障")):
        response = client.get("/api/v1/me/")
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误,已记录,请稍后重试。", "errors": {}}
    logged = stream.getvalue()
    assert "/api/v1/me/" in logged and "Traceback" in logged and "强制的故障" in logged


def test_logger_exception_in_the_apps_is_logged(monkeypatch):
    stream = io.StringIO()
    for handler in [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]:
        monkeypatch.setattr(handler, "stream", stream)
    try:
        raise ValueError("导出故障")
    except ValueError:
        logging.getLogger("reports.services").exception("导出失败:#%s", 7)
    assert "导出失败:#7" in stream.getvalue() and "导出故障" in stream.getvalue()
