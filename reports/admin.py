from django.contrib import admin

from .models import ArchivedDocument, ExportJob


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(admin.ModelAdmin):
    list_display = ["process", "verification_code", "created"]
    search_fields = ["process__number", "verification_code"]
    readonly_fields = ["process", "file", "sha256", "verification_code", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "report", "requested_by", "status", "progress", "row_count", "created", "finished"]
    list_filter = ["report", "status"]
    search_fields = ["requested_by__username"]
    readonly_fields = ["requested_by", "report", "filters", "status", "progress", "row_count", "file", "error",
                       "created", "finished"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
