"""Pages for inbox, requests and processes live in `pages`; this is the node view Viewflow needs."""
from django.shortcuts import redirect


def task_redirect(request, **kwargs):
    return redirect("workflows:task", task_id=kwargs.get("task_pk"))
