"""The daily lists' filters (待办 tabs, kind, unit, date, sort): forms that narrow the scoped selectors' rows.
Every list starts from a scoping selector, so a filter can only narrow what the user may see."""
from django import forms
from django.db.models import Q, QuerySet

from governance.filters import in_unit_subtree
from governance.models import PostAssignment
from governance.selectors import units_in_scope

from .models import ApprovalProcess, State
from .registry import kind_choices

TABS = [("all", "全部待办"), ("new", "待签收"), ("claimed", "已签收"), ("returned", "退回修改")]
SORTS = [("-created", "最新到达在前"), ("created", "停留最久在前"), ("number", "审批单号")]
ALL = [("", "全部")]


def unit_choices(user) -> list:
    return ALL + list(units_in_scope(user).order_by("path").values_list("pk", "name"))


class InboxForm(forms.Form):
    tab = forms.ChoiceField(label="状态", choices=TABS, required=False)
    kind = forms.ChoiceField(label="流程类型", required=False)
    org_unit = forms.TypedChoiceField(label="申请单位", coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(label="到达日期自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="到达日期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label="排序", choices=SORTS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ALL + list(kind_choices())
        self.fields["org_unit"].choices = unit_choices(user)

    def filter_fields(self):
        return [self[name] for name in ("kind", "org_unit", "date_from", "date_to", "sort")]


def inbox_filtered(tasks: QuerySet, user, data) -> tuple[QuerySet, dict]:
    """The inbox tasks narrowed by the valid parts of `data` (a bad value is ignored, its message shown on
    the form), sorted; and the form."""
    form = InboxForm(data, user=user)
    form.is_valid()
    values = form.cleaned_data
    processes = ApprovalProcess.objects.all()
    if values.get("kind"):
        processes = processes.filter(kind=values["kind"])
    if values.get("org_unit"):
        processes = in_unit_subtree(processes, "org_unit", values["org_unit"])
    if values.get("kind") or values.get("org_unit"):
        tasks = tasks.filter(process_id__in=processes.values("pk"))
    if values.get("date_from"):
        tasks = tasks.filter(created__date__gte=values["date_from"])
    if values.get("date_to"):
        tasks = tasks.filter(created__date__lte=values["date_to"])
    tasks = _tab(tasks, user, values.get("tab") or "all")
    sort = values.get("sort") or "-created"
    tasks = tasks.order_by("process_id", "pk") if sort == "number" else tasks.order_by(sort, "pk")
    return tasks, form


def _tab(tasks: QuerySet, user, tab: str) -> QuerySet:
    returned = ApprovalProcess.objects.filter(state=State.RETURNED).values("pk")
    if tab == "new":
        return tasks.filter(owner__isnull=True)
    if tab == "claimed":
        return tasks.filter(owner=user).exclude(process_id__in=returned)
    if tab == "returned":
        return tasks.filter(process_id__in=returned)
    return tasks


def hand_candidates(process, user) -> list[tuple[str, str]]:
    """People to offer for 转办/委派/加签/抄送: holders of acting posts in the request's unit, its parents or
    its sub-units (the service still checks each one's scope and 不相容岗位)."""
    unit = process.org_unit
    holders = (PostAssignment.objects.valid_on().filter(post__read_only=False, user__is_active=True)
               .filter(Q(org_unit__path__in=unit.ancestor_paths) | Q(org_unit__path__startswith=unit.path))
               .exclude(user=user).select_related("user", "post", "org_unit").order_by("org_unit__path", "post_id"))
    seen, out = set(), []
    for a in holders:
        if a.user_id not in seen:
            seen.add(a.user_id)
            name = a.user.get_full_name() or a.user.username
            out.append((a.user.username, f"{name}({a.org_unit.name}·{a.post.name})"))
    return out
