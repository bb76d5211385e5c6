from django.contrib import admin

from governance.admin_readonly import ReadOnly

from .models import ArchivedDocument, ExportJob


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["process", "verification_code", "created"]
    search_fields = ["process__number", "verification_code"]
    readonly_fields = ["process", "file", "sha256", "verification_code", "created"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "report", "requested_by", "status", "progress", "row_count", "created", "finished"]
    list_filter = ["report", "status"]
    search_fields = ["requested_by__username"]
    readonly_fields = ["requested_by", "report", "filters", "status", "progress", "row_count", "file", "error",
                       "created", "finished"]
