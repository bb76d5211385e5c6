from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表与单据"

    def ready(self):
        from workflows.signals import process_completed, process_completing

        from .jobs import document_snapshot_take
        from .services import document_archive_enqueue

        process_completing.connect(document_snapshot_take, dispatch_uid="reports.snapshot_on_completion")
        process_completed.connect(document_archive_enqueue, dispatch_uid="reports.archive_on_completion")
