"""Page forms for tasks and requests; the services decide what is allowed.

A step's own fields (a BOSS code, a revised change) come from its step kind or process kind as a small
form class; `task_form_class` joins it to the action and opinion fields, so one form carries the
service's messages beside the fields they concern.
"""
from django import forms

from governance.models import Post
from governance.selectors import post_names

from .engine.plan import step_title
from .lists import hand_candidates
from .registry import step_for

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

    to_step = forms.TypedChoiceField(label="退回至", required=False, coerce=int, empty_value=None,
                                     help_text="默认退回申请人修改;也可以退回到之前已办理的环节重新办理。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = [("", "申请人(修改后重新提交)"), *earlier_steps(self.process)]

    def step_fields(self):
        return [self[name] for name in self.fields if name not in ("action", "comment", "to_step")]


def earlier_steps(process) -> list[tuple[int, str]]:
    """The steps a 退回 may go back to: those before the current one that a person decided."""
    if process is None or not process.plan:
        return []
    names = post_names()
    return [(i, f"第{i + 1}步 {step_title(s, names)}") for i, s in enumerate(process.plan[:process.step_index])
            if step_for(s["step"]).queued]


def task_form_class(extra: type[RequestForm] | None) -> type[TaskActionForm]:
    if extra is None:
        return TaskActionForm
    return type(f"{extra.__name__}Task", (extra, TaskActionForm), {})


class WithdrawForm(forms.Form):
    comment = forms.CharField(label="撤回说明", required=False, max_length=2000)


REASON = {"required": "请填写原因。", "max_length": "原因最多 2000 个字。"}


class CancelForm(forms.Form):
    comment = forms.CharField(label="作废原因", max_length=2000, error_messages=REASON,
                              widget=forms.Textarea(attrs={"rows": 2}))


class OperationForm(forms.Form):
    """A form on a process or task page that offers the people a request may be handed or copied to."""

    def __init__(self, *args, process, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["to"].choices = [*self.fields["to"].choices[:1], *hand_candidates(process, user)] \
            if not isinstance(self.fields["to"], forms.MultipleChoiceField) else hand_candidates(process, user)


class HandForm(OperationForm):
    to = forms.ChoiceField(label="接收人", choices=[("", "请选择")],
                           error_messages={"required": "请选择接收人。", "invalid_choice": "请选择列表中的人员。"})
    comment = forms.CharField(label="原因", max_length=2000, error_messages=REASON,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AddApproverForm(HandForm):
    position = forms.ChoiceField(label="加签位置", choices=[("before", "本环节之前"), ("after", "本环节之后")],
                                 initial="before", widget=forms.RadioSelect,
                                 error_messages={"required": "请选择加签位置。", "invalid_choice": "请选择加签位置。"})


class CopyForm(OperationForm):
    to = forms.MultipleChoiceField(label="抄送人员", required=False, widget=forms.SelectMultiple(attrs={"size": 5}),
                                   error_messages={"invalid_choice": "请选择列表中的人员。"})
    posts = forms.MultipleChoiceField(label="抄送岗位", required=False, widget=forms.SelectMultiple(attrs={"size": 5}),
                                      help_text="本申请所在单位或其最近上级的该岗位任职人员。",
                                      error_messages={"invalid_choice": "请选择列表中的岗位。"})
    comment = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = list(Post.objects.filter(read_only=False).order_by("pk")
                                            .values_list("code", "name"))

    def clean(self):
        data = super().clean()
        if not data.get("to") and not data.get("posts"):
            raise forms.ValidationError("请至少选择一位抄送人员或一个抄送岗位。")
        return data
