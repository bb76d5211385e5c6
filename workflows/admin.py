"""Admin: routes are edited here (their history is the audit log); processes, tasks and their trail are
read only, so nobody goes around the flows."""
from django.contrib import admin
from viewflow.workflow.models import Process, Task

from governance.admin import HistoryAdmin
from governance.admin_readonly import ReadOnlyAdmin

from .models import ApprovalProcess, ProcessEvent, Route, RouteStep


class RouteStepInline(admin.TabularInline):
    model = RouteStep
    extra = 1
    fields = ("order", "post", "step", "label", "condition", "unit", "payload", "exclusive", "requester_may_act")


@admin.register(Route)
class RouteAdmin(HistoryAdmin):
    list_display = ("kind", "category", "tier", "filing")
    list_filter = ("kind", "filing", "tier")
    inlines = [RouteStepInline]


@admin.register(RouteStep)
class RouteStepAdmin(HistoryAdmin, ReadOnlyAdmin):
    """Steps are edited on their route's page; their history is read here."""

    list_display = ("route", "order", "post", "step", "condition")


class ProcessEventInline(admin.TabularInline):
    model = ProcessEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "post", "post_code", "action", "step", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApprovalProcess)
class ApprovalProcessAdmin(ReadOnlyAdmin):
    """Processes are read here; they change only through their flows."""

    list_display = ("number", "kind", "state", "org_unit", "title", "requester", "created")
    list_filter = ("kind", "state")
    search_fields = ("number", "title")
    inlines = [ProcessEventInline]


admin.site.unregister(Process)
admin.site.unregister(Task)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Viewflow's tasks, read only: a queue or an owner is never re-routed by hand."""

    list_display = ("pk", "process", "flow_task", "status", "owner", "owner_permission", "owner_permission_obj_pk",
                    "created")
    list_filter = ("status",)
    readonly_fields = ("process", "flow_task", "flow_task_type", "status", "owner", "owner_permission",
                       "owner_permission_obj_pk", "created", "started", "finished")
    exclude = ("previous", "owner_permission_content_type", "data", "seed", "artifact_content_type",
               "artifact_object_id", "token")
