from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Channel, OrgUnit, Post, PostAssignment


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tier", "parent", "path")
    list_filter = ("tier",)
    search_fields = ("code", "name")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "read_only")


@admin.register(PostAssignment)
class PostAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "post", "org_unit", "valid_from", "valid_to")
    list_filter = ("post", "org_unit")
    search_fields = ("user__username", "user__first_name")
    autocomplete_fields = ("org_unit",)


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin, GuardedModelAdmin):
    list_display = ("name", "node_code", "boss_code", "channel_type", "org_unit", "status")
    list_filter = ("status", "channel_type")
    search_fields = ("name", "node_code", "boss_code")
    readonly_fields = [f for f in ("status", "boss_code", "created_by")]
