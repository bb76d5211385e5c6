from .notifications import unread_count
from .selectors import assignments_of, may_create_channel


def acting_posts(request):
    """On every page: the user's posts, whether they may enter channels, and their unread notifications."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {"acting_posts": assignments_of(user), "may_create_channel": may_create_channel(user),
            "unread_notifications": unread_count(user=user) if signed_in else 0}
