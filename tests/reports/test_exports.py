"""Excel exports: an export holds exactly the rows its list shows for the same filters and user,
one header row and no totals; exports belong to their requester; bad input is a Chinese 400;
a failing export ends as failed and nothing answers 500."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from governance.models import Channel, ChannelType, OrgUnit
from reports import exports, jobs, services
from reports.exports import CHANNEL_COLUMNS, PROCESS_COLUMNS, XLSX_CONTENT_TYPE
from reports.models import ExportJob
from tests.api.conftest import is_chinese
from tests import starts
from tests.conftest import login

from .conftest import act, person, start_onboarding

STATUSES = ["active", "active", "draft", "suspended", "closed"]


@pytest.fixture
def many_channels(demo):
    """30 extra channels in ZZ (two counties and the city itself) and 10 in LY, mixed statuses."""
    units = {code: OrgUnit.objects.get(code=code) for code in ("ZZ", "ZZ-JS", "ZZ-ZY", "LY-LL")}
    manager = person("zz_manager")
    rows = []
    for i in range(40):
        unit = units[["ZZ-JS", "ZZ-ZY", "ZZ", "LY-LL"][i % 4]]
        rows.append(Channel(
            node_code=f"{unit.code}-X{i:04d}", name=f"导出测试渠道{i}", channel_type=ChannelType.OWN_HALL,
            org_unit=unit, address="测试路1号", contact_mobile="13912345678", created_by=manager,
            status=STATUSES[i % len(STATUSES)], star_level=1 + i % 5,
            boss_code=f"EXP{i:06d}" if STATUSES[i % len(STATUSES)] != "draft" else None,
        ))
    Channel.objects.bulk_create(rows)


@pytest.fixture
def export(api, django_capture_on_commit_callbacks):
    """export(username, report, filters) → the finished job's sheet rows (header included)."""

    def run(username, report, filters=None, expect="done"):
        client = api(username)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/exports/", {"report": report, "filters": filters or {}}, format="json")
        assert response.status_code == 202, response.json()
        body = response.json()
        assert {"id", "status", "progress", "report"} <= set(body)
        job = client.get(f"/api/v1/exports/{body['id']}/").json()
        assert job["status"] == expect, job
        if expect != "done":
            return job
        assert job["progress"] == 100 and job["file_url"].endswith(f"/api/v1/exports/{body['id']}/file/")
        download = client.get(f"/api/v1/exports/{body['id']}/file/")
        assert download.status_code == 200
        assert download["Content-Type"] == XLSX_CONTENT_TYPE
        workbook = load_workbook(BytesIO(b"".join(download.streaming_content)), read_only=True)
        assert len(workbook.worksheets) == 1
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        assert job["row_count"] == len(rows) - 1
        return rows

    return run


def list_rows(client, path, **params) -> list[dict]:
    """Every row of a paginated list, in its order."""
    rows, page = [], 1
    while True:
        response = client.get(path, {**params, "page_size": 200, "page": page})
        assert response.status_code == 200, response.json()
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


def header(columns) -> tuple:
    return tuple(c.title for c in columns)


# ---------------------------------------------------------------- rows = the list's rows

@pytest.mark.parametrize("username, filters", [
    ("zz_manager", {}),
    ("zz_manager", {"status": "active"}),
    ("zz_manager", {"q": "导出测试", "star_level": 3}),
    ("ly_manager", {"status": "active"}),
    ("auditor", {}),
    ("auditor", {"channel_type": "own_hall", "status": "closed"}),
])
def test_channels_export_holds_exactly_the_list_rows(many_channels, api, export, username, filters):
    listed = list_rows(api(username), "/api/v1/channels/", **filters)
    rows = export(username, "channels", filters)
    assert rows[0] == header(CHANNEL_COLUMNS)
    assert rows[0][0] == "渠道编号" and all(row[0] != "渠道编号" for row in rows[1:])  # one Chinese header row
    assert [(r[0], r[3]) for r in rows[1:]] == [(c["id"], c["name"]) for c in listed]
    assert listed, "the case should list something"


