"""批量办理 from 待办: the ticked tasks of one kind approved or returned with one opinion. Each task is
checked and recorded on its own by the engine; the page lists one result per task, failures included."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.pages import attempt

from .engine.bulk import MAX_TASKS
from .services import tasks_bulk

RESULT_LABELS = {"ok": "已办理", "not_found": "不存在或不属于您", "conflict": "已被他人办理",
                 "forbidden": "无权办理", "invalid": "未通过校验"}


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="批量操作", choices=[("approve", "同意"), ("return", "退回")],
                               error_messages={"invalid_choice": "批量办理只支持同意或退回。"})
    tasks = forms.TypedMultipleChoiceField(label="待办", coerce=int, choices=(),
                                           error_messages={"required": "请先勾选要批量办理的待办。",
                                                           "invalid_choice": "待办编号无效。"})
    comment = forms.CharField(label="审批意见", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].valid_value = lambda value: str(value).isdigit()  # ids are checked by the engine

    def clean_tasks(self):
        tasks = self.cleaned_data["tasks"]
        if len(tasks) > MAX_TASKS:
            raise forms.ValidationError(f"一次最多批量办理 {MAX_TASKS} 个待办。")
        return tasks


@login_required
@require_POST
def tasks_bulk_view(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("workflows:inbox")
    data = form.cleaned_data
    results, status = attempt(request, lambda: tasks_bulk(user=request.user, action=data["action"],
                                                          task_ids=data["tasks"], comment=data["comment"]))
    if results is None:
        return redirect("workflows:inbox")
    return render(request, "workflows/bulk_result.html", {
        "rows": _rows(results), "action": dict(form.fields["action"].choices)[data["action"]],
        "done": sum(r["status"] == "ok" for r in results), "failed": sum(r["status"] != "ok" for r in results)})


def _rows(results: list[dict]) -> list[dict]:
    return [{**r, "ok": r["status"] == "ok", "label": RESULT_LABELS.get(r["status"], r["status"])} for r in results]
