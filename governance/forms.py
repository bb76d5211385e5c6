"""Page forms for the channel registry. They shape and clean input; the rules live in `services`."""
import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import CORE_FIELDS, Channel, ChannelType, OrgUnit
from . import filters
from .selectors import units_in_scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NODE_CODE_HELP = "以归属单位编码开头,如 ZZ-JS-0003"
CORE_FIELDS_NOTE = "核心信息请通过核心信息变更流程修改"
STAR_LEVEL_MESSAGE = Channel._meta.get_field("star_level").error_messages["invalid_choice"]

# Every attribute of DOMAIN.md a person enters, by section of the form; BOSS code, status and audit
# columns are the system's.
CHANNEL_FORM_SECTIONS = (
    ("basic", "基本信息", ("node_code", "name", "channel_type", "star_level", "org_unit", "contact_mobile")),
    ("operator", "经营者", ("operator_company", "credit_code", "legal_representative", "business_scope")),
    ("bank", "银行与合同", ("bank_name", "bank_account", "deposit", "contract_number", "contract_start",
                            "contract_end")),
    ("location", "位置", ("address", "longitude", "latitude", "opening_hours", "floor_area", "staff_count")),
)
CHANNEL_FORM_FIELDS = [name for _, _, names in CHANNEL_FORM_SECTIONS for name in names]
WIDE_FIELDS = {"address", "business_scope"}


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field messages on their fields, the rest on top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        field = form.fields.get(name)
        if field is not None and not field.disabled:
            for message in messages:
                form.add_error(name, message)
        else:
            prefix = f"{field.label}:" if field is not None else ""
            for message in messages:
                form.add_error(None, prefix + message)


def _unit_choices(user):
    return units_in_scope(user).exclude(tier=OrgUnit.Tier.PROVINCE)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确,请重新输入(区分大小写)。",
        "inactive": "该账号已停用,请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请填写用户名。"
        self.fields["password"].error_messages["required"] = "请填写密码。"


class ChannelForm(forms.ModelForm):
    """New channel (all fields) and direct edit (non-core fields once the channel left draft)."""

    class Meta:
        model = Channel
        fields = CHANNEL_FORM_FIELDS
        widgets = {
            "contract_start": DATE_INPUT,
            "contract_end": DATE_INPUT,
            "address": forms.TextInput(attrs={"size": 60}),
            "business_scope": forms.TextInput(attrs={"size": 60}),
        }
        help_texts = {"node_code": NODE_CODE_HELP}

    def __init__(self, *args, user, lock_core=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _unit_choices(user)
        self.fields["org_unit"].empty_label = "请选择"
        self.fields["channel_type"].choices = [("", "请选择"), *ChannelType.choices]
        self.fields["star_level"].error_messages["invalid_choice"] = STAR_LEVEL_MESSAGE
        self.lock_core = lock_core
        if lock_core:
            for name in CORE_FIELDS:
                field = self.fields[name]
                field.disabled = True
                field.help_text = CORE_FIELDS_NOTE
            # A unit outside the user's choices must still show as the current value.
            self.fields["org_unit"].queryset = OrgUnit.objects.filter(
                Q(pk__in=_unit_choices(user).values("pk")) | Q(pk=self.instance.org_unit_id))

    def sections(self) -> list[dict]:
        """The fieldsets of the page, each with its bound fields in order."""
        return [{"key": key, "title": title, "fields": [self[name] for name in names]}
                for key, title, names in CHANNEL_FORM_SECTIONS]

    def changed_values(self) -> dict:
        """Only the fields the user actually changed (disabled core fields never are)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if not self.fields[name].disabled}


class ChannelFilter(filters.ChannelFilter):
    """The list page's form of the shared filter: same meaning, page widgets, units limited to the user's."""

    q = django_filters.CharFilter(label="关键字", method="search", max_length=filters.SEARCH_MAX_CHARS,
                                  widget=forms.TextInput(attrs={"placeholder": "名称 / 节点代码 / BOSS编码",
                                                                "style": "width: 240px"}))
    status = django_filters.ChoiceFilter(label="状态", choices=Channel.Status.choices, empty_label="全部")
    channel_type = django_filters.ChoiceFilter(label="类型", choices=ChannelType.choices, empty_label="全部")
    org_unit = django_filters.ModelChoiceFilter(label="归属单位", method="in_unit", empty_label="全部",
                                                queryset=lambda request: units_in_scope(request.user))

    class Meta(filters.ChannelFilter.Meta):
        fields = ["q", "status", "channel_type", "org_unit"]
