"""The daily lists (issue 12): 待办 with its columns, tabs, filters and sorting; 已办; 抄送我的 with mark-read;
流程查询 for the province and auditors; 常用意见. Scoped (absent outside scope), Chinese, constant queries."""
from governance.models import Notification, OrgUnit
from tests.api.conftest import drive  # noqa: F401 (fixture)
from tests.starts import onboarding_start
from workflows.models import ApprovalProcess, CopyNotice, StockOpinion
from workflows.services import task_act

from .conftest import text
from .test_pages_queries import _channels, _count


def _started(user, count, start):
    return [onboarding_start(user=user, channel_id=pk) for pk in _channels(user, count, start)]


def _approve_all(user, processes):
    from workflows.selectors import inbox_for_user

    tasks = {t.process_id: t.pk for t in inbox_for_user(user=user)}
    for process in processes:
        task_act(task_id=tasks[process.pk], user=user, action="approve", comment="同意")


def test_inbox_shows_unit_requester_time_in_step_and_a_state_true_badge(drive, pages):  # noqa: F811
    returned = drive.submit_new()["id"]
    drive.act("zz_supervisor", returned, "return", comment="照片不清晰")
    waiting = drive.submit_new()["id"]
    page = text(pages("zz_manager").get("/"))
    for column in ("申请单位", "申请人", "停留时间", "金水区"):
        assert column in page, column
    number = ApprovalProcess.objects.get(pk=returned).number
    row = page.split(number, 1)[1][:200]
    assert "已退回" in row and "已签收" not in row
    supervisor = pages("zz_supervisor")
    assert 'class="count">' in supervisor.get("/").content.decode()  # the red count on 待办
    assert ApprovalProcess.objects.get(pk=waiting).number in text(supervisor.get("/?tab=new"))
    assert ApprovalProcess.objects.get(pk=waiting).number not in text(supervisor.get("/?tab=claimed"))
    assert number in text(pages("zz_manager").get("/?tab=returned"))
    assert number not in text(pages("zz_manager").get("/?tab=new"))


def test_inbox_filters_and_bad_filter_values(drive, pages, user):  # noqa: F811
    first = drive.submit_new()["id"]
    second = drive.submit_new(unit="ZZ-ZY")["id"]
    numbers = [ApprovalProcess.objects.get(pk=pk).number for pk in (first, second)]
    client = pages("zz_supervisor")
    jinshui = OrgUnit.objects.get(code="ZZ-JS").pk
    only_js = text(client.get(f"/?org_unit={jinshui}"))
    assert numbers[0] in only_js and numbers[1] not in only_js
    assert numbers[0] not in text(client.get("/?kind=exit"))
    assert numbers[0] not in text(client.get("/?date_from=2099-01-01"))
    oldest = text(client.get("/?sort=created"))
    assert oldest.index(numbers[0]) < oldest.index(numbers[1])
    newest = text(client.get("/?sort=-created"))
    assert newest.index(numbers[1]) < newest.index(numbers[0])
    bad = client.get("/?date_from=明天&org_unit=99999999999999999999&sort=x&tab=y")
    assert bad.status_code == 200 and "有效" in text(bad) and numbers[0] in text(bad)  # ignored, and said so


def test_done_list_shows_what_i_did_only(drive, pages):  # noqa: F811
    pid = drive.submit_new()["id"]
    drive.act("zz_supervisor", pid, comment="资料齐全")
    number = ApprovalProcess.objects.get(pk=pid).number
    page = text(pages("zz_supervisor").get("/done/"))
    assert number in page and "资料齐全" in page
    assert number not in text(pages("zz_leader").get("/done/"))
    assert number not in text(pages("ly_supervisor").get("/done/"))


def test_copies_list_and_mark_read(drive, pages):  # noqa: F811
    pid = drive.submit_new()["id"]
    assert pages("zz_manager").post(f"/processes/{pid}/copy/", {"to": ["zz_leader"], "comment": "请知悉"}
                                    ).status_code == 302
    copy = CopyNotice.objects.get(process_id=pid, user__username="zz_leader")
    client = pages("zz_leader")
    assert "请知悉" in text(client.get("/copies/?unread=1"))
    assert '未读<span class="count">1</span>' in client.get("/copies/").content.decode()
    assert pages("zz_supervisor").post(f"/copies/{copy.pk}/read/").status_code == 404  # not theirs: absent
    assert client.post(f"/copies/{copy.pk}/read/").status_code == 302
    copy.refresh_from_db()
    assert copy.read_at is not None
    assert "请知悉" not in text(client.get("/copies/?unread=1")) and "请知悉" in text(client.get("/copies/"))


