"""API tokens in the admin: who has one and until when, never the key itself (DRF's TokenAdmin lists keys
in clear, and names each token by its key in titles, breadcrumbs and the admin log). An administrator may
revoke (delete) a token; tokens are issued only by the token endpoint."""
from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .models import ApiToken
from .tokens import token_expired, token_ttl

admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class MaskedTokenAdmin(TokenAdmin):
    list_display = ("masked_key", "user", "created", "expires", "expired")
    fields = ("masked_key", "user", "created", "expires")
    readonly_fields = fields

    @admin.display(description="令牌")
    def masked_key(self, token) -> str:
        return f"{token.key[:4]}…(已隐藏)"

    @admin.display(description="到期时间")
    def expires(self, token):
        return token.created + token_ttl()

    @admin.display(description="已过期", boolean=True)
    def expired(self, token) -> bool:
        return token_expired(token)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
