"""Admin for the org tree, posts, assignments and channels. Every change is in the history (the audit log);
nothing is deleted, history is never reverted, and a channel's core fields, status and BOSS code change only
through the flows."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import admin_tokens, outbound_admin  # noqa: F401  (API tokens without their keys; outbound models)
from .admin_readonly import ReadOnly
from .models import CORE_FIELDS, Attachment, Channel, OrgUnit, Post, PostAssignment
from .services import channel_update

FLOW_FIELDS = ("status", "boss_code", "node_code", "created_by")


class HistoryAdmin(SimpleHistoryAdmin):
    """History is shown, never reverted: a POST to a past version is refused (the button alone is hidden by
    SIMPLE_HISTORY_REVERT_DISABLED, but the view would still save)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("历史记录只能查看,不能恢复。")
        return super().history_form_view(request, object_id, version_id, extra_context)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(OrgUnit)
class OrgUnitAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ("code", "name", "tier", "parent", "path")
    list_filter = ("tier",)
    search_fields = ("code", "name")


@admin.register(Post)
class PostAdmin(NoDeleteMixin, HistoryAdmin):
    list_display = ("code", "name", "read_only")


@admin.register(PostAssignment)
class PostAssignmentAdmin(HistoryAdmin):
    """An assignment ends by its end date; deleting one is kept in its history too."""

    list_display = ("user", "post", "org_unit", "valid_from", "valid_to")
    list_filter = ("post", "org_unit")
    search_fields = ("user__username", "user__first_name")
    autocomplete_fields = ("org_unit",)


@admin.register(Channel)
class ChannelAdmin(NoDeleteMixin, HistoryAdmin, GuardedModelAdmin):
    """Non-core fields may be corrected here, through the same service as the pages; core fields, status and
    the BOSS code only change through the flows. Channels are never added or deleted here."""

    list_display = ("name", "node_code", "boss_code", "channel_type", "org_unit", "status")
    list_filter = ("status", "channel_type")
    search_fields = ("name", "node_code", "boss_code")
    readonly_fields = (*CORE_FIELDS, *FLOW_FIELDS)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        channel_update(channel=Channel.objects.get(pk=obj.pk), user=request.user, data=changed,
                       reason="系统管理员在管理后台修改非核心信息")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: uploads go through the checked service, and an attachment is never changed or deleted."""

    list_display = ("original_name", "kind", "channel", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "channel__name", "channel__node_code", "sha256")
    list_select_related = ("channel", "uploaded_by")
    exclude = ("file",)  # the stored name is internal; files are downloaded from the channel page


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
