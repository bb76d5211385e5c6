"""Page forms for tasks and requests; the services decide what is allowed."""
from django import forms

ACTION_CHOICES = [("approve", "同意"), ("reject", "驳回"), ("return", "退回修改")]


class TaskActionForm(forms.Form):
    action = forms.ChoiceField(label="操作", choices=ACTION_CHOICES,
                               error_messages={"required": "请选择操作。", "invalid_choice": "不支持的操作。"})
    comment = forms.CharField(label="审批意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": "驳回、退回时必须填写原因"}))
    boss_code = forms.CharField(label="BOSS渠道编码", required=False, max_length=40,
                                help_text="6-20位字母或数字,全省唯一。")


class WithdrawForm(forms.Form):
    comment = forms.CharField(label="撤回说明", required=False, max_length=2000)
