from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import ApprovalProcess, ProcessEvent, Route, RouteStep


class RouteStepInline(admin.TabularInline):
    model = RouteStep
    extra = 1


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel_type", "filing")
    list_filter = ("kind", "filing")
    inlines = [RouteStepInline]


class ProcessEventInline(admin.TabularInline):
    model = ProcessEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "post", "action", "step", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalProcess)
class ApprovalProcessAdmin(GuardedModelAdmin):
    """Processes are read here; they change only through their flows."""

    list_display = ("number", "kind", "state", "org_unit", "channel", "requester", "created")
    list_filter = ("kind", "state")
    search_fields = ("number", "channel__name")
    inlines = [ProcessEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
