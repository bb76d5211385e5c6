"""Issue 12's eight journeys in Chromium, each taking screenshots of its key pages (to docs/screenshots/ with
UPDATE_SCREENSHOTS=1)."""
import re

import pytest
from django.utils import timezone

from governance.models import Attachment, Channel
from tests import starts
from tests.pages.conftest import channel_data
from workflows.models import ApprovalProcess, ProcessEvent

from .journeys import (LAPTOP, PHONE, approve_in_page, approve_through, browser_page, go, holder,  # noqa: F401
                       open_task_in_inbox, person, shot, sign_in)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _fill(page, data: dict) -> None:
    """Fill a form by field names, whatever the widget (text, select, radio); tolerant of extra fields."""
    for name, value in data.items():
        field = page.locator(f"[name={name}]")
        if field.count() == 0:
            continue
        kind = field.first.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind.startswith("SELECT"):
            field.first.select_option(str(value))
        elif kind.endswith(":radio"):
            page.check(f"[name={name}][value='{value}']")
        else:
            field.first.fill(str(value))


def test_1_manager_creates_and_submits_a_channel_with_an_attachment(browser_page, tmp_path):  # noqa: F811
    page = browser_page
    sign_in(page, "zz_manager")
    go(page, "/channels/new/")
    tops = {round(link.bounding_box()["y"]) for link in page.locator("nav.nav a").all()}
    assert len(tops) == 1, tops  # the whole navigation on one line on a 1366 px laptop
    shot(page, "1-create", 1)
    data = channel_data(n=901)
    _fill(page, data)
    page.click("main button[type=submit]:has-text('保存')")
    page.wait_for_load_state()
    assert re.search(r"/channels/\d+/$", page.url), page.inner_text("main")[:2000]
    channel = Channel.objects.get(node_code=data["node_code"])
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    page.select_option("#attachments select[name=kind]", label="营业执照")
    page.set_input_files("#attachments input[name=file]", str(licence))
    page.click("#attachments button:has-text('上传附件')")
    page.wait_for_load_state()
    assert Attachment.objects.filter(channel=channel, kind="business_licence").exists()
    shot(page, "1-create", 2)
    page.click("button:has-text('提交新增审批')")
    page.wait_for_load_state()
    assert any("确定" in m for m in page.confirmations)  # 提交 asks first
    process = ApprovalProcess.objects.get(kind="onboarding", subject_id=channel.pk)
    assert process.state == "in_review" and process.number in page.inner_text("main")
    shot(page, "1-create", 3)


