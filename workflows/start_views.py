"""Starting a request from a page, and the requests section of a subject's page (e.g. the channel page)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from governance.models import Channel
from governance.pages import attempt
from governance.services import acting_assignment

from .engine.start import kind_or_404, open_process_of
from .registry import KINDS
from .selectors import processes_of_subject
from .services import process_start
from .timeline import channel_timeline


def _subject_or_404(spec, user, subject_id):
    subject = spec.subjects(user).filter(pk=subject_id).first()
    if subject is None:
        raise Http404(f"{spec.subject_noun}不存在或不在您的数据范围内。")
    return subject


@login_required
def process_new(request, kind, subject_id):
    """The kind's start form on one subject; a valid POST starts the request and shows it."""
    spec = kind_or_404(kind)
    if spec.start_form is None:
        raise Http404("该流程不能从页面发起。")
    subject = _subject_or_404(spec, request.user, subject_id)
    form = spec.start_form(request.POST if request.method == "POST" else None, subject=subject)
    status = 400 if request.method == "POST" else 200  # stays 400 unless the POST goes through
    if request.method == "POST" and form.is_valid():
        process, status = attempt(request, lambda: process_start(kind=kind, user=request.user,
                                                                 data=form.start_data()), form=form)
        if process:
            messages.success(request, f"已提交{process.get_kind_display()}审批,审批单号 {process.number}。")
            return redirect("workflows:process_detail", pk=process.pk)
    return render(request, [f"workflows/start/{kind}.html", "workflows/start/default.html"],
                  {"form": form, "subject": subject, "kind": spec, "title": spec.title_of(subject),
                   "subject_url": spec.subject_url(subject)}, status=status)


def may_start(user, spec, subject) -> bool:
    """Only decides which buttons to show; the service checks again."""
    if not spec.may_start_on(subject):
        return False
    return user.is_superuser or acting_assignment(user, spec.unit_of(subject), spec.requester_posts) is not None


def subject_section(request, subject) -> dict | None:
    """A subject page's requests (a channel's, a policy's, an agent's): its processes in the user's scope,
    and the requests that may be started on it. None for a model no kind is about."""
    kinds = [spec for spec in KINDS.values() if spec.subject_model is type(subject)]
    if not kinds:
        return None
    processes = list(processes_of_subject(user=request.user, subject=subject))
    busy = next((p for p in processes if p.is_open), None) or open_process_of(subject)
    startable = [] if busy else [
        spec for spec in kinds
        if spec.start_form is not None and spec.start_label and may_start(request.user, spec, subject)]
    timeline = (channel_timeline(user=request.user, channel=subject, processes=processes)
                if isinstance(subject, Channel) else None)
    return {"template": "workflows/_subject_processes.html", "processes": processes, "busy": busy,
            "startable": startable, "subject": subject, "timeline": timeline}
