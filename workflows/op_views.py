"""Pages for the approval operations beyond approve/reject/return: 转办, 委派, 加签 on a task; 作废, 催办,
抄送 on a process. Each calls the same service as the API, so the rules (who, when, in scope) are shared;
a refusal comes back on the same page with its Chinese message and the right status (400/409/429)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from governance.pages import attempt

from . import services
from .forms import AddApproverForm, CancelForm, CopyForm, HandForm
from .selectors import open_task_for_user, process_get_or_404
from .views import process_page, task_page

TASK_OPERATIONS = {
    "transfer": (HandForm, "转办", lambda task, user, data: services.task_transfer(
        task_id=task.pk, user=user, to=data["to"], comment=data["comment"])),
    "delegate": (HandForm, "委派", lambda task, user, data: services.task_delegate(
        task_id=task.pk, user=user, to=data["to"], comment=data["comment"])),
    "add_approver": (AddApproverForm, "加签", lambda task, user, data: services.task_add_approver(
        task_id=task.pk, user=user, to=data["to"], position=data["position"], comment=data["comment"])),
}


@login_required
@require_POST
def task_operation(request, task_id, operation):
    form_class, label, call = TASK_OPERATIONS[operation]
    task, process = open_task_for_user(task_id=task_id, user=request.user)
    form = form_class(request.POST, process=process, user=request.user)
    status = 400
    if form.is_valid():
        done, status = attempt(request, lambda: call(task, request.user, form.cleaned_data), form=form)
        if done:
            messages.success(request, f"审批单 {process.number}:已{label}。")
            return redirect("workflows:inbox")
    task, process = open_task_for_user(task_id=task_id, user=request.user)
    return task_page(request, task, process, status=status, operation_forms={operation: form})


@login_required
@require_POST
def process_cancel_view(request, pk):
    process = process_get_or_404(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    status = 400
    if form.is_valid():
        done, status = attempt(request, lambda: services.process_cancel(
            process=process, user=request.user, comment=form.cleaned_data["comment"]), form=form)
        if done:
            messages.success(request, f"审批单 {done.number} 已作废。")
            return redirect("workflows:process_detail", pk=pk)
    return process_page(request, process_get_or_404(user=request.user, pk=pk), status=status,
                        operation_forms={"cancel": form})


@login_required
@require_POST
def process_remind_view(request, pk):
    process = process_get_or_404(user=request.user, pk=pk)
    done, status = attempt(request, lambda: services.process_remind(process=process, user=request.user) or True)
    if not done:
        return process_page(request, process_get_or_404(user=request.user, pk=pk), status=status)
    messages.success(request, "已催办当前处理人。")
    return redirect("workflows:process_detail", pk=pk)


@login_required
@require_POST
def process_copy_view(request, pk):
    process = process_get_or_404(user=request.user, pk=pk)
    form = CopyForm(request.POST, process=process, user=request.user)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        done, status = attempt(request, lambda: services.process_copy(
            process=process, user=request.user, to=data["to"], posts=data["posts"], comment=data["comment"]),
            form=form)
        if done:
            messages.success(request, f"已抄送 {len(done)} 人。")
            return redirect("workflows:process_detail", pk=pk)
    return process_page(request, process_get_or_404(user=request.user, pk=pk), status=status,
                        operation_forms={"copy": form})
