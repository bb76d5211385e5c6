"""The exit checklist's items: amount and date, evidence files, a blocked flag that stops confirmation, and the
channel's last commission estimate beside 酬金已结清."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commission.selectors import channel_last_estimate
from governance.models import Attachment, Channel
from reports.documents import approval_form_html
from tests.api.conftest import error_messages, is_chinese
from tests.attachments.conftest import image_bytes, pdf_bytes
from workflows.models import ApprovalProcess

APPROVERS = ["zz_supervisor", "zz_leader", "prov_marketing"]


def store():
    return Channel.objects.get(node_code="ZZ-JS-0002")  # social: commission, deposit, terminals, BOSS items


@pytest.fixture
def closing(drive):
    """An exit of the social store, approved, at its first item (酬金已结清, 分公司业务支援中心)."""
    pid = drive.start("exit", channel=store().pk, reason="contract_end")["id"]
    for username in APPROVERS:
        drive.act(username, pid)
    return pid


def _record(drive, username, pid, expect=200, **body):
    task = drive.task(username, pid)
    response = drive(username).post(f"/api/v1/tasks/{task['id']}/checklist/", body, format="json")
    assert response.status_code == expect, (response.status_code, response.json())
    return response


def _upload(drive, username, task_id, name="结算单.pdf", content=None):
    upload = SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")
    return drive(username).post(f"/api/v1/tasks/{task_id}/evidence/", {"file": upload}, format="multipart")


def test_items_record_amount_and_date_when_confirmed(drive, closing):
    detail = drive.act("zz_support", closing, amount="1234.50", date="2026-11-20", comment="已结清")
    item = detail["checklist"][0]
    assert (item["item"], item["done"], item["amount"], item["date"]) == ("commission_settled", True, "1234.50",
                                                                         "2026-11-20")
    assert detail["history"][-1]["comment"] == "已结清;金额(元) 1234.50;日期 2026-11-20"
    drive.act("prov_finance", closing, amount="20000", date="2026-11-21")
    detail = drive.act("zz_manager", closing, date="2026-11-22", amount="99")  # no amount for terminals
    assert [(i["amount"], i["date"]) for i in detail["checklist"][:3]] == [
        ("1234.50", "2026-11-20"), ("20000.00", "2026-11-21"), (None, "2026-11-22")]


@pytest.mark.parametrize("amount", ["abc", "-1", "1.234", "1e30"])
def test_a_bad_amount_is_refused_and_nothing_changes(drive, closing, amount):
    drive.act("zz_support", closing, expect=400, amount=amount)
    assert drive.task("zz_support", closing) is not None
    _record(drive, "zz_support", closing, expect=400, amount=amount)
    assert drive.process(closing)["checklist"][0]["amount"] is None


def test_a_blocked_item_cannot_be_confirmed_until_cleared(drive, closing):
    response = _record(drive, "zz_support", closing, expect=400, blocked=True)
    assert is_chinese(error_messages(response, "blocked_reason")[0])
    detail = _record(drive, "zz_support", closing, blocked=True, blocked_reason="渠道尚欠10月酬金差额", amount="300")
    item = detail.json()["checklist"][0]
    assert (item["blocked"], item["blocked_reason"], item["amount"]) == (True, "渠道尚欠10月酬金差额", "300.00")
    assert detail.json()["history"][-1]["action"] == "block"

    refused = drive.act("zz_support", closing, expect=400)
    assert "受阻" in refused["errors"]["blocked"][0] and "渠道尚欠10月酬金差额" in refused["detail"]
    assert drive.process(closing)["checklist"][0]["done"] is False
    assert drive.task("zz_support", closing) is not None

    cleared = _record(drive, "zz_support", closing, blocked=False).json()
    assert cleared["checklist"][0]["blocked"] is False and cleared["history"][-1]["action"] == "unblock"
    assert drive.act("zz_support", closing)["checklist"][0]["done"] is True


def test_only_who_holds_the_open_item_records_it(drive, closing):
    task = drive.task("zz_support", closing)
    for username in ("prov_finance", "ly_support", "auditor"):
        response = drive(username).post(f"/api/v1/tasks/{task['id']}/checklist/", {"amount": "1"}, format="json")
        assert response.status_code == 404, username
        assert _upload(drive, username, task["id"]).status_code == 404
    assert drive.process(closing)["checklist"][0]["amount"] is None


def test_evidence_is_kept_with_its_item_and_survives_a_cancel(drive, closing):
    task = drive.task("zz_support", closing)
    response = _upload(drive, "zz_support", task["id"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["process_id"], body["step"]) == ("exit_evidence", closing, "酬金已结清")
    response = _upload(drive, "zz_support", task["id"], "假.pdf", b"MZ" + b"\x00" * 100)
    assert response.status_code == 400 and is_chinese(error_messages(response, "file")[0])
    detail = drive.process(closing)
    assert [e["name"] for e in detail["checklist"][0]["evidence"]] == ["结算单.pdf"]
    assert detail["history"][-1]["action"] == "evidence"

    response = drive("zz_manager").post(f"/api/v1/processes/{closing}/cancel/", {"comment": "重新发起"}, format="json")
    assert response.status_code == 200, response.json()
    kept = Attachment.objects.get(pk=body["id"])
    assert kept.process_id == closing and kept.file.storage.exists(kept.file.name)
    listed = drive("zz_manager").get(f"/api/v1/channels/{store().pk}/attachments/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert body["id"] in [a["id"] for a in rows]


def test_commission_item_shows_the_last_estimate(drive, closing):
    channel = Channel.objects.select_related("org_unit").get(pk=store().pk)
    month, amount = channel_last_estimate(channel=channel)
    assert amount > Decimal("0")
    item = drive.process(closing)["checklist"][0]
    assert item["last_estimate"] == {"month": f"{month:%Y-%m}", "amount": f"{amount:,.2f}"}
    assert all(i["last_estimate"] is None for i in drive.process(closing)["checklist"][1:])


def test_the_approval_form_holds_amounts_evidence_and_the_estimate(drive, closing):
    task = drive.task("zz_support", closing)
    assert _upload(drive, "zz_support", task["id"], "回执.png", image_bytes("PNG")).status_code == 201
    drive.act("zz_support", closing, amount="456.70", date="2026-11-20")
    response = drive("zz_manager").get(f"/api/v1/processes/{closing}/document/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    channel = Channel.objects.select_related("org_unit").get(pk=store().pk)
    month, amount = channel_last_estimate(channel=channel)
    html = approval_form_html(ApprovalProcess.objects.get(pk=closing))
    assert f"最近酬金试算:{month:%Y-%m},{amount:,.2f} 元" in html
    assert "456.70" in html and "2026-11-20" in html and "1 份" in html


def test_a_done_item_cannot_be_recorded_or_given_evidence_any_more(drive, closing):
    task = drive.task("zz_support", closing)
    drive.act("zz_support", closing, amount="10")
    response = drive("zz_support").post(f"/api/v1/tasks/{task['id']}/checklist/", {"amount": "99"}, format="json")
    assert response.status_code == 409 and is_chinese(response.json()["detail"])
    assert _upload(drive, "zz_support", task["id"]).status_code == 409
    assert drive.process(closing)["checklist"][0]["amount"] == "10.00"
    assert not Attachment.objects.filter(process_id=closing).exists()


def test_an_approval_step_is_not_a_checklist_item(drive):
    pid = drive.start("exit", channel=store().pk, reason="contract_end")["id"]
    task = drive.task("zz_supervisor", pid)
    response = drive("zz_supervisor").post(f"/api/v1/tasks/{task['id']}/checklist/", {"amount": "1"}, format="json")
    assert response.status_code == 400 and "不是退出清单项" in response.json()["detail"]


@pytest.mark.parametrize("body", [[1, 2], "text", {"blocked": "maybe"}, {"date": "2026-13-40"}])
def test_odd_bodies_are_refused_in_chinese(drive, closing, body):
    task = drive.task("zz_support", closing)
    response = drive("zz_support").post(f"/api/v1/tasks/{task['id']}/checklist/", body, format="json")
    assert response.status_code == 400 and is_chinese(response.json()["detail"]), response.json()
    item = drive.process(closing)["checklist"][0]
    assert (item["blocked"], item["amount"], item["date"]) == (False, None, None)
