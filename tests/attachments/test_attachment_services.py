"""The attachment service and selector called directly: evidence for a process step, names, rollback,
nothing deletable, and the admin that only shows."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.test import Client

from governance.attachments.checks import clean_name
from governance.attachments.selectors import attachments_of
from governance.attachments.services import attachment_add, channel_create_with_documents
from governance.errors import NotAllowed
from governance.models import Attachment, Channel, OrgUnit
from tests.conftest import login

from .conftest import DISGUISED, image_bytes, pdf_bytes, stored_files, upload


def test_exit_evidence_points_at_its_process_step(user, zz_store):
    Channel.objects.filter(pk=zz_store.pk).update(status=Channel.Status.EXITING)
    finance = user("prov_finance")
    with pytest.raises(NotAllowed):  # not an editor of the channel...
        attachment_add(channel=zz_store, user=finance, file=upload("a.pdf", pdf_bytes()), kind="退出凭证")
    attachment = attachment_add(channel=zz_store, user=finance, file=upload("退款凭证.pdf", pdf_bytes()),
                                kind="exit_evidence", process_id=42, step="deposit_refunded")
    assert (attachment.process_id, attachment.step, attachment.acting_post) == (42, "deposit_refunded", "省财务部")
    assert list(attachments_of(channel=zz_store, user=user("zz_manager"))) == [attachment]
    with pytest.raises(NotAllowed):  # ...and read-only posts never upload, evidence or not
        attachment_add(channel=zz_store, user=user("auditor"), file=upload("a.pdf", pdf_bytes()),
                       kind="exit_evidence", process_id=42, step="deposit_refunded")


def test_bad_process_id_is_refused(user, zz_store):
    with pytest.raises(ValidationError) as exc:
        attachment_add(channel=zz_store, user=user("zz_manager"), file=upload("a.pdf", pdf_bytes()),
                       kind="合同", process_id="1; drop", step="x")
    assert "process_id" in exc.value.message_dict


def test_scope_is_checked_by_the_service_and_the_selector(user, zz_store):
    with pytest.raises(Http404):
        attachment_add(channel=zz_store, user=user("ly_manager"), file=upload("a.pdf", pdf_bytes()), kind="合同")
    with pytest.raises(Http404):
        attachments_of(channel=zz_store, user=user("ly_supervisor"))


@pytest.mark.parametrize("name, expected", [
    ("../../etc/pass\x00wd.pdf", "passwd.pdf"),
    ("C:\\Users\\李雷\\营业执照.PDF", "营业执照.pdf"),
    ("invoice\u202egpj.exe", "invoicegpj.pdf"),       # a right-to-left override would hide the real end
    ("a\ufffe\uffffb.pdf", "ab.pdf"),
    ("   .pdf", "附件.pdf"),
    ("", "附件.pdf"),
    ("长" * 300 + ".pdf", "长" * 100 + ".pdf"),
])
def test_names_are_cleaned(name, expected):
    assert clean_name(name, "pdf") == expected


def test_new_channel_with_documents_is_one_transaction(user, demo):
    data = {"node_code": "ZZ-JS-D0001", "name": "附件测试厅", "channel_type": "own_hall",
            "org_unit": OrgUnit.objects.get(code="ZZ-JS"), "address": "测试", "contact_mobile": "13912345678"}
    before_files, before_channels = stored_files(), Channel.objects.count()
    with pytest.raises(ValidationError) as exc:
        channel_create_with_documents(user=user("zz_manager"), data=data, documents={
            "business_licence": upload("执照.pdf", pdf_bytes()), "contract": upload(*DISGUISED["html"])})
    assert list(exc.value.message_dict) == ["contract"]
    assert Channel.objects.count() == before_channels and not Attachment.objects.exists()
    assert stored_files() == before_files  # the licence stored before the contract failed is gone too

    channel = channel_create_with_documents(user=user("zz_manager"), data=data, documents={
        "business_licence": upload("执照.pdf", pdf_bytes()), "contract": None,
        "account_permit": upload("许可证.jpg", image_bytes("JPEG"))})
    assert sorted(channel.attachments.values_list("kind", flat=True)) == ["account_permit", "business_licence"]


def test_attachments_are_never_deleted(user, zz_store):
    attachment = attachment_add(channel=zz_store, user=user("zz_manager"), file=upload("a.pdf", pdf_bytes()),
                                kind="合同")
    assert re.fullmatch(rf"attachments/{zz_store.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    with pytest.raises(ProtectedError):
        Channel.objects.filter(pk=zz_store.pk).delete()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_admin_shows_attachments_but_cannot_add_change_or_delete(user, zz_store):
    attachment = attachment_add(channel=zz_store, user=user("zz_manager"), file=upload("a.pdf", pdf_bytes()),
                                kind="合同")
    admin = login(Client(), "admin")
    base = "/admin/governance/attachment/"
    assert admin.get(base).status_code == 200
    assert admin.get(f"{base}{attachment.pk}/change/").status_code == 200  # view only
    assert admin.get(f"{base}add/").status_code == 403
    assert admin.get(f"{base}{attachment.pk}/delete/").status_code == 403
    response = admin.post(base, {"action": "delete_selected", "_selected_action": [attachment.pk], "post": "yes"})
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert response.status_code in (200, 302)
    admin.post(f"{base}{attachment.pk}/change/", {"kind": "other", "original_name": "x.pdf"})
    attachment.refresh_from_db()
    assert (attachment.kind, attachment.original_name) == ("contract", "a.pdf")
