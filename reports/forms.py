from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from workflows.models import ProcessEvent
from workflows.registry import kind_choices


class VerifyForm(forms.Form):
    number = forms.CharField(label="审批单号", max_length=40, strip=True)
    code = forms.CharField(label="校验码", max_length=40, strip=True,
                           help_text="16位,如 1A2B-3C4D-5E6F-7A8B,大小写、空格与连字符不限。")


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
DATE_RANGE_MESSAGE = f"日期应在 {EARLIEST:%Y-%m-%d} 至 {LATEST:%Y-%m-%d} 之间。"
DATE_BOUNDS = [MinValueValidator(EARLIEST, DATE_RANGE_MESSAGE), MaxValueValidator(LATEST, DATE_RANGE_MESSAGE)]
CHANNEL_RECORD = "channel"  # audit-log kind of channel-registry records (as opposed to a process kind)
CONFIG_RECORD = "config"  # audit-log kind of configuration records: org tree, posts, assignments, routes
CHANNEL_ACTIONS = {"create": "新增渠道", "update": "修改渠道信息", "delete": "删除渠道"}
HISTORY_TYPES = {"+": "create", "~": "update", "-": "delete"}


def _audit_kinds():
    return [("", "全部"), *kind_choices(), (CHANNEL_RECORD, "渠道信息"), (CONFIG_RECORD, "系统配置")]


def _audit_actions():
    return [("", "全部"), *ProcessEvent.Action.choices, *CHANNEL_ACTIONS.items()]


class AuditLogFilterForm(forms.Form):
    """Filters of the audit-log export: the API body's `filters` and the export page's form alike."""

    date_from = forms.DateField(label="开始日期", required=False, widget=DATE_INPUT, validators=DATE_BOUNDS)
    date_to = forms.DateField(label="结束日期", required=False, widget=DATE_INPUT, help_text="含当日。",
                              validators=DATE_BOUNDS)
    actor = forms.CharField(label="操作人账号", required=False, max_length=150,
                            help_text="账号不存在与该账号在您的数据范围内没有记录,结果相同:没有行。")
    action = forms.ChoiceField(label="动作", required=False, choices=_audit_actions)
    kind = forms.ChoiceField(label="类别", required=False, choices=_audit_kinds,
                             help_text="流程类型,或“渠道信息”(渠道档案的新增与修改记录)。")

    def clean_actor(self):
        """The username as typed: never looked up here, so the answer does not tell whether it exists."""
        return self.cleaned_data["actor"].strip() or None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return cleaned


class ExportReportForm(forms.Form):
    """The report picker of the export page (the open reports only)."""

    report = forms.ChoiceField(label="报表")

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = reports
