"""常用意见 (stock opinions): a person's own short texts to pick into the opinion box."""
from django.conf import settings
from django.db import models

MAX_OPINIONS = 30


class StockOpinion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="stock_opinions")
    text = models.CharField("意见", max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "常用意见"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["user", "text"], name="stock_opinion_unique_text")]

    def __str__(self):
        return self.text
