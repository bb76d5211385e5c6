"""Signal receivers of the governance app (connected in GovernanceConfig.ready)."""
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from config.logins import count_failure

from .models import Post
from .selectors import POST_NAMES_KEY
from .tokens import tokens_revoke


@receiver(post_save, sender=get_user_model(), dispatch_uid="governance.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance, created, **kwargs):
    """`set_password()` leaves the raw password on the user until save() has written the new hash:
    a save that carries one is a password change, and the old API token must stop working."""
    if not created and getattr(instance, "_password", None) is not None:
        tokens_revoke(user=instance)


@receiver(user_login_failed, dispatch_uid="governance.count_login_failure")
def count_login_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        count_failure(request)


@receiver(post_save, sender=Post, dispatch_uid="governance.post_names_on_save")
@receiver(post_delete, sender=Post, dispatch_uid="governance.post_names_on_delete")
def forget_post_names(sender, **kwargs):
    cache.delete(POST_NAMES_KEY)
