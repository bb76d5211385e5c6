from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import admin_tokens  # noqa: F401  (API tokens without their keys)
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


class PostAssignmentInline(admin.TabularInline):
    model = PostAssignment
    extra = 1
    autocomplete_fields = ("org_unit",)


admin.site.unregister(User)


@admin.register(User)
class UserWithPostsAdmin(UserAdmin):
    """Users are managed with their posts (任职) on the same page."""

    inlines = [PostAssignmentInline]
    list_display = ("username", "first_name", "is_active", "is_superuser")


admin.site.site_header = admin.site.site_title = "渠道审批系统管理"
admin.site.index_title = "系统管理"
