"""The daily lists: 待办 (with tabs, filters, sorting), 已办, 抄送我的, 流程查询, and 常用意见.
Each starts from a scoping selector; outside a user's scope a row does not exist."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.paging import CappedPaginator as Paginator
from governance.pages import attempt, flat_messages
from governance.selectors import post_names

from .engine.act import is_delegated, is_revise
from .filters import ProcessFilter
from .lists import ALL, TABS, inbox_filtered, unit_choices
from .opinions import opinion_add, opinion_delete, own_opinions
from .rows import task_name
from .selectors import copies_for_user, done_for_user, inbox_for_user, process_list, processes_by_id
from .services import copy_mark_read

PAGE_SIZE = 20


def _badge(task, process, user) -> tuple[str, str]:
    """State-true badge of a task row: a returned request is a warning, never a green 已签收."""
    if is_revise(task):
        return "returned", "已退回"
    if is_delegated(task):
        return "current", "委派待办" if task.owner_id == user.pk else "已委派"
    if (task.data or {}).get("handed") == "transfer":
        return "current", "转办给我"
    return ("current", "已签收") if task.owner_id else ("new", "待签收")


@login_required
def inbox(request):
    tasks, form = inbox_filtered(inbox_for_user(user=request.user), request.user, request.GET)
    page = Paginator(tasks.select_related("owner"), PAGE_SIZE).get_page(request.GET.get("page"))
    processes = processes_by_id(t.process_id for t in page.object_list)
    names, now = post_names(), timezone.now()
    rows = [{"task": t, "process": processes[t.process_id], "step": task_name(t, processes[t.process_id], names),
             "badge": _badge(t, processes[t.process_id], request.user), "stay": now - t.created}
            for t in page.object_list]
    tab = form.cleaned_data.get("tab") or "all"
    filtered = any(request.GET.get(name) for name in ("kind", "org_unit", "date_from", "date_to", "sort"))
    return render(request, "workflows/inbox.html", {"page": page, "rows": rows, "form": form, "tabs": TABS,
                                                    "tab": tab, "filtered": filtered or bool(form.errors)})


@login_required
def done_list(request):
    page = Paginator(done_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflows/done.html", {"page": page})


@login_required
def copy_list(request):
    unread = request.GET.get("unread") == "1"
    page = Paginator(copies_for_user(user=request.user, unread=unread), PAGE_SIZE).get_page(request.GET.get("page"))
    unread_count = copies_for_user(user=request.user, unread=True).order_by().count()
    return render(request, "workflows/copies.html", {"page": page, "unread": unread, "unread_count": unread_count})


@login_required
@require_POST
def copy_read(request, pk):
    copy_mark_read(user=request.user, copy_id=pk)
    messages.success(request, "已标为已读。")
    return redirect(request.POST.get("next") if request.POST.get("next") == "/copies/?unread=1" else "workflows:copies")


def _search_form(request):
    form = ProcessFilter(data=request.GET, queryset=None).form
    form.fields["org_unit"] = forms.TypedChoiceField(label="申请单位", required=False, coerce=int,
                                                     choices=unit_choices(request.user), help_text="含其下级单位。")
    for name in ("kind", "state"):
        form.fields[name].choices = ALL + [c for c in form.fields[name].choices if c[0] != ""]
    form.fields.pop("channel")
    return form


@login_required
def process_search(request):
    """流程查询: every request the user may see, narrowed by kind, state, unit, requester and date."""
    form = _search_form(request)
    filters = {k: v for k, v in request.GET.items() if k in form.fields}
    try:
        processes = process_list(user=request.user, filters=filters)
    except ValidationError as exc:
        for message in flat_messages(exc):
            messages.error(request, message)
        return render(request, "workflows/search.html", {"form": form, "page": None}, status=400)
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflows/search.html", {"form": form, "page": page})


class OpinionForm(forms.Form):
    text = forms.CharField(label="新的常用意见", max_length=200, error_messages={
        "required": "请填写意见内容。", "max_length": "意见最多 200 个字。"})


@login_required
def opinion_list(request):
    form, status = OpinionForm(), 200
    if request.method == "POST":
        form = OpinionForm(request.POST)
        if form.is_valid():
            done, status = attempt(request, lambda: opinion_add(user=request.user, text=form.cleaned_data["text"]),
                                   form=form)
            if done:
                messages.success(request, "已添加常用意见。")
                return redirect("workflows:opinions")
        else:
            status = 400
    opinions = own_opinions(user=request.user)
    return render(request, "workflows/opinions.html", {"form": form, "opinions": opinions}, status=status)


@login_required
@require_POST
def opinion_remove(request, pk):
    opinion_delete(user=request.user, opinion_id=pk)
    messages.success(request, "已删除常用意见。")
    return redirect("workflows:opinions")
