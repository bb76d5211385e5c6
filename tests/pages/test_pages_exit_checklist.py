"""The exit checklist on the pages: the last estimate beside 酬金已结清, amount and date, a blocked flag that
stops confirmation with a Chinese message, evidence uploads; constant queries however much evidence."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commission.selectors import channel_last_estimate
from governance.models import Attachment, Channel
from tests.attachments.conftest import pdf_bytes
from workflows.models import ApprovalProcess

from .conftest import text


def _closing(pages):
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    response = pages("zz_manager").post(f"/processes/new/exit/{channel.pk}/", {"reason": "contract_end"})
    assert response.status_code == 302
    process = ApprovalProcess.objects.get(pk=int(response["Location"].split("/")[2]))
    for user in ("zz_supervisor", "zz_leader", "prov_marketing"):
        pages.act(user, process.number)
    return channel, process, pages.task_id("zz_support", process.number)


def _evidence(pages, task_id, n=1):
    upload = SimpleUploadedFile(f"结算单{n}.pdf", pdf_bytes(), content_type="application/pdf")
    return pages("zz_support").post(f"/tasks/{task_id}/evidence/", {"file": upload})


def test_commission_item_shows_the_estimate_and_records_amount_and_date(pages):
    channel, process, task_id = _closing(pages)
    page = pages("zz_support").get(f"/tasks/{task_id}/").content.decode()
    month, amount = channel_last_estimate(channel=Channel.objects.select_related("org_unit").get(pk=channel.pk))
    assert f"该渠道最近一次酬金试算:{month:%Y-%m},{amount:,.2f} 元" in page
    for label in ('<label for="id_amount">结清酬金(元)</label>', '<label for="id_date">结清日期</label>',
                  '<label for="ck-reason">受阻原因</label>', '<label for="ck-file">凭证文件</label>'):
        assert label in page, label
    response = pages("zz_support").post(f"/tasks/{task_id}/", {"action": "approve", "amount": "-5"})
    assert response.status_code == 400 and "金额不能为负数" in text(response)
    pages.act("zz_support", process.number, amount="880.00", date="2026-11-20")
    page = text(pages("zz_manager").get(f"/processes/{process.pk}/"))
    assert "880.00" in page and "2026-11-20" in page and "已确认" in page


def test_blocked_item_is_refused_with_a_message_until_cleared(pages):
    channel, process, task_id = _closing(pages)
    response = pages("zz_support").post(f"/tasks/{task_id}/checklist/", {"blocked": "on"})
    assert response.status_code == 400 and "标记受阻时请填写受阻原因" in text(response)
    response = pages("zz_support").post(f"/tasks/{task_id}/checklist/",
                                        {"blocked": "on", "blocked_reason": "尚有酬金争议"})
    assert response.status_code == 302
    page = text(pages("zz_support").get(f"/tasks/{task_id}/"))
    assert "本清单项已标记受阻:尚有酬金争议" in page
    response = pages("zz_support").post(f"/tasks/{task_id}/", {"action": "approve"})
    assert response.status_code == 400 and "解除受阻后才能确认完成" in text(response)
    assert pages.task_id("zz_support", process.number) == task_id
    assert pages("zz_support").post(f"/tasks/{task_id}/checklist/", {}).status_code == 302
    pages.act("zz_support", process.number)
    events = list(process.events.values_list("action", flat=True))
    assert events[-3:] == ["block", "unblock", "check"]


def test_evidence_upload_from_the_task_page(pages):
    channel, process, task_id = _closing(pages)
    assert _evidence(pages, task_id).status_code == 302
    bad = pages("zz_support").post(f"/tasks/{task_id}/evidence/",
                                   {"file": SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 50)})
    assert bad.status_code == 400 and "PDF" in text(bad)
    assert pages("ly_support").post(f"/tasks/{task_id}/evidence/", {}).status_code == 404
    attachment = Attachment.objects.get(process_id=process.pk)
    assert (attachment.step, attachment.kind) == ("酬金已结清", "exit_evidence")
    assert "结算单1.pdf" in text(pages("zz_manager").get(f"/processes/{process.pk}/"))
    assert "结算单1.pdf" in text(pages("zz_manager").get(f"/channels/{channel.pk}/"))


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_task_page_queries_do_not_grow_with_evidence(pages):
    channel, process, task_id = _closing(pages)
    _evidence(pages, task_id, 0)
    url = f"/tasks/{task_id}/"
    few = _count(pages("zz_support"), url)
    for n in range(1, 7):
        _evidence(pages, task_id, n)
    assert _count(pages("zz_support"), url) == few
