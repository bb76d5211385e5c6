from .selectors import inbox_for_user


def inbox_count(request):
    """On every page: how many tasks wait in the user's 待办 (the red count in the navigation)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"inbox_count": 0}
    return {"inbox_count": inbox_for_user(user=user).order_by().count()}
