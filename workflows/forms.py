"""Page forms for tasks and requests; the services decide what is allowed.

A step's own fields (a BOSS code, a revised change) come from its step kind or process kind as a small
form class; `task_form_class` joins it to the action and opinion fields, so one form carries the
service's messages beside the fields they concern.
"""
from django import forms

ACTION_CHOICES = [("approve", "同意"), ("reject", "驳回"), ("return", "退回修改")]


class RequestForm(forms.Form):
    """A page form of a kind or of a step: it knows the subject it starts on or the process it acts on."""

    def __init__(self, *args, subject=None, process=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject, self.process = subject, process

    def start_data(self) -> dict:
        """The start body, as the API would send it."""
        return dict(self.cleaned_data)

    def service_data(self) -> dict:
        """The step's own fields, as the service takes them."""
        return {}


class TaskActionForm(RequestForm):
    action = forms.ChoiceField(label="操作", choices=ACTION_CHOICES,
                               error_messages={"required": "请选择操作。", "invalid_choice": "不支持的操作。"})
    comment = forms.CharField(label="审批意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": "驳回、退回时必须填写原因"}))

    def step_fields(self):
        return [self[name] for name in self.fields if name not in ("action", "comment")]


def task_form_class(extra: type[RequestForm] | None) -> type[TaskActionForm]:
    if extra is None:
        return TaskActionForm
    return type(f"{extra.__name__}Task", (extra, TaskActionForm), {})


class WithdrawForm(forms.Form):
    comment = forms.CharField(label="撤回说明", required=False, max_length=2000)