def test_auditor_exports_every_channel_zz_only_its_own(many_channels, export):
    everything = export("auditor", "channels")
    assert len(everything) - 1 == Channel.objects.count()
    zz = export("zz_manager", "channels")
    in_zz = Channel.objects.filter(org_unit__path__startswith="HA/ZZ/")
    assert sorted(r[0] for r in zz[1:]) == sorted(in_zz.values_list("pk", flat=True))
    assert {r[6] for r in zz[1:]} <= {"郑州分公司", "金水区", "中原区"}


def test_channel_cells_are_typed_and_readable(many_channels, export):
    channel = Channel.objects.get(node_code="ZZ-JS-X0000")
    row = next(r for r in export("zz_manager", "channels", {"q": "ZZ-JS-X0000"})[1:] if r[0] == channel.pk)
    cells = dict(zip(header(CHANNEL_COLUMNS), row))
    assert cells["渠道类型"] == "自营厅" and cells["状态"] == "正常" and cells["归属单位"] == "金水区"
    assert cells["联系手机"] == "13912345678"  # text, not a number
    assert cells["星级"] == "1星" and cells["录入时间"].year >= 2026


def test_text_is_never_a_formula_and_control_characters_go(many_channels, export):
    Channel.objects.filter(node_code="ZZ-JS-X0000").update(name="=HYPERLINK(\"http://x\")", address="a\x01b")
    rows = export("zz_manager", "channels", {"q": "ZZ-JS-X0000"})
    assert len(rows) == 2
    cells = dict(zip(header(CHANNEL_COLUMNS), rows[1]))
    assert cells["渠道名称"] == "=HYPERLINK(\"http://x\")" and cells["地址"] == "ab"


def test_processes_export_holds_exactly_the_list_rows(many_channels, api, export):
    start_onboarding()
    draft = Channel.objects.filter(org_unit__code="ZZ-JS", status="draft").first()
    other = starts.onboarding_start(user=person("zz_manager"), channel_id=draft.pk, comment="")
    act("zz_supervisor", other, "reject", comment="资料不全")
    for username, filters in [("zz_manager", {}), ("zz_manager", {"state": "rejected"}), ("auditor", {}),
                              ("ly_manager", {}), ("auditor", {"kind": "onboarding", "org_unit": draft.org_unit_id})]:
        listed = list_rows(api(username), "/api/v1/processes/", **filters)
        rows = export(username, "processes", filters)
        assert rows[0] == header(PROCESS_COLUMNS)
        assert [r[0] for r in rows[1:]] == [p["number"] for p in listed], (username, filters)
    rejected = export("zz_manager", "processes", {"state": "rejected"})
    assert [r[2] for r in rejected[1:]] == ["已驳回"]
    # a list narrowed to one kind carries that kind's own columns too
    exits = export("auditor", "processes", {"kind": "exit"})
    assert exits[0][-1] == "退出原因"


@pytest.mark.parametrize("filters", [{"org_unit": "-99999999999999999999"}, {"channel": "99999999999999999999"}])
def test_out_of_range_ids_filter_to_nothing_in_list_and_export(demo, api, export, filters):
    start_onboarding()
    assert api("auditor").get("/api/v1/processes/", filters).json()["count"] == 0  # was an overflow (500) on SQLite
    assert len(export("auditor", "processes", filters)) == 1  # the header


# ---------------------------------------------------------------- audit log

