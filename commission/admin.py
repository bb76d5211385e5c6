"""Commission records in the admin are read-only: policies change through the services (and the approval
flow), volumes through the loader, so the admin can never bypass the status table or the history."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from governance.admin_readonly import ReadOnly

from .models import CommissionPolicy, MonthlyVolume, PolicyConfiguration, Rule, VolumeImport


class RuleInline(ReadOnly, admin.TabularInline):
    model = Rule
    fk_name = "policy"
    fields = ("position", "kind", "business", "amount", "rate", "cap", "threshold", "valid_from", "valid_to")
    extra = 0


@admin.register(CommissionPolicy)
class CommissionPolicyAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = ("name", "org_unit", "version", "status", "valid_from", "valid_to")
    list_filter = ("status", "org_unit")
    search_fields = ("name",)
    inlines = [RuleInline]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # no reverting around the status table
            raise PermissionDenied("酬金政策不能在管理后台回滚。")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(PolicyConfiguration)
class PolicyConfigurationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("policy", "entered_by", "entered_post", "entered_at")


@admin.register(VolumeImport)
class VolumeImportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("file_name", "rows", "months", "imported_by", "imported_post", "imported_at")


@admin.register(MonthlyVolume)
class MonthlyVolumeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("channel", "month", "business", "quantity", "amount")
    list_filter = ("business", "month")
    raw_id_fields = ("channel",)
    show_full_result_count = False
