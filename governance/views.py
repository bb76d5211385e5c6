"""Channel pages: thin views over `governance.services` and the scoping selector; other apps add sections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from config.paging import CappedPaginator as Paginator
from django.shortcuts import redirect, render

from . import posts
from .attachments.forms import AttachmentForm, ChannelDocumentsForm
from .attachments.selectors import attachments_of, may_upload
from .attachments.services import channel_create_with_documents
from .display import display_value
from .errors import NotAllowed
from .extensions import channel_sections
from .forms import CORE_FIELDS_NOTE, ChannelFilter, ChannelForm
from .pages import attempt
from .models import CORE_FIELDS, Channel, OrgUnit
from .selectors import channel_list as channel_list_for
from .selectors import get_scoped_or_404, may_create_channel
from .services import CREATE_NOT_ALLOWED, LOCKED_STATUSES, acting_assignment, channel_update, core_fields_editable

PAGE_SIZE = 20
HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
FIELD_ORDER = {f.name: i for i, f in enumerate(Channel._meta.fields)}


# ---------------------------------------------------------------- shared page helpers

def _channel_or_404(request, pk) -> Channel:
    return get_scoped_or_404(Channel.objects.select_related("org_unit", "created_by"), request.user, pk=pk)


def _may(user, channel: Channel, allowed_posts) -> bool:
    """Only decides which buttons to show; the services check again on every write."""
    return user.is_superuser or acting_assignment(user, channel.org_unit, allowed_posts) is not None


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
    may_edit = _may(request.user, channel, posts.CHANNEL_EDITORS) and channel.status not in LOCKED_STATUSES
    fields = [{"label": f.verbose_name, "value": display_value(f.name, getattr(channel, f.name)),
               "core": f.name in CORE_FIELDS} for f in Channel._meta.fields if f.name != "id"]
    return {
        "channel": channel,
        "fields": fields,
        "history": _history_rows(channel),
        "can_edit": may_edit,
        "sections": channel_sections.render(request, channel),
        "attachments": list(attachments_of(channel=channel, user=request.user)),
        "can_upload": may_upload(request.user, channel),
        "attachment_form": AttachmentForm(),
    }


def _render_detail(request, channel, status=200, **extra):
    context = {**_detail_context(request, channel), **extra}
    return render(request, "governance/channel_detail.html", context, status=status)


# ---------------------------------------------------------------- pages

@login_required
def channel_list(request):
    filterset = ChannelFilter(request.GET or None, queryset=channel_list_for(user=request.user), request=request)
    refused = filterset.is_bound and not filterset.is_valid()  # e.g. a search term over 100 characters
    rows = filterset.queryset.none() if refused else filterset.qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/channel_list.html", {"filter": filterset, "page": page},
                  status=400 if refused else 200)


@login_required
def channel_detail(request, pk):
    return _render_detail(request, _channel_or_404(request, pk))


@login_required
def channel_new(request):
    if not may_create_channel(request.user):  # said at once, not after the whole form is filled in
        raise NotAllowed(CREATE_NOT_ALLOWED)
    posted = request.method == "POST"
    form = ChannelForm(request.POST or None, user=request.user)
    documents = ChannelDocumentsForm(request.POST if posted else None, request.FILES if posted else None)
    status = 400 if posted else 200  # stays 400 unless the POST goes through
    if posted and form.is_valid() and documents.is_valid():
        channel, status = attempt(request, lambda: channel_create_with_documents(
            user=request.user, data=form.cleaned_data, documents=documents.documents()), form=form)
        if channel:
            messages.success(request, f"渠道“{channel.name}”已保存为草稿。核对无误后请点击“提交新增审批”。")
            return redirect("governance:channel_detail", pk=channel.pk)
    return render(request, "governance/channel_form.html",
                  {"form": form, "documents": documents, "title": "新增渠道"}, status=status)


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
