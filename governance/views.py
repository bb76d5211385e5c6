"""Channel pages: thin views over `governance.services` / `workflows.services` and the scoping selector."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from config.paging import CappedPaginator as Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import posts
from .forms import CORE_FIELDS_NOTE, ChannelChangeForm, ChannelExitForm, ChannelFilter, ChannelForm, SubmitForm
from .pages import attempt
from .models import CORE_FIELDS, Channel, OrgUnit
from .selectors import get_scoped_or_404, scoped
from .services import LOCKED_STATUSES, acting_assignment, channel_create, channel_update, core_fields_editable

PAGE_SIZE = 20
HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
FIELD_ORDER = {f.name: i for i, f in enumerate(Channel._meta.fields)}
ACTIVE_STATES = (Channel.Status.ACTIVE, Channel.Status.SUSPENDED)


# ---------------------------------------------------------------- shared page helpers

def _channel_or_404(request, pk) -> Channel:
    return get_scoped_or_404(Channel.objects.select_related("org_unit", "created_by"), request.user, pk=pk)


def _may(user, channel: Channel, allowed_posts) -> bool:
    """Only decides which buttons to show; the services check again on every write."""
    return user.is_superuser or acting_assignment(user, channel.org_unit, allowed_posts) is not None


def display_value(field_name: str, value, units: dict | None = None):
    """A stored value as a person reads it."""
    if value in (None, ""):
        return "—"
    field = Channel._meta.get_field(field_name)
    if field_name == "org_unit":
        unit = units.get(value if isinstance(value, int) else getattr(value, "pk", value)) if units else None
        return unit or value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field_name == "created_by":
        return value.get_full_name() or value.username
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return value


def _history_rows(channel: Channel) -> list[dict]:
    records = list(channel.history.select_related("history_user").order_by("-history_date", "-history_id"))
    units = None
    rows = []
    for i, record in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None  # == record.prev_record, without a query each
        changes = []
        if prev is not None:
            delta = record.diff_against(prev)
            for change in sorted(delta.changes, key=lambda c: FIELD_ORDER.get(c.field, 99)):
                if change.field == "org_unit" and units is None:
                    units = dict(OrgUnit.objects.values_list("pk", "name"))
                changes.append({
                    "label": Channel._meta.get_field(change.field).verbose_name,
                    "old": display_value(change.field, change.old, units),
                    "new": display_value(change.field, change.new, units),
                })
        user = record.history_user
        rows.append({
            "record": record, "type": HISTORY_TYPES.get(record.history_type, record.history_type),
            "user": (user.get_full_name() or user.username) if user else "系统", "changes": changes,
        })
    return rows


def _detail_context(request, channel: Channel) -> dict:
    from workflows.selectors import processes_for_user

    user = request.user
    status = channel.status
    may_edit = _may(user, channel, posts.CHANNEL_EDITORS) and status not in LOCKED_STATUSES
    may_request = _may(user, channel, posts.REQUESTERS)
    fields = [{"label": f.verbose_name, "value": display_value(f.name, getattr(channel, f.name)),
               "core": f.name in CORE_FIELDS} for f in Channel._meta.fields if f.name != "id"]
    processes = list(processes_for_user(user=user).filter(channel=channel).order_by("-pk"))
    busy = next((p for p in processes if p.is_open), None)  # a new request would be refused (409) anyway
    return {
        "channel": channel,
        "fields": fields,
        "processes": processes,
        "busy": busy,
        "history": _history_rows(channel),
        "can_edit": may_edit,
        "can_submit": may_request and not busy and status == Channel.Status.DRAFT,
        "can_change": may_request and not busy and status in ACTIVE_STATES,
        "can_exit": may_request and not busy and status in ACTIVE_STATES,
        "submit_form": SubmitForm(),
    }


def _render_detail(request, channel, status=200):
    return render(request, "governance/channel_detail.html", _detail_context(request, channel), status=status)


# ---------------------------------------------------------------- pages

@login_required
def channel_list(request):
    queryset = scoped(Channel.objects.select_related("org_unit"), request.user).order_by("-id")
    filterset = ChannelFilter(request.GET or None, queryset=queryset, request=request)
    refused = filterset.is_bound and not filterset.is_valid()  # e.g. a search term over 100 characters
    rows = queryset.none() if refused else filterset.qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/channel_list.html", {"filter": filterset, "page": page},
                  status=400 if refused else 200)


@login_required
def channel_detail(request, pk):
    return _render_detail(request, _channel_or_404(request, pk))


@login_required
def channel_new(request):
    form = ChannelForm(request.POST or None, user=request.user)
    status = 400 if request.method == "POST" else 200  # stays 400 unless the POST goes through
    if request.method == "POST" and form.is_valid():
        channel, status = attempt(request, lambda: channel_create(user=request.user, data=form.cleaned_data),
                                  form=form)
        if channel:
            messages.success(request, f"渠道“{channel.name}”已保存为草稿。核对无误后请点击“提交新增审批”。")
            return redirect("governance:channel_detail", pk=channel.pk)
    return render(request, "governance/channel_form.html", {"form": form, "title": "新增渠道"}, status=status)


@login_required
def channel_edit(request, pk):
    channel = _channel_or_404(request, pk)
    if channel.status in LOCKED_STATUSES:
        messages.error(request, f"渠道状态为“{channel.get_status_display()}”,不能修改。")
        return _render_detail(request, channel, status=409)
    lock_core = not core_fields_editable(channel)
    form = ChannelForm(request.POST or None, instance=channel, user=request.user, lock_core=lock_core)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        changed = form.changed_values()
        saved, status = attempt(request, lambda: channel_update(channel=channel, user=request.user, data=changed),
                                form=form)
        if saved:
            messages.success(request, "渠道信息已保存。" if changed else "没有修改任何内容。")
            return redirect("governance:channel_detail", pk=channel.pk)
    return render(request, "governance/channel_form.html", {
        "form": form, "channel": channel, "title": f"编辑渠道:{channel.name}",
        "core_note": CORE_FIELDS_NOTE if lock_core else "",
    }, status=status)


@login_required
@require_POST
def channel_submit(request, pk):
    from workflows.services import onboarding_start

    channel = _channel_or_404(request, pk)
    form = SubmitForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    process, status = attempt(request, lambda: onboarding_start(user=request.user, channel_id=channel.pk,
                                                                comment=comment))
    if not process:
        return _render_detail(request, channel, status=status)
    messages.success(request, f"已提交渠道新增审批,审批单号 {process.number}。")
    return redirect("workflows:process_detail", pk=process.pk)


@login_required
def channel_change(request, pk):
    from workflows.services import change_start

    channel = _channel_or_404(request, pk)
    form = ChannelChangeForm(request.POST or None, channel=channel)
    return _start_page(request, form, "governance/channel_change.html", channel, lambda: change_start(
        user=request.user, channel_id=channel.pk, changes=form.changes(),
        effective_date=form.cleaned_data["effective_date"], comment=form.cleaned_data["comment"]))


@login_required
def channel_exit(request, pk):
    from workflows.services import exit_start

    channel = _channel_or_404(request, pk)
    form = ChannelExitForm(request.POST or None)
    return _start_page(request, form, "governance/channel_exit.html", channel, lambda: exit_start(
        user=request.user, channel_id=channel.pk, reason=form.cleaned_data["reason"],
        comment=form.cleaned_data["comment"]))


def _start_page(request, form, template, channel, start):
    """The form page of a process on one channel: on a valid POST, start it and go to the process."""
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        process, status = attempt(request, start, form=form)
        if process:
            messages.success(request, f"已提交{process.get_kind_display()}审批,审批单号 {process.number}。")
            return redirect("workflows:process_detail", pk=process.pk)
    return render(request, template, {"form": form, "channel": channel}, status=status)
