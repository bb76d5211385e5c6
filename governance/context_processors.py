from .selectors import assignments_of


def acting_posts(request):
    return {"acting_posts": assignments_of(getattr(request, "user", None))}
