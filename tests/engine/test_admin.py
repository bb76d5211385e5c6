"""The admin cannot go around the flows, delete what must stay, or rewrite history; configuration changes are
in the audit log (who, when, before → after)."""
from io import BytesIO

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from openpyxl import load_workbook
from viewflow.workflow.models import Task

from governance.models import Channel, OrgUnit, Post
from tests.conftest import login
from workflows.models import ApprovalProcess, Route


@pytest.fixture
def admin_client(demo):
    return login(Client(), "admin")


def test_channel_admin_changes_no_core_field_status_or_boss_code(admin_client, svc):
    channel = svc.channel("ZZ-JS-0001")
    url = f"/admin/governance/channel/{channel.pk}/change/"
    page = admin_client.get(url).content.decode()
    for name in ("name", "status", "boss_code", "bank_account", "org_unit"):
        assert f'name="{name}"' not in page, name
    data = {"opening_hours": "07:00-23:00", "contact_mobile": channel.contact_mobile, "deposit": "0",
            "name": "改名企图", "status": "draft", "boss_code": "", "staff_count": "5", "floor_area": "120",
            "legal_representative": "", "contract_number": "", "_save": "保存"}
    assert admin_client.post(url, data).status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.status, channel.boss_code, channel.opening_hours) == (
        "金水路自营厅", "active", "ZZ00010001", "07:00-23:00")
    last = channel.history.order_by("-history_id").first()
    assert last.history_user.username == "admin" and "管理后台" in last.history_change_reason


def test_history_cannot_be_reverted_from_the_admin(admin_client, svc):
    channel = svc.channel("ZZ-JS-0001")
    first = channel.history.order_by("history_id").first()
    url = f"/admin/governance/channel/{channel.pk}/history/{first.history_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and b"_save" not in page.content  # shown, with no revert button
    response = admin_client.post(url, {"opening_hours": "00:00-01:00", "contact_mobile": channel.contact_mobile,
                                       "deposit": "0", "_save": "1"})
    assert response.status_code == 403
    assert Channel.objects.get(pk=channel.pk).opening_hours == channel.opening_hours


def test_channels_and_processes_cannot_be_deleted(admin_client, svc):
    channel = svc.channel("ZZ-JS-0001")
    assert admin_client.get(f"/admin/governance/channel/{channel.pk}/delete/").status_code == 403
    for delete in (channel.delete, Channel.objects.filter(pk=channel.pk).delete):
        with pytest.raises(ProtectedError), transaction.atomic():
            delete()
    process = svc.onboard()
    assert admin_client.get(f"/admin/workflows/approvalprocess/{process.pk}/delete/").status_code == 403
    with pytest.raises(ProtectedError), transaction.atomic():
        ApprovalProcess.objects.get(pk=process.pk).delete()
    assert Channel.objects.filter(pk=channel.pk).exists() and ApprovalProcess.objects.filter(pk=process.pk).exists()


def test_tasks_are_read_only_in_the_admin(admin_client, svc):
    process = svc.onboard()
    task = Task.objects.get(process=process, flow_task_type="HUMAN")
    url = f"/admin/viewflow/task/{task.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and b'name="owner_permission"' not in page.content
    admin_client.post(url, {"owner_permission": "post:branch_leader", "owner_permission_obj_pk": "2"})
    task.refresh_from_db()
    assert task.owner_permission == "post:channel_supervisor"
    assert admin_client.get(f"/admin/viewflow/task/{task.pk}/delete/").status_code == 403


def test_export_jobs_and_archived_documents_cannot_be_deleted(admin_client):
    for model in ("exportjob", "archiveddocument"):
        page = admin_client.get(f"/admin/reports/{model}/")
        assert page.status_code == 200 and b"delete_selected" not in page.content, model


def test_configuration_changes_are_in_the_audit_log(admin_client, api, svc, django_capture_on_commit_callbacks):
    route = Route.objects.get(kind="onboarding", category="own_hall", tier="")
    route.filing = "record"
    route._change_reason = "改为报备"
    route.save()
    unit = OrgUnit.objects.get(code="ZZ-JS")
    unit.name = "金水区分公司"
    unit.save()
    Post.objects.filter(code="auditor").update()  # no change, no row
    svc.hold("zz_new", "channel_manager", "ZZ")
    with django_capture_on_commit_callbacks(execute=True):
        job = api("auditor").post("/api/v1/exports/", {"report": "audit-log", "filters": {"kind": "config"}},
                                  format="json").json()
    data = api("auditor").get(f"/api/v1/exports/{job['id']}/file/")
    rows = [[c.value for c in r] for r in load_workbook(BytesIO(b"".join(data.streaming_content))).active.rows]
    config = [r for r in rows[1:] if r[5] == "系统配置"]
    assert any("报批/报备:approval → record" in (r[8] or "") and r[9] == "改为报备" for r in config)
    assert any("名称:金水区 → 金水区分公司" in (r[8] or "") for r in config)
    assert any(r[7] == "新增任职" and "zz_new" in r[6] for r in config)
    # configuration is province-wide: a city user's audit log holds none of it
    with django_capture_on_commit_callbacks(execute=True):
        job = api("zz_manager").post("/api/v1/exports/", {"report": "audit-log", "filters": {"kind": "config"}},
                                     format="json").json()
    data = api("zz_manager").get(f"/api/v1/exports/{job['id']}/file/")
    assert len(list(load_workbook(BytesIO(b"".join(data.streaming_content))).active.rows)) == 1
