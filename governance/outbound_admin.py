"""Admin of outbound calling: agents and the data (exam levels, capacity settings) are edited here;
certificates, their events, demands and notifications are read-only (they change only through services)."""
from django.contrib import admin

from .admin_readonly import ReadOnlyAdmin
from .models import (
    Certificate, CertificateEvent, ExamLevel, Notification, OutboundAgent, OutboundDemand, OutboundSettings,
)


@admin.register(OutboundAgent)
class OutboundAgentAdmin(admin.ModelAdmin):
    list_display = ("employee_no", "name", "org_unit", "post_level", "active")
    list_filter = ("post_level", "active")
    search_fields = ("employee_no", "name")
    autocomplete_fields = ("org_unit",)

    def get_readonly_fields(self, request, obj=None):
        # certificates carry a copy of the agent's unit: a move goes through a service, not this form
        return ("org_unit",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExamLevel)
class ExamLevelAdmin(admin.ModelAdmin):
    list_display = ("level", "pass_mark", "course_level")


@admin.register(OutboundSettings)
class OutboundSettingsAdmin(admin.ModelAdmin):
    list_display = ("org_unit", "calls_per_agent_day", "unit_price")
    autocomplete_fields = ("org_unit",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("agent", "level", "valid_from", "valid_to", "status", "is_current")
    list_filter = ("level", "status", "is_current")
    search_fields = ("agent__employee_no", "agent__name")


@admin.register(CertificateEvent)
class CertificateEventAdmin(ReadOnlyAdmin):
    list_display = ("certificate", "action", "from_status", "to_status", "actor", "post", "at")
    list_filter = ("action",)


@admin.register(OutboundDemand)
class OutboundDemandAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "org_unit", "calls", "start", "end", "served_by", "status", "settlement_amount")
    list_filter = ("served_by", "status")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "event", "title", "created", "read_at")
    list_filter = ("event",)
