"""Extra column on every historical record: the post the editor acted in."""
from django.db import models
from simple_history.signals import pre_create_historical_record


class ActingPostRecord(models.Model):
    acting_post = models.CharField("操作岗位", max_length=32, blank=True)

    class Meta:
        abstract = True


def _copy_acting_post(sender, instance, history_instance, **kwargs):
    history_instance.acting_post = getattr(instance, "_acting_post", "") or ""


pre_create_historical_record.connect(_copy_acting_post)
