"""API tokens as the admin lists them: DRF's token without its key (its str() is the key itself)."""
from rest_framework.authtoken.models import TokenProxy


class ApiToken(TokenProxy):
    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self):
        return f"{self.user} 的 API 令牌"
