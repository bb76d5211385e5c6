"""Celery on Redis for real (issue 10 item 3): a worker process archives an approval form and runs an export,
and a beat process fires a workflow timer. Nothing runs eagerly: this process only queues, the worker acts."""
from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import Channel
from reports.models import ArchivedDocument, ExportJob
from reports.services import export_request
from tests import starts
from tests.reports.conftest import act, complete_onboarding, person, start_onboarding
from workflows.models import ApprovalProcess

from .conftest import CELERY, start, stop, wait_until

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_the_worker_is_not_eager(demo, worker):
    conf = worker.conf()
    assert conf["task_always_eager"] is False
    assert conf["broker_url"].startswith("redis://")


def test_a_completed_process_is_archived_by_the_worker(demo, worker):
    process = complete_onboarding(start_onboarding())
    assert process.state == ApprovalProcess.State.COMPLETED
    archive = ArchivedDocument.objects.get(process=process)  # the snapshot, written with the completion
    assert archive.snapshot["number"] == process.number
    rendered = wait_until(lambda: ArchivedDocument.objects.filter(process=process).exclude(sha256="").first(), 40,
                          "the worker to render the approval form")
    with rendered.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert f"reports.tasks.archive_approval_form[" in worker.log.read_text()


def test_an_export_runs_to_completion_in_the_worker(demo, worker):
    job = export_request(user=person("zz_manager"), report="channels", filters={})
    done = wait_until(lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), 40,
                      "the export job to end")
    assert (done.status, done.error) == (ExportJob.Status.DONE, "")
    assert done.row_count == Channel.objects.filter(org_unit__path__startswith="HA/ZZ").count() > 0
    with done.file.open("rb") as fh:
        assert fh.read(2) == b"PK"  # an .xlsx (zip)


def test_beat_fires_a_due_timer_through_the_worker(demo, worker, tmp_path):
    effective = timezone.localdate() + timedelta(days=30)
    channel = Channel.objects.get(node_code="ZZ-JS-0001")
    process = starts.change_start(user=person("zz_manager"), channel_id=channel.pk, effective_date=effective,
                                  changes={"name": "定时改名厅"})
    for username in ["zz_supervisor", "zz_leader", "prov_marketing"]:
        process = act(username, process, comment="同意")
    assert process.state == ApprovalProcess.State.SCHEDULED
    # the effective date has come: the timer is due (as if the clock had moved on)
    Task.objects.filter(process=process, status=STATUS.SCHEDULED).update(scheduled=timezone.now() - timedelta(minutes=1))
    beat = start([CELERY, "-A", "config", "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "schedule"),
                  "--pidfile", str(tmp_path / "beat.pid")], tmp_path / "beat.log", TIMER_SWEEP_SECONDS="1")
    try:
        wait_until(lambda: ApprovalProcess.objects.get(pk=process.pk).state == ApprovalProcess.State.COMPLETED,
                   40, "beat to send the timer sweep and the worker to apply the change")
    finally:
        stop(beat)
    assert Channel.objects.get(pk=channel.pk).name == "定时改名厅"
    assert "workflows.tasks.fire_due_timers" in (tmp_path / "beat.log").read_text()
