"""Attachment pages: upload from the channel page, download by id (scope as for the channel)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..pages import attempt
from ..views import _channel_or_404 as channel_or_404, _render_detail as render_detail
from .checks import BODY_TOO_LARGE, body_too_large
from .forms import AttachmentForm
from .responses import attachment_response
from .selectors import attachment_get_or_404
from .services import attachment_add


@login_required
@require_POST
def attachment_upload(request, pk):
    channel = channel_or_404(request, pk)
    if body_too_large(request.META):
        messages.error(request, BODY_TOO_LARGE)
        return render_detail(request, channel, status=413)
    form = AttachmentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        attachment, status = attempt(request, lambda: attachment_add(
            channel=channel, user=request.user, file=form.cleaned_data["file"], kind=form.cleaned_data["kind"]),
            form=form)
        if attachment:
            messages.success(request, f"已上传{attachment.get_kind_display()}“{attachment.original_name}”。")
            return redirect(reverse("governance:channel_detail", args=[channel.pk]) + "#attachments")
    return render_detail(request, channel, status=status, attachment_form=form)


@login_required
@require_GET
def attachment_file(request, pk):
    return attachment_response(attachment_get_or_404(user=request.user, pk=pk))
