"""Pages of the exit checklist: record an item's amount, date and blocked flag; upload its evidence.
Both act on the caller's open checklist task; the services check everything again."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from governance.attachments.checks import BODY_TOO_LARGE, body_too_large
from governance.attachments.forms import ACCEPT, FILE_HELP
from governance.pages import attempt

from .checklist import AMOUNT_ERRORS, checklist_evidence_add, checklist_item_record
from .selectors import open_task_for_user
from .views import task_page


class ItemRecordForm(forms.Form):
    amount = forms.DecimalField(label="金额(元)", required=False, min_value=0, max_digits=12, decimal_places=2,
                                error_messages=AMOUNT_ERRORS)
    date = forms.DateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    blocked = forms.BooleanField(label="标记为受阻", required=False)
    blocked_reason = forms.CharField(label="受阻原因", required=False, max_length=500)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="凭证文件", help_text=FILE_HELP, widget=forms.FileInput(attrs={"accept": ACCEPT}),
                           error_messages={"required": "请选择要上传的凭证文件。", "empty": "文件为空,请重新选择。"})


def _back(task_id):
    return redirect("workflows:task", task_id=task_id)


def _refused(request, task_id, status, form=None):
    for errors in (form.errors.values() if form is not None else []):
        for message in errors:
            messages.error(request, message)
    task, process = open_task_for_user(task_id=task_id, user=request.user)
    return task_page(request, task, process, status=status)


@login_required
@require_POST
def checklist_record(request, task_id):
    form = ItemRecordForm(request.POST)
    if not form.is_valid():
        return _refused(request, task_id, 400, form)
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    process, status = attempt(request, lambda: checklist_item_record(task_id=task_id, user=request.user, data=data))
    if process is None:
        return _refused(request, task_id, status)
    messages.success(request, "清单项已登记。")
    return _back(task_id)


@login_required
@require_POST
def checklist_evidence(request, task_id):
    if body_too_large(request.META):
        messages.error(request, BODY_TOO_LARGE)
        return _refused(request, task_id, 413)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, task_id, 400, form)
    attachment, status = attempt(request, lambda: checklist_evidence_add(
        task_id=task_id, user=request.user, file=form.cleaned_data["file"]))
    if attachment is None:
        return _refused(request, task_id, status)
    messages.success(request, f"已上传凭证“{attachment.original_name}”。")
    return _back(task_id)