def test_audit_log_has_approval_events_with_actor_and_post(demo, api, export):
    process = start_onboarding(comment="新开体验店")
    act("zz_supervisor", process, comment="同意新开")
    api("zz_manager").patch(f"/api/v1/channels/{process.subject_id}/", {"opening_hours": "08:00-22:00"},
                            format="json")
    rows = export("auditor", "audit-log")
    assert rows[0] == header(exports.AUDIT_COLUMNS)
    cells = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [c["时间"] for c in cells] == sorted(c["时间"] for c in cells)  # ordered by time
    mine = [c for c in cells if c["对象"] == process.number]
    assert [(c["动作"], c["账号"], c["岗位"]) for c in mine] == [
        ("提交", "zz_manager", "渠道经理"), ("同意", "zz_supervisor", "渠道主管")]
    assert mine[1]["操作人"] == person("zz_supervisor").get_full_name() and mine[1]["意见/原因"] == "同意新开"
    assert mine[1]["类别"] == "渠道新增" and mine[1]["单位"] == "郑州分公司"
    channel_rows = [c for c in cells if c["类别"] == "渠道信息" and c["对象"].startswith("中原万达体验店")]
    changed = [c for c in channel_rows if "营业时间" in (c["环节/变更内容"] or "")]
    assert changed and "→ 08:00-22:00" in changed[-1]["环节/变更内容"] and changed[-1]["账号"] == "zz_manager"
    assert any("状态:草稿 → 审批中" in (c["环节/变更内容"] or "") for c in channel_rows)


def test_audit_log_filters_and_scope(demo, export):
    process = start_onboarding()
    act("zz_supervisor", process)
    only_approvals = export("auditor", "audit-log", {"action": "approve", "kind": "onboarding"})
    assert [r[7] for r in only_approvals[1:]] == ["同意"]
    by_actor = export("auditor", "audit-log", {"actor": "zz_supervisor"})
    assert {r[2] for r in by_actor[1:]} == {"zz_supervisor"}
    channels_only = export("auditor", "audit-log", {"kind": "channel"})
    assert channels_only[1:] and {r[5] for r in channels_only[1:]} == {"渠道信息"}
    assert len(export("auditor", "audit-log", {"date_to": "2000-01-01"})) == 1  # header only
    ly = export("ly_manager", "audit-log")
    assert process.number not in {r[6] for r in ly[1:]}
    assert all("中原万达体验店" not in (r[6] or "") for r in ly[1:])


# ---------------------------------------------------------------- ownership, input, states

