"""Attachments on the pages: the section on the channel page, upload and download, the new-channel form."""
import re

import pytest
from lxml import html

from governance.models import Attachment, Channel
from tests.pages.conftest import channel_data, text

from .conftest import DISGUISED, MB, image_bytes, pdf_bytes, pdf_of_size, upload


def section(response):
    return html.fromstring(response.content.decode()).xpath('//section[@id="attachments"]')[0]


def test_upload_and_download_from_the_channel_page(pages, zz_store):
    client = pages("zz_manager")
    page = section(client.get(f"/channels/{zz_store.pk}/"))
    assert "暂无附件" in page.text_content()
    form = page.xpath(".//form")[0]
    assert form.get("enctype") == "multipart/form-data"
    for name in ("kind", "file"):
        field = form.xpath(f'.//*[@name="{name}"]')[0]
        assert form.xpath(f'.//label[@for="{field.get("id")}"]'), name

    response = client.post(f"/channels/{zz_store.pk}/attachments/",
                           {"kind": "contract", "file": upload("合同扫描件.jpg", image_bytes("JPEG"))})
    assert response.status_code == 302 and response["Location"].endswith("#attachments")
    page = section(client.get(f"/channels/{zz_store.pk}/"))
    link = page.xpath(".//a[@download]")[0]
    assert link.text_content() == "合同扫描件.jpg" and "合同" in page.text_content()
    file = pages("auditor").get(link.get("href"))
    assert file.status_code == 200 and file["Content-Type"] == "image/jpeg"
    assert b"".join(file.streaming_content) == image_bytes("JPEG")


def test_a_refused_file_is_explained_beside_the_field(pages, zz_store):
    name, content = DISGUISED["exe"]
    response = pages("zz_manager").post(f"/channels/{zz_store.pk}/attachments/",
                                        {"kind": "business_licence", "file": upload(name, content)})
    assert response.status_code == 400
    box = section(response).xpath('.//*[@name="file"]/ancestor::div[contains(@class, "field")][1]')[0]
    assert "只能上传PDF、JPG或PNG文件" in box.text_content()
    assert not Attachment.objects.exists()


def test_too_large_on_the_page(pages, zz_store):
    client = pages("zz_manager")
    response = client.post(f"/channels/{zz_store.pk}/attachments/",
                           {"kind": "contract", "file": upload("big.pdf", pdf_of_size(10 * MB + 1))})
    assert response.status_code == 400 and "不能超过10 MB" in text(response)
    response = client.post(f"/channels/{zz_store.pk}/attachments/",
                           {"kind": "contract", "file": upload("huge.pdf", pdf_of_size(12 * MB))})
    assert response.status_code == 413 and "超过10 MB" in text(response)
    assert not Attachment.objects.exists()


def test_readers_see_the_list_without_the_upload_form(pages, zz_store):
    pages("zz_manager").post(f"/channels/{zz_store.pk}/attachments/",
                             {"kind": "other", "file": upload("a.pdf", pdf_bytes())})
    for username in ("auditor", "zz_leader"):
        page = section(pages(username).get(f"/channels/{zz_store.pk}/"))
        assert page.xpath(".//a[@download]") and not page.xpath(".//form"), username
        response = pages(username).post(f"/channels/{zz_store.pk}/attachments/",
                                        {"kind": "other", "file": upload("b.pdf", pdf_bytes())})
        assert response.status_code == 403 and "无权" in text(response)
    assert Attachment.objects.count() == 1


def test_luoyang_user_gets_404(pages, zz_store):
    pages("zz_manager").post(f"/channels/{zz_store.pk}/attachments/",
                             {"kind": "other", "file": upload("a.pdf", pdf_bytes())})
    attachment = Attachment.objects.get()
    ly = pages("ly_manager")
    assert ly.get(f"/attachments/{attachment.pk}/file/").status_code == 404
    assert ly.post(f"/channels/{zz_store.pk}/attachments/",
                   {"kind": "other", "file": upload("b.pdf", pdf_bytes())}).status_code == 404
    assert Attachment.objects.count() == 1
    assert pages("zz_manager").delete(f"/attachments/{attachment.pk}/file/").status_code == 405


def test_new_channel_with_its_three_documents(pages):
    files = {"business_licence": upload("执照.pdf", pdf_bytes()),
             "contract": upload("合同.png", image_bytes("PNG")),
             "account_permit": upload("许可证.jpg", image_bytes("JPEG"))}
    response = pages("zz_manager").post("/channels/new/", {**channel_data(n=41), **files})
    assert response.status_code == 302, text(response)[:2000]
    channel = Channel.objects.get(pk=int(re.search(r"/channels/(\d+)/", response["Location"]).group(1)))
    assert sorted(channel.attachments.values_list("kind", "original_name")) == [
        ("account_permit", "许可证.jpg"), ("business_licence", "执照.pdf"), ("contract", "合同.png")]


def test_new_channel_with_a_bad_document_creates_nothing(pages):
    before = Channel.objects.count()
    response = pages("zz_manager").post("/channels/new/", {
        **channel_data(n=42), "business_licence": upload("执照.pdf", pdf_bytes()),
        "contract": upload(*DISGUISED["html"])})
    assert response.status_code == 400
    page = html.fromstring(response.content.decode())
    box = page.xpath('//*[@name="contract"]/ancestor::div[contains(@class, "field")][1]')[0]
    assert "只能上传PDF、JPG或PNG文件" in box.text_content()
    assert Channel.objects.count() == before and not Attachment.objects.exists()


@pytest.mark.parametrize("missing", [True, False])
def test_new_channel_documents_are_optional(pages, missing):
    data = channel_data(n=43 if missing else 44)
    if not missing:
        data["business_licence"] = upload("执照.pdf", pdf_bytes())
    assert pages("zz_manager").post("/channels/new/", data).status_code == 302
    assert Attachment.objects.count() == (0 if missing else 1)
