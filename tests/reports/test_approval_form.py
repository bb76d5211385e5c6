"""The approval form (审批单): a data snapshot on completion, its PDF rendered once on first download (never
inside the completing request), the PDF over the API and in the browser,
its Chinese text and fonts, scope, and the verification page.

One onboarding is driven to completion once per module (its archive is the one PDF rendering the
module shares); tests that need another rendering make at most one.
"""
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from rest_framework.test import APIClient

from reports import documents
from reports.models import ArchivedDocument
from reports.selectors import document_verify, verification_code
from reports.jobs import document_archive
from tests.conftest import login
from workflows.models import ApprovalProcess, ProcessEvent
from governance.models import Post
from workflows.engine.trail import Actor, event_record

from .conftest import APPROVER_POSTS, complete_onboarding, person, start_onboarding

CHANNEL_NAME = "中原万达体验店"
TOFU = {"\ufffd", "\u25a1", "\u25af", "\u2610"}  # replacement char, white squares


@dataclass
class Completed:
    pk: int
    number: str
    code: str
    pdf: bytes


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def completed(django_db_setup, django_db_blocker, tmp_path_factory):
    """A completed onboarding (snapshot at completion, PDF rendered by the first download); rolled back after the module."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=str(media), PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=open("/dev/null", "w"))
            never = mock.patch.object(documents, "html_to_pdf", side_effect=AssertionError("rendered in request"))
            with never, TestCase.captureOnCommitCallbacks(execute=True) as hooks:
                process = complete_onboarding(start_onboarding())
            assert process.state == ApprovalProcess.State.COMPLETED
            assert hooks, "completing a process registers the archive hook"
            archive = ArchivedDocument.objects.get(process=process)
            assert archive.snapshot["number"] == process.number and not archive.sha256
            assert archive.snapshot["verification_code"] == archive.verification_code
            renders = mock.patch.object(documents, "html_to_pdf", wraps=documents.html_to_pdf)
            with renders as spy:
                first = documents.document_pdf_for(process)
                assert documents.document_pdf_for(process) == first
            assert spy.call_count == 1, "the first download renders the form once, later ones read the file"
            archive.refresh_from_db()
            with archive.file.open("rb") as fh:
                pdf = fh.read()
            yield Completed(process.pk, process.number, archive.verification_code, pdf)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_completion_archives_the_form(completed, db):
    import hashlib

    process = ApprovalProcess.objects.get(pk=completed.pk)
    archive = process.archived_document
    assert archive.verification_code == verification_code(process)
    assert len(archive.verification_code) == 19 and archive.verification_code.count("-") == 3
    assert archive.file.name.startswith("documents/") and archive.file.name.endswith(".pdf")
    assert hashlib.sha256(completed.pdf).hexdigest() == archive.sha256
    assert completed.pdf.startswith(b"%PDF")


def test_archiving_again_keeps_the_archive(completed, db, monkeypatch):
    monkeypatch.setattr("reports.documents.snapshot_pdf", lambda s: pytest.fail("re-rendered"))
    before = ArchivedDocument.objects.get(process_id=completed.pk)
    again = document_archive(process_id=completed.pk)
    assert (again.pk, again.file.name, again.sha256) == (before.pk, before.file.name, before.sha256)
    assert ArchivedDocument.objects.filter(process_id=completed.pk).count() == 1


def test_api_returns_the_archived_pdf_even_to_a_json_client(completed, api, monkeypatch):
    monkeypatch.setattr(documents, "approval_form_pdf", lambda p: pytest.fail("archive not used"))
    response = api("zz_manager").get(f"/api/v1/processes/{completed.pk}/document/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{completed.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert response.content == completed.pdf


def test_pdf_text_has_number_title_channel_posts_and_code(completed, tmp_path):
    text = pdf_text(completed.pdf, tmp_path)
    flat = squash(text)
    for expected in [completed.number, "渠道新增审批单", CHANNEL_NAME, *APPROVER_POSTS, completed.code,
                     "本审批单由系统生成", "/documents/verify/"]:
        assert expected in flat, expected
    assert not TOFU & set(text), "replacement or tofu characters in the PDF text"


def test_pdf_embeds_only_noto_sans_cjk(completed, tmp_path):
    fonts = pdf_fonts(completed.pdf, tmp_path)
    assert fonts
    for row in fonts:
        assert "Noto-Sans-CJK-SC" in row[0], row
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, with a ToUnicode map


def test_every_character_of_the_form_has_a_glyph(completed, db):
    """No tofu: every character the template puts on the page is in Noto Sans CJK SC itself."""
    import html
    import re

    from fontTools.ttLib import TTCollection

    out = subprocess.run(["fc-match", "-f", "%{file}", documents.FONT_FAMILY], capture_output=True, text=True)
    collection = TTCollection(out.stdout, lazy=True)
    font = next(f for f in collection.fonts if "CJK SC" in f["name"].getDebugName(1))
    cmap = font.getBestCmap()
    body = documents.approval_form_html(ApprovalProcess.objects.get(pk=completed.pk))
    style = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", body, flags=re.S)))
    text += "".join(re.findall(r'content:\s*"([^"]*)"', style))
    missing = {c for c in text if not c.isspace() and ord(c) not in cmap}
    assert not missing, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]


def test_other_city_and_anonymous_get_no_document(completed, api):
    response = api("ly_manager").get(f"/api/v1/processes/{completed.pk}/document/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert APIClient().get(f"/api/v1/processes/{completed.pk}/document/").status_code == 401


def test_browser_pdf_needs_login_and_scope(completed, demo, client, monkeypatch):
    monkeypatch.setattr(documents, "approval_form_pdf", lambda p: pytest.fail("archive not used"))
    url = f"/processes/{completed.pk}/document.pdf"
    assert client.get(url).status_code == 302
    login(client, "zz_leader")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == completed.pdf
    client.logout()
    login(client, "ly_supervisor")
    assert client.get(url).status_code == 404


def test_verify_page_accepts_the_code_and_rejects_a_wrong_one(completed, demo, client):
    login(client, "zz_supervisor")
    good = client.get("/documents/verify/", {"number": completed.number, "code": completed.code})
    page = good.content.decode()
    assert good.status_code == 200
    assert "校验通过" in page and completed.number in page and CHANNEL_NAME in page and "省市场经营部" in page
    relaxed = client.get("/documents/verify/", {"number": completed.number.lower(),
                                                "code": completed.code.replace("-", " ").lower()})
    assert "校验通过" in relaxed.content.decode()
    wrong = "0000-0000-0000-0000" if completed.code != "0000-0000-0000-0000" else "1111-1111-1111-1111"
    bad = client.get("/documents/verify/", {"number": completed.number, "code": wrong}).content.decode()
    assert "校验失败" in bad and "校验通过" not in bad


def test_verify_page_treats_out_of_scope_like_unknown(completed, demo, client):
    login(client, "ly_manager")
    hidden = client.get("/documents/verify/", {"number": completed.number, "code": completed.code}).content.decode()
    unknown = client.get("/documents/verify/", {"number": "XZ00000000000000", "code": completed.code}).content.decode()
    assert "校验通过" not in hidden and "未找到该审批单" in hidden and "未找到该审批单" in unknown
    assert CHANNEL_NAME not in hidden
    assert client.get("/documents/verify/").status_code == 200  # the empty form
    client.logout()
    assert client.get("/documents/verify/").status_code == 302


def test_a_new_event_outdates_printed_copies(completed, api, tmp_path):
    process = ApprovalProcess.objects.get(pk=completed.pk)
    event_record(process=process, action=ProcessEvent.Action.COPY, actor=Actor(post=Post.objects.get(code="auditor")),
                 comment="补充抄送")
    new_code = verification_code(process)
    assert new_code != completed.code
    old = document_verify(user=person("zz_manager"), number=completed.number, code=completed.code)
    assert old.status == "mismatch"
    assert document_verify(user=person("zz_manager"), number=completed.number, code=new_code).status == "ok"
    fresh = api("zz_manager").get(f"/api/v1/processes/{completed.pk}/document/")  # no longer the archive
    assert fresh.status_code == 200 and fresh.content != completed.pdf
    assert new_code in squash(pdf_text(fresh.content, tmp_path))


def test_in_flight_form_is_marked_and_not_archived(demo, client, tmp_path):
    process = start_onboarding("LY-LL-0003", "ly_manager", comment="在途审批单")
    login(client, "ly_manager")
    response = client.get(f"/processes/{process.pk}/document.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    flat = squash(pdf_text(response.content, tmp_path))
    assert "审批中" in flat and "尚未办结" in flat and process.number in flat
    assert not ArchivedDocument.objects.filter(process=process).exists()


def test_change_form_shows_the_diff_with_changed_rows_marked(demo):
    from django.utils import timezone

    from governance.models import Channel
    from tests.starts import change_start

    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    process = change_start(user=person("zz_manager"), channel_id=channel.pk, effective_date=timezone.localdate(),
                           changes={"bank_account": "6222020200998877665", "star_level": 4})
    body = documents.approval_form_html(process)
    assert "核心信息变更审批单" in body
    assert body.count('<tr class="changed">') == 2
    assert "6222020200112233445" in body and "6222020200998877665" in body


def test_schema_documents_the_pdf(api):
    schema = api("auditor").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/processes/{id}/document/"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]


def test_rejected_form_says_so(demo):
    from .conftest import act

    process = act("ly_supervisor", start_onboarding("LY-LL-0003", "ly_manager"), "reject", comment="资料不全")
    context = documents.approval_form_context(process)
    assert context["watermark"] == "已驳回" and not context["final"]
    assert context["steps"][0]["state_display"] == "已驳回"
    assert [e["action"] for e in context["events"]] == ["提交", "驳回"]
    assert context["events"][1]["comment"] == "资料不全" and context["events"][1]["post"] == "渠道主管"


def test_a_failing_snapshot_never_fails_the_approval(demo, monkeypatch):
    def broken(process):
        raise RuntimeError("模板出错")

    monkeypatch.setattr("reports.jobs.approval_form_snapshot", broken)
    from governance.models import Channel, ChannelType, OrgUnit

    Channel.objects.create(node_code="ZZ-JS-Q9998", name="快照失败测试厅", channel_type=ChannelType.OWN_HALL,
                           org_unit=OrgUnit.objects.get(code="ZZ-JS"), address="测试", contact_mobile="13912345678",
                           created_by=person("zz_manager"))
    process = complete_onboarding(start_onboarding("ZZ-JS-Q9998"), boss_code="ZZ00029998")
    assert process.state == ApprovalProcess.State.COMPLETED
    assert not ArchivedDocument.objects.filter(process=process).exists()  # the download renders it afresh
