"""Attachments over the API: upload, list, download; checked by content and size; the channel's scope."""
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from governance.models import Attachment, Channel
from tests.api.conftest import error_messages, is_chinese

from .conftest import DISGUISED, MB, image_bytes, pdf_bytes, pdf_of_size, stored_files, upload
from tests.conftest import login


def post(client, channel, file, kind="营业执照"):
    return client.post(f"/api/v1/channels/{channel.pk}/attachments/", {"file": file, "kind": kind},
                       format="multipart")


def download(client, attachment_id):
    return client.get(f"/api/v1/attachments/{attachment_id}/file/")


@pytest.mark.parametrize("name, content, content_type, extension", [
    ("营业执照.pdf", pdf_bytes(), "application/pdf", "pdf"),
    ("门头照.jpg", image_bytes("JPEG"), "image/jpeg", "jpg"),
    ("开户许可证.png", image_bytes("PNG"), "image/png", "png"),
])
def test_upload_list_and_download(api, zz_store, name, content, content_type, extension):
    client = api("zz_manager")
    response = post(client, zz_store, upload(name, content, "application/octet-stream"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == content_type  # from the content, not from what the client said
    assert body["size"] == len(content) and body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["kind"], body["kind_display"]) == ("business_licence", "营业执照")
    assert body["original_name"] == name and body["uploaded_by"] == "zz_manager"
    assert body["acting_post"] == "渠道经理" and body["channel"] == zz_store.pk

    listed = client.get(f"/api/v1/channels/{zz_store.pk}/attachments/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]

    file = download(api("auditor"), body["id"])  # whoever sees the channel may download
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == content
    assert file["Content-Type"] == content_type
    assert file["Content-Disposition"].startswith("attachment;")
    assert file["X-Content-Type-Options"] == "nosniff"
    stored = Attachment.objects.get(pk=body["id"]).file.name
    assert stored.startswith(f"attachments/{zz_store.pk}/") and stored.endswith(f".{extension}")
    assert name.split(".")[0] not in stored  # the stored name carries no user text


@pytest.mark.parametrize("kind, code", [("合同", "contract"), ("开户许可证", "account_permit"),
                                        ("other", "other"), ("退出凭证", "exit_evidence")])
def test_kind_by_label_or_code(api, zz_store, kind, code):
    response = post(api("zz_manager"), zz_store, upload("a.pdf", pdf_bytes()), kind=kind)
    assert response.status_code == 201 and response.json()["kind"] == code


@pytest.mark.parametrize("case", sorted(DISGUISED))
def test_a_disguised_file_is_refused(api, zz_store, case):
    name, content = DISGUISED[case]
    before = stored_files()
    response = post(api("zz_manager"), zz_store, upload(name, content))
    assert response.status_code == 400, response.json()
    message = error_messages(response, "file")[0]
    assert is_chinese(message) and response.json()["detail"] == message
    assert not Attachment.objects.exists() and stored_files() == before


def test_the_name_follows_the_content(api, zz_store):
    response = post(api("zz_manager"), zz_store, upload("../../照片.pdf", image_bytes("PNG"), "application/pdf"))
    assert response.status_code == 201
    assert (response.json()["original_name"], response.json()["content_type"]) == ("照片.png", "image/png")


@pytest.mark.parametrize("body, field", [
    ({"kind": "营业执照"}, "file"), ({"file": "not a file", "kind": "合同"}, "file"),
    ({"kind": "身份证"}, "kind"), ({}, "kind"),
])
def test_missing_or_bad_fields(api, zz_store, body, field):
    if field == "kind" and body:
        body["file"] = upload("a.pdf", pdf_bytes())
    response = api("zz_manager").post(f"/api/v1/channels/{zz_store.pk}/attachments/", body, format="multipart")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, field)[0])
    assert not Attachment.objects.exists()


def test_empty_file_and_json_body(api, zz_store):
    client = api("zz_manager")
    assert post(client, zz_store, upload("a.pdf", b"")).status_code == 400
    response = client.post(f"/api/v1/channels/{zz_store.pk}/attachments/", {"kind": "合同"}, format="json")
    assert response.status_code == 415 and is_chinese(response.json()["detail"])


def test_ten_megabytes_is_the_limit(api, zz_store):
    client = api("zz_manager")
    assert post(client, zz_store, upload("max.pdf", pdf_of_size(10 * MB))).status_code == 201
    response = post(client, zz_store, upload("big.pdf", pdf_of_size(10 * MB + 1)))
    assert response.status_code == 400
    assert "10 MB" in error_messages(response, "file")[0]
    assert Attachment.objects.count() == 1


def test_a_body_too_large_for_any_allowed_file_is_refused_unread(api, zz_store):
    response = post(api("zz_manager"), zz_store, upload("huge.pdf", pdf_of_size(12 * MB)))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "10 MB" in response.json()["detail"] and "10 MB" in error_messages(response, "file")[0]
    assert not Attachment.objects.exists()


