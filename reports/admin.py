from django.contrib import admin

from .models import ArchivedDocument


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(admin.ModelAdmin):
    list_display = ["process", "verification_code", "created"]
    search_fields = ["process__number", "verification_code"]
    readonly_fields = ["process", "file", "sha256", "verification_code", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