def test_another_users_export_is_404(many_channels, api, export, django_capture_on_commit_callbacks):
    zz = api("zz_manager")
    with django_capture_on_commit_callbacks(execute=True):
        job_id = zz.post("/api/v1/exports/", {"report": "channels"}, format="json").json()["id"]
    ly = api("ly_manager")
    for path in (f"/api/v1/exports/{job_id}/", f"/api/v1/exports/{job_id}/file/"):
        response = ly.get(path)
        assert response.status_code == 404 and is_chinese(response.json()["detail"])
    assert job_id not in [j["id"] for j in ly.get("/api/v1/exports/").json()["results"]]
    assert [j["id"] for j in zz.get("/api/v1/exports/").json()["results"]] == [job_id]
    assert api("auditor").get(f"/api/v1/exports/{job_id}/file/").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"report": "channels", "filters": {"status": "nope"}}, "status"),
    ({"report": "channels", "filters": {"star_level": "abc"}}, "star_level"),
    ({"report": "channels", "filters": {"org_unit": "x"}}, "org_unit"),
    ({"report": "channels", "filters": {"colour": "red"}}, "colour"),
    ({"report": "channels", "filters": {"status": ["active"]}}, "status"),
    ({"report": "channels", "filters": "status=active"}, "filters"),
    ({"report": "channels", "filters": {"q": "a\x00b"}}, "filters.q"),  # config.inbound names the JSON path
    ({"report": "processes", "filters": {"state": "done"}}, "state"),
    ({"report": "processes", "filters": {"channel": "abc"}}, "channel"),
    ({"report": "audit-log", "filters": {"date_from": "2026-13-01"}}, "date_from"),
    ({"report": "audit-log", "filters": {"date_from": "2026-02-01", "date_to": "2026-01-01"}}, "date_to"),
    ({"report": "audit-log", "filters": {"date_to": "9999-12-31"}}, "date_to"),
    ({"report": "audit-log", "filters": {"kind": "x"}}, "kind"),
    ({"report": "sales"}, "report"),
    ({}, "report"),
])
def test_bad_input_is_a_chinese_400(demo, api, body, field):
    response = api("zz_manager").post("/api/v1/exports/", body, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors and all(is_chinese(m) for m in errors[field]), errors
    assert is_chinese(response.json()["detail"])
    assert not ExportJob.objects.exists()


def test_every_report_of_the_contract_is_open(demo, api, django_capture_on_commit_callbacks):
    for report in ("channels", "processes", "commission-policies", "certificates", "audit-log"):
        with django_capture_on_commit_callbacks(execute=True):  # each runs (eagerly) before the next
            response = api("auditor").post("/api/v1/exports/", {"report": report}, format="json")
        assert response.status_code == 202, (report, response.json())
        assert ExportJob.objects.get(pk=response.json()["id"]).status == ExportJob.Status.DONE, report


def test_paging_keys_are_ignored_and_empty_values_dropped(many_channels, api, export):
    rows = export("zz_manager", "channels", {"status": "active", "page": 2, "page_size": 5, "q": ""})
    assert len(rows) - 1 == len(list_rows(api("zz_manager"), "/api/v1/channels/", status="active"))
    assert ExportJob.objects.get().filters == {"status": "active"}


def test_file_before_done_is_409(demo, api):
    job = ExportJob.objects.create(requested_by=person("zz_manager"), report="channels")
    response = api("zz_manager").get(f"/api/v1/exports/{job.pk}/file/", HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json" and is_chinese(response.json()["detail"])
    status = api("zz_manager").get(f"/api/v1/exports/{job.pk}/").json()
    assert status["status"] == "pending" and status["status_display"] == "排队中" and status["file_url"] is None


def test_a_failing_export_ends_failed_and_nothing_answers_500(demo, api, export, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "write_xlsx", broken)
    job = export("zz_manager", "channels", expect="failed")
    assert is_chinese(job["error"]) and job["status_display"] == "失败" and job["file_url"] is None
    assert "disk full" not in job["error"]
    client = api("zz_manager")
    assert client.get(f"/api/v1/exports/{job['id']}/").status_code == 200
    response = client.get(f"/api/v1/exports/{job['id']}/file/")
    assert response.status_code == 409 and is_chinese(response.json()["detail"])


def test_a_queueing_failure_ends_failed(demo, api, monkeypatch, django_capture_on_commit_callbacks):
    from reports import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_export, "delay", down)
    client = api("zz_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/exports/", {"report": "channels"}, format="json")
    assert response.status_code == 202
    job = client.get(f"/api/v1/exports/{response.json()['id']}/").json()
    assert job["status"] == "failed" and is_chinese(job["error"])


def test_a_job_runs_once(many_channels, export):
    export("zz_manager", "channels")
    job = ExportJob.objects.get()
    assert jobs.export_run(job_id=job.pk) is None  # already done: not claimed again


def test_too_many_running_exports_is_409(demo, api):
    for _ in range(services.MAX_ACTIVE_EXPORTS):
        ExportJob.objects.create(requested_by=person("zz_manager"), report="channels",
                                 status=ExportJob.Status.RUNNING)
    response = api("zz_manager").post("/api/v1/exports/", {"report": "channels"}, format="json")
    assert response.status_code == 409 and is_chinese(response.json()["detail"])


def test_user_without_post_may_not_export(demo, api):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("nopost", password="demo-pass-2026")
    response = api("nopost").post("/api/v1/exports/", {"report": "channels"}, format="json")
    assert response.status_code == 403 and is_chinese(response.json()["detail"])


def test_progress_is_reported_every_chunk(many_channels, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "CHUNK", 7)
    seen = []
    real_update = ExportJob.objects.filter

    def spy(*args, **kwargs):
        qs = real_update(*args, **kwargs)
        original = qs.update

        def update(**values):
            if "progress" in values:
                seen.append(values["progress"])
            return original(**values)

        qs.update = update
        return qs

    monkeypatch.setattr(ExportJob.objects, "filter", spy)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_request(user=person("auditor"), report="channels", filters={})
    job.refresh_from_db()
    total = Channel.objects.count()
    assert job.status == "done" and job.row_count == total
    assert seen[0] == 0 and seen[-1] == 100
    assert len(seen) == 2 + total // 7 and seen[1:-1] == sorted(seen[1:-1]) and max(seen[1:-1]) <= 99


def test_schema_documents_the_exports(demo, api):
    schema = api("auditor").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/exports/"]["post"]
    assert "202" in post["responses"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    report = schema["components"]["schemas"][ref]["properties"]["report"]
    enum_ref = report.get("$ref") or report["allOf"][0]["$ref"]
    assert set(schema["components"]["schemas"][enum_ref.rsplit("/", 1)[1]]["enum"]) == set(ExportJob.Report.values)
    file_op = schema["paths"]["/api/v1/exports/{id}/file/"]["get"]
    assert XLSX_CONTENT_TYPE in file_op["responses"]["200"]["content"]
    assert "/api/v1/exports/{id}/" in schema["paths"]


# ---------------------------------------------------------------- pages

def test_export_pages(many_channels, client, django_capture_on_commit_callbacks):
    login(client, "zz_manager")
    channels = client.get("/channels/?status=active&page=2").content.decode()
    assert 'href="/exports/new/?status=active&amp;report=channels">导出Excel' in channels  # the page's filters
    home = client.get("/exports/").content.decode()
    assert 'href="/exports/"' in home and "导出" in home and "您还没有导出记录" in home
    form = client.get("/exports/new/?report=channels&status=active").content.decode()
    assert 'value="active" selected' in form and "渠道清单" in form
    bad = client.post("/exports/new/", {"report": "channels", "status": "nope"})
    assert bad.status_code == 400 and "选择一个有效的选项" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/new/", {"report": "channels", "status": "active", "q": ""})
    assert response.status_code == 302 and response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert job.filters == {"status": "active"} and job.status == "done"
    listing = client.get("/exports/").content.decode()
    assert f"/exports/{job.pk}/download/" in listing and 'http-equiv="refresh"' not in listing
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in download["Content-Disposition"]
    for report in ("processes", "audit-log"):
        assert client.get(f"/exports/new/?report={report}").status_code == 200
    for report in ("commission-policies", "certificates"):
        assert client.get(f"/exports/new/?report={report}").status_code == 200


def test_export_pages_keep_jobs_private_and_refresh_while_running(demo, client):
    job = ExportJob.objects.create(requested_by=person("zz_manager"), report="channels")
    login(client, "ly_manager")
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert f"#{job.pk}" not in client.get("/exports/").content.decode()
    login(client, "zz_manager")
    page = client.get("/exports/").content.decode()
    assert 'http-equiv="refresh"' in page and "排队中" in page
    assert client.get(f"/exports/{job.pk}/download/").status_code == 302
    assert client.get("/exports/").status_code == 200
    client.logout()
    assert client.get("/exports/").status_code == 302


def test_interrupted_jobs_fail_and_old_files_are_removed(demo, api, export):
    from datetime import timedelta

    from django.utils import timezone

    export("zz_manager", "channels")
    done = ExportJob.objects.get(status="done")
    path = done.file.path
    stuck = ExportJob.objects.create(requested_by=person("zz_manager"), report="channels", status="running")
    ExportJob.objects.filter(pk=stuck.pk).update(created=timezone.now() - timedelta(hours=2))

    assert jobs.exports_tidy() == (1, 0)
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "中断" in stuck.error
    assert api("zz_manager").get(f"/api/v1/exports/{stuck.pk}/").json()["status"] == "failed"

    assert jobs.exports_tidy(now=timezone.now() + timedelta(days=8)) == (0, 1)
    done.refresh_from_db()
    assert not done.file and "清理" in done.error
    import os
    assert not os.path.exists(path)
    gone = api("zz_manager").get(f"/api/v1/exports/{done.pk}/file/")
    assert gone.status_code == 410 and is_chinese(gone.json()["detail"])