def test_a_form_field_beyond_djangos_upload_limit_is_json_too(api, zz_store, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * MB
    response = post(api("zz_manager"), zz_store, upload("a.pdf", pdf_bytes()), kind="合" * MB)
    assert response.status_code == 413 and is_chinese(response.json()["detail"])
    assert not Attachment.objects.exists()


def test_the_size_check_also_holds_for_session_clients(client, demo, zz_store):
    """With a session, DRF's CSRF check would read the body first: the size is checked before that."""
    session = login(APIClient(enforce_csrf_checks=True), "zz_manager")
    response = post(session, zz_store, upload("huge.pdf", pdf_of_size(12 * MB)))
    assert response.status_code == 413 and is_chinese(response.json()["detail"])


def test_luoyang_user_gets_404_for_a_zhengzhou_attachment(api, zz_store):
    created = post(api("zz_manager"), zz_store, upload("a.pdf", pdf_bytes())).json()
    ly = api("ly_manager")
    assert ly.get(f"/api/v1/channels/{zz_store.pk}/attachments/").status_code == 404
    assert post(ly, zz_store, upload("b.pdf", pdf_bytes())).status_code == 404
    response = download(ly, created["id"])
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert is_chinese(response.json()["detail"])
    assert Attachment.objects.count() == 1
    for url in ("/api/v1/attachments/999999/file/", "/api/v1/channels/999999/attachments/"):
        assert ly.get(url).status_code == 404


@pytest.mark.parametrize("username", ["auditor", "zz_leader", "prov_finance", "prov_marketing"])
def test_only_the_channels_editors_upload(api, zz_store, username):
    client = api(username)
    assert client.get(f"/api/v1/channels/{zz_store.pk}/attachments/").status_code == 200
    response = post(client, zz_store, upload("a.pdf", pdf_bytes()))
    assert response.status_code == 403 and is_chinese(response.json()["detail"])
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("username", ["zz_supervisor", "zz_support", "admin"])
def test_editors_upload(api, zz_store, username):
    assert post(api(username), zz_store, upload("a.pdf", pdf_bytes())).status_code == 201


def test_exiting_and_closed_channels(api, zz_store):
    Channel.objects.filter(pk=zz_store.pk).update(status=Channel.Status.EXITING)
    assert post(api("zz_support"), zz_store, upload("a.pdf", pdf_bytes())).status_code == 403
    assert post(api("zz_manager"), zz_store, upload("a.pdf", pdf_bytes()), "退出凭证").status_code == 201
    Channel.objects.filter(pk=zz_store.pk).update(status=Channel.Status.CLOSED)
    response = post(api("zz_manager"), zz_store, upload("b.pdf", pdf_bytes()))
    assert response.status_code == 403 and "已关闭" in response.json()["detail"]
    assert api("zz_manager").get(f"/api/v1/channels/{zz_store.pk}/attachments/").json()["count"] == 1


def test_nothing_can_be_changed_or_deleted(api, zz_store):
    client = api("admin")
    created = post(client, zz_store, upload("a.pdf", pdf_bytes())).json()
    for url in (f"/api/v1/channels/{zz_store.pk}/attachments/", f"/api/v1/attachments/{created['id']}/file/"):
        for method in ("delete", "put", "patch"):
            assert getattr(client, method)(url).status_code == 405, (method, url)
    assert client.delete(f"/api/v1/attachments/{created['id']}/").status_code == 404  # no such resource
    assert Attachment.objects.filter(pk=created["id"]).exists()


def test_attachments_stay_when_the_request_is_withdrawn(drive):
    channel = drive.create_channel(social=True)
    drive("zz_manager").post(f"/api/v1/channels/{channel['id']}/attachments/",
                             {"file": upload("合同.pdf", pdf_bytes()), "kind": "合同"}, format="multipart")
    process = drive.start("onboarding", channel=channel["id"])
    withdrawn = drive("zz_manager").post(f"/api/v1/processes/{process['id']}/withdraw/", {"comment": "撤回"},
                                         format="json")
    assert withdrawn.status_code == 200, withdrawn.json()
    listed = drive("zz_manager").get(f"/api/v1/channels/{channel['id']}/attachments/").json()
    assert listed["count"] == 1
    assert download(drive("zz_manager"), listed["results"][0]["id"]).status_code == 200


def _list_queries(client, channel):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/v1/channels/{channel.pk}/attachments/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


def test_list_queries_do_not_grow_with_rows(api, zz_store):
    client = api("zz_supervisor")
    for i in range(2):
        post(client, zz_store, upload(f"{i}.pdf", pdf_bytes()))
    _list_queries(client, zz_store)
    few, count_few = _list_queries(client, zz_store)
    for i in range(28):
        post(api("zz_manager") if i % 2 else client, zz_store, upload(f"{i}.png", image_bytes("PNG")), "其他")
    many, count_many = _list_queries(client, zz_store)
    assert (count_few, count_many) == (2, 30)
    assert many == few


def test_schema_documents_the_answers(api):
    schema = api("auditor").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    upload_op = schema["paths"]["/api/v1/channels/{id}/attachments/"]["post"]
    assert {"201", "400", "403", "404", "413"} <= set(upload_op["responses"])
    assert "multipart/form-data" in upload_op["requestBody"]["content"]
    file_op = schema["paths"]["/api/v1/attachments/{id}/file/"]["get"]
    assert {"application/pdf", "image/jpeg", "image/png"} <= set(file_op["responses"]["200"]["content"])
    assert "404" in file_op["responses"]
