"""Rows that already hold characters outside XML 1.0 (written before the input check, or by a script) no
longer break the exports that cover them: `_cell` and `describe()` strip them on the way out."""
from governance.models import Channel, OrgUnit
from reports import exports
from reports.exports import describe
from reports.models import ExportJob

from tests.reports.conftest import person

BAD_NAME = "坏\ufffe字符\uffff渠道\x01"


def _bad_channel():
    channel = Channel(node_code="ZZ-JS-BAD1", name=BAD_NAME, channel_type="own_hall",
                      org_unit=OrgUnit.objects.get(code="ZZ-JS"), address="金水路\ufffe1号",
                      contact_mobile="13912345678", created_by=person("zz_manager"))
    channel.save()  # straight to the database, as an old row or a script would have it
    return channel


def test_channels_export_of_a_bad_row_is_done_and_clean(api, run_export):
    _bad_channel()
    response, job, rows = run_export(api("zz_manager"), "channels", {"q": "ZZ-JS-BAD1"})
    assert response.status_code == 202 and job["status"] == "done", job
    assert len(rows) == 2
    assert "坏字符渠道" in rows[1] and "金水路1号" in rows[1]


def test_audit_log_export_of_a_bad_history_row_is_done(api, run_export):
    channel = _bad_channel()
    channel.name = "改过的\uffff名字"
    channel.save()
    response, job, rows = run_export(api("auditor"), "audit-log", {"kind": "channel"})
    assert job["status"] == "done", job
    texts = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "改过的名字" in texts and "\uffff" not in texts


def test_describe_strips_stored_filters(demo):
    job = ExportJob.objects.create(requested_by=person("auditor"), report="audit-log",
                                   filters={"actor": "x\ufffey"})
    assert "\ufffe" not in describe(job) and "xy" in describe(job)


def test_cell_strips_and_keeps_text_out_of_formulas():
    sheet = exports.Workbook(write_only=True).create_sheet("t")
    assert exports._cell(sheet, "a\ufffeb\uffffc\x0b") == "abc"
    assert exports._cell(sheet, "=\ufffe1+1").value == "=1+1"