def test_process_search_is_scoped_and_filters(drive, pages):  # noqa: F811
    pid = drive.submit_new()["id"]
    number = ApprovalProcess.objects.get(pk=pid).number
    zz = OrgUnit.objects.get(code="ZZ").pk
    auditor = pages("auditor")
    assert number in text(auditor.get(f"/processes/?org_unit={zz}&kind=onboarding&state=in_review"))
    assert number in text(auditor.get("/processes/?requester=zz_manager&created_from=2020-01-01"))
    assert number not in text(auditor.get("/processes/?requester=ly_manager"))
    assert number not in text(auditor.get("/processes/?state=completed"))
    assert number not in text(pages("ly_supervisor").get("/processes/"))
    bad = auditor.get("/processes/?created_from=昨天&kind=nothing")
    assert bad.status_code == 400 and "有效" in text(bad)


def test_stock_opinions_are_each_persons_own(pages, user):
    client = pages("zz_supervisor")
    assert client.post("/opinions/", {"text": "  "}).status_code == 400
    assert client.post("/opinions/", {"text": "同意,按规定办理。"}).status_code == 302
    duplicate = client.post("/opinions/", {"text": "同意,按规定办理。"})
    assert duplicate.status_code == 400 and "已有相同的常用意见" in text(duplicate)
    opinion = StockOpinion.objects.get(user__username="zz_supervisor")
    assert pages("zz_leader").post(f"/opinions/{opinion.pk}/delete/").status_code == 404
    assert "同意,按规定办理。" not in text(pages("zz_leader").get("/opinions/"))
    assert client.post(f"/opinions/{opinion.pk}/delete/").status_code == 302
    assert not StockOpinion.objects.exists()


def test_stock_opinions_are_offered_on_the_task_page(drive, pages, user):  # noqa: F811
    StockOpinion.objects.create(user=user("zz_supervisor"), text="经核实,同意。")
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)["id"]
    page = pages("zz_supervisor").get(f"/tasks/{task}/").content.decode()
    assert '<option value="经核实,同意。">' in page and 'data-opinion-for="id_comment"' in page


def test_requester_is_told_of_a_return_and_a_rejection(drive, pages):  # noqa: F811
    returned, rejected = drive.submit_new()["id"], drive.submit_new()["id"]
    drive.act("zz_supervisor", returned, "return", comment="请补充营业执照")
    drive.act("zz_supervisor", rejected, "reject", comment="不符合条件")
    page = text(pages("zz_manager").get("/notifications/"))
    assert "请补充营业执照" in page and "不符合条件" in page
    assert Notification.objects.filter(recipient__username="zz_manager", read_at__isnull=True).count() >= 2


def test_actions_are_offered_only_to_who_may_use_them(pages):
    for username in ("auditor", "zz_supervisor", "zz_leader"):
        page = pages(username).get("/channels/").content.decode()
        assert "新增渠道" not in page, username
    assert "新增渠道" in pages("zz_manager").get("/channels/").content.decode()


def test_daily_lists_cost_the_same_queries_for_more_rows(pages, user):
    manager, supervisor = user("zz_manager"), user("zz_supervisor")
    client, reader = pages("zz_supervisor"), pages("auditor")
    urls = ["/", "/?tab=new&sort=created&kind=onboarding", "/done/", "/copies/", "/processes/",
            "/processes/?kind=onboarding&org_unit=%d" % OrgUnit.objects.get(code="ZZ").pk, "/opinions/"]

    def grow(count, start):
        processes = _started(manager, count * 2, start)
        _approve_all(supervisor, processes[:count])
        CopyNotice.objects.bulk_create([CopyNotice(process=p, user=supervisor, comment="知悉") for p in processes])
        StockOpinion.objects.bulk_create([StockOpinion(user=supervisor, text=f"意见{start + n}") for n in range(count)])

    grow(3, 500)
    few = {url: _count(reader if url.startswith("/processes/") else client, url) for url in urls}
    grow(12, 600)
    many = {url: _count(reader if url.startswith("/processes/") else client, url) for url in urls}
    # A list whose rows now fill its page of 20 adds its count (a short first page counts itself); no more.
    assert all(many[url] - few[url] in (0, 1) for url in urls), (few, many)
    assert many["/"] == few["/"], (few, many)  # 15 open tasks: still a short page
