"""Admin pieces that show rows and change nothing: records that move only through services and flows."""
from django.contrib import admin


class ReadOnly:
    """Mixed into a ModelAdmin or an inline: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    actions = None