def test_2_each_approver_approves_in_turn_from_the_inbox(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-ZY-0002")
    process = starts.onboarding_start(user=person("zz_manager"), channel_id=channel.pk)
    for n, username in enumerate(["zz_supervisor", "zz_leader", "prov_marketing"], start=1):
        sign_in(page, username)
        assert page.locator("nav.nav a", has_text="待办").locator(".count").count() == 1  # the red count
        open_task_in_inbox(page, process.number)
        shot(page, "2-approvals", n)
        approve_in_page(page, f"{username} 同意")
        assert page.locator("tr", has_text=process.number).count() == 0  # gone from 待办
        assert ProcessEvent.objects.filter(process=process, actor__username=username, action="approve").exists()
    go(page, "/done/")
    assert process.number in page.inner_text("main")
    shot(page, "2-approvals", 4)
    assert ApprovalProcess.objects.get(pk=process.pk).current_post.code == "city_support"


def test_3_support_centre_enters_the_boss_code(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-ZY-0002")
    process = approve_through(starts.onboarding_start(user=person("zz_manager"), channel_id=channel.pk),
                              until_post="city_support")
    sign_in(page, "zz_support")
    open_task_in_inbox(page, process.number)
    page.fill("[name=boss_code]", "bad code!")
    page.fill("textarea[name=comment]", "已录入BOSS")
    page.click("button[name=action][value=approve]")
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1  # refused beside the field, nothing changed
    shot(page, "3-boss-code", 1)
    approve_in_page(page, "已录入BOSS", boss_code="ZZBOSS2026901")
    process = approve_through(process)
    channel.refresh_from_db()
    assert channel.boss_code == "ZZBOSS2026901" and channel.status == "active", process.state
    go(page, f"/channels/{channel.pk}/")
    shot(page, "3-boss-code", 2)


def test_4_a_change_returned_corrected_and_applied(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    process = starts.change_start(user=person("zz_manager"), channel_id=channel.pk, changes={"name": "错字专营店"},
                                  effective_date=timezone.localdate(), comment="更名")
    sign_in(page, "zz_supervisor")
    open_task_in_inbox(page, process.number)
    page.fill("textarea[name=comment]", "店名有错字,请更正")
    page.click("button[name=action][value=return]")
    page.wait_for_load_state()
    assert ApprovalProcess.objects.get(pk=process.pk).state == "returned"
    sign_in(page, "zz_manager")
    go(page, "/")
    row = page.locator("tr", has_text=process.number)
    assert "已退回" in row.inner_text() and "已签收" not in row.inner_text()
    shot(page, "4-change-returned", 1)
    row.locator("a", has_text="处理").click()
    page.wait_for_load_state()
    assert "店名有错字,请更正" in page.inner_text(".note")  # the reason stands above the correction
    page.fill("[name=name]", "更正后专营店")
    shot(page, "4-change-returned", 2)
    page.fill("textarea[name=comment]", "已更正店名")
    page.click("button[name=action][value=approve]")
    page.wait_for_load_state()
    approve_through(process)
    channel.refresh_from_db()
    assert channel.name == "更正后专营店"
    go(page, f"/processes/{process.pk}/")
    shot(page, "4-change-returned", 3)


def test_5_an_exit_with_its_checklist(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    sign_in(page, "zz_manager")
    go(page, f"/processes/new/exit/{channel.pk}/")
    page.select_option("[name=reason]", "contract_end")
    page.fill("[name=comment]", "合同到期不再续约")
    shot(page, "5-exit", 1)
    page.click("button:has-text('提交退出审批')")
    page.wait_for_load_state()
    process = ApprovalProcess.objects.get(kind="exit", subject_id=channel.pk)
    process = approve_through(process, until_post="city_support")
    for n in range(2, 12):  # each checklist item confirmed by its post on its page, optional fields left empty
        process = ApprovalProcess.objects.get(pk=process.pk)
        if not process.is_open:
            break
        username, _ = holder(process)
        sign_in(page, username)
        open_task_in_inbox(page, process.number)
        if n == 2:
            shot(page, "5-exit", 2)
            page.set_viewport_size(PHONE)  # the checklist task (records, evidence, trail) fits a phone too
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            page.set_viewport_size(LAPTOP)
        approve_in_page(page, "已完成")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CLOSED
    go(page, f"/processes/{process.pk}/")
    shot(page, "5-exit", 3)


def test_6_a_withdrawal(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-ZY-0002")
    process = starts.onboarding_start(user=person("zz_manager"), channel_id=channel.pk)
    sign_in(page, "zz_manager")
    go(page, "/requests/")
    shot(page, "6-withdraw", 1)
    row = page.locator("tr", has_text=process.number)
    row.locator("input[name=comment]").fill("信息录入有误,撤回重填")
    row.locator("button:has-text('撤回')").click()
    page.wait_for_load_state()
    assert any("撤回" in m for m in page.confirmations)
    process = ApprovalProcess.objects.get(pk=process.pk)
    assert process.state == "withdrawn" and process.events.latest("id").comment == "信息录入有误,撤回重填"
    go(page, f"/processes/{process.pk}/")
    shot(page, "6-withdraw", 2)


def test_7_auditor_searches_downloads_a_form_and_exports(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-ZY-0002")
    process = approve_through(starts.onboarding_start(user=person("zz_manager"), channel_id=channel.pk),
                              data={"boss_code": "ZZBOSS2026902"})
    assert process.state == "completed", process.state
    sign_in(page, "auditor")
    assert page.locator("nav.nav a", has_text="新增渠道").count() == 0
    go(page, "/processes/")
    page.select_option("[name=kind]", "onboarding")
    page.select_option("[name=state]", "completed")
    page.click("main button:has-text('查询')")
    page.wait_for_load_state()
    shot(page, "7-auditor", 1)
    page.locator("tr", has_text=process.number).locator("a").first.click()
    page.wait_for_load_state()
    shot(page, "7-auditor", 2)
    with page.expect_download() as download:
        page.click("a:has-text('下载审批单')")
    assert download.value.suggested_filename.endswith(".pdf")
    go(page, "/exports/new/?report=processes")
    page.select_option("[name=kind]", "onboarding")
    page.click("main button:has-text('导出Excel')")
    page.wait_for_load_state()
    shot(page, "7-auditor", 3)
    with page.expect_download() as export:
        page.locator("a", has_text="下载").first.click()
    assert export.value.suggested_filename.endswith(".xlsx")


def test_8_the_phone_width_inbox(browser_page):  # noqa: F811
    page = browser_page
    channel = Channel.objects.get(node_code="ZZ-ZY-0002")
    process = starts.onboarding_start(user=person("zz_manager"), channel_id=channel.pk)
    page.set_viewport_size(PHONE)
    sign_in(page, "zz_supervisor")
    go(page, "/")
    shot(page, "8-phone-inbox", 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for link in page.locator("nav.nav a").all():  # one line each: the nav scrolls sideways, never one character a line
        box = link.bounding_box()
        assert box["height"] < 40 and box["width"] > 30, (link.inner_text(), box)
    inbox = page.locator("nav.nav a", has_text="待办").bounding_box()
    assert 0 <= inbox["x"] and inbox["x"] + inbox["width"] <= PHONE["width"]
    button = page.locator("tr", has_text=process.number).locator("a", has_text="处理")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
    button.click()
    page.wait_for_load_state()
    assert re.search(r"/tasks/\d+/$", page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "8-phone-inbox", 2)
    approve_in_page(page, "手机上审批,同意")
    assert ApprovalProcess.objects.get(pk=process.pk).current_post.code == "branch_leader"
    for path in (f"/processes/{process.pk}/", "/done/", "/copies/", "/processes/", "/opinions/", "/channels/",
                 f"/channels/{channel.pk}/"):  # no page wider than the phone
        go(page, path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
