"""Lets Viewflow's own permission checks understand post queues: "post:<code>" on an org unit."""
from .models import OrgUnit
from .selectors import holds_post

POST_PERMISSION_PREFIX = "post:"


def post_permission(post_code: str) -> str:
    return f"{POST_PERMISSION_PREFIX}{post_code}"


class PostBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        if not perm.startswith(POST_PERMISSION_PREFIX) or not isinstance(obj, OrgUnit):
            return False
        return user.is_active and holds_post(user, perm[len(POST_PERMISSION_PREFIX):], obj)
