"""The channel page's timeline: its entry, every request about it and every attachment, newest first, at a
constant number of queries however long the channel's life."""
import re
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.attachments.services import attachment_add
from governance.models import Channel
from tests.conftest import login
from tests.starts import change_start
from workflows.models import ApprovalProcess
from workflows.services import process_start

from tests.services.conftest import svc  # noqa: F401 (the services fixture, used here too)

from tests.attachments.conftest import image_bytes

from .conftest import text

PNG = image_bytes("PNG")



def _suspend_and_reject(svc, channel, n):
    process = process_start(kind="suspension", user=svc.user("zz_manager"),
                            data={"channel": channel.pk, "action": "suspend", "reason": f"第{n}次申请"})
    svc.act("zz_supervisor", process, "reject", comment="不同意")
    return process


def _attach(svc, channel, n):
    upload = SimpleUploadedFile(f"照片{n}.png", PNG, content_type="image/png")
    return attachment_add(channel=channel, user=svc.user("zz_manager"), file=upload, kind="other")


def _timeline_rows(page: str) -> list[str]:
    section = page.split('<section id="timeline">', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1], re.S)]


def test_timeline_shows_onboarding_changes_suspensions_exit_and_attachments_newest_first(svc, pages):
    channel = svc.new_channel()
    onboarding = svc.approve_all(svc.onboard(channel), ["zz_supervisor", "zz_leader", "prov_marketing"])
    svc.act("zz_support", onboarding, boss_code="TL00000001")
    _attach(svc, channel, 1)
    change = change_start(user=svc.user("zz_manager"), channel_id=channel.pk, changes={"name": "时间线改名店"},
                          effective_date=date(2026, 1, 1))
    assert change.state == "in_review"
    svc.act("zz_supervisor", change, "reject", comment="不改")
    _suspend_and_reject(svc, channel, 1)
    process_start(kind="exit", user=svc.user("zz_manager"), data={"channel": channel.pk, "reason": "relocation"})
    rows = _timeline_rows(pages("zz_manager").get(f"/channels/{channel.pk}/").content.decode())
    kinds = [next((k for k in ("渠道退出", "暂停/恢复营业", "核心信息变更", "上传其他", "渠道新增", "录入渠道")
                   if k in row), row) for row in rows]
    assert kinds == ["渠道退出", "暂停/恢复营业", "核心信息变更", "上传其他", "渠道新增", "录入渠道"], rows
    assert "已完成" in rows[4] and "已驳回" in rows[1] and "照片1.png" in rows[3]
    page = pages("zz_manager").get(f"/channels/{channel.pk}/").content.decode()
    for process in ApprovalProcess.objects.filter(subject_id=channel.pk, kind__in=["onboarding", "change"]):
        assert f'href="/processes/{process.pk}/"' in page


def test_timeline_is_in_scope(svc, pages):
    channel = svc.channel("ZZ-JS-0001")
    _suspend_and_reject(svc, channel, 1)
    assert pages("ly_manager").get(f"/channels/{channel.pk}/").status_code == 404
    assert "暂停/恢复营业" in text(pages("auditor").get(f"/channels/{channel.pk}/"))


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_channel_page_queries_do_not_grow_with_its_life(svc):
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    client = login(Client(), "zz_manager")
    url = f"/channels/{channel.pk}/"
    _suspend_and_reject(svc, channel, 0)
    _attach(svc, channel, 0)
    few = _count(client, url)
    for n in range(1, 9):
        _suspend_and_reject(svc, channel, n)
        _attach(svc, channel, n)
    many = _count(client, url)
    assert ApprovalProcess.objects.filter(subject_id=channel.pk, kind="suspension").count() == 9
    assert many == few, (few, many)
    assert len(_timeline_rows(client.get(url).content.decode())) == 9 + 9 + 1
