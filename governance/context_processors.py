from .selectors import assignments_of, may_create_channel


def acting_posts(request):
    user = getattr(request, "user", None)
    return {"acting_posts": assignments_of(user), "may_create_channel": may_create_channel(user)}
