from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表与单据"

    def ready(self):
        from workflows.signals import process_completed, process_completing

        from .services import document_archive_enqueue, document_snapshot_on_completion

        process_completing.connect(document_snapshot_on_completion, dispatch_uid="reports.snapshot_on_completion")
        process_completed.connect(document_archive_enqueue, dispatch_uid="reports.archive_on_completion")
