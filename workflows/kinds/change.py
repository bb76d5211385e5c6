"""核心信息变更 (core-info change): old and new core fields side by side; a change of money fields adds
province finance, a transfer adds the receiving unit; the change applies on its effective date."""
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from governance.display import display_value
from governance.forms import CHANNEL_FORM_SECTIONS
from governance.models import CORE_FIELDS, FINANCE_FIELDS, Channel, OrgUnit
from governance.services import channel_apply_changes

from ..forms import RequestForm
from ..models import ApprovalProcess, ProcessEvent, State
from ..registry import register_kind
from .base import Column, CommentInput, Condition, PlanContext, Request
from .channels import CHANNEL_CONDITIONS, ChannelKind, channel_facts, last_person

MAX_AHEAD = timedelta(days=366)  # an effective date further out would hold the channel for too long


class ChangeStartInput(CommentInput):
    channel = serializers.IntegerField(label="渠道")
    changes = serializers.DictField(label="变更内容", help_text="核心字段 → 新值,如 {\"bank_account\": \"...\"}")
    effective_date = serializers.DateField(label="生效日期", help_text="今天或更早:审批通过即生效;晚于今天:到期生效。")


class ChangeResubmitInput(CommentInput):
    changes = serializers.DictField(required=False, label="变更内容", help_text="修改后的变更内容;不填则沿用原值。")
    effective_date = serializers.DateField(required=False, label="生效日期")


def coerce_changes(channel: Channel, raw) -> tuple[dict, Channel]:
    """Validate requested core-field values against a copy of the channel; return field → {old, new}."""
    if not isinstance(raw, dict) or not raw:
        raise ValidationError({"changes": "请至少填写一项要变更的核心信息。"})
    unknown = [str(f)[:40] for f in raw if f not in CORE_FIELDS]
    if unknown:
        raise ValidationError({"changes": f"以下字段不是核心信息或不存在:{'、'.join(unknown)}。非核心信息可直接修改。"})
    candidate = Channel.objects.select_related("org_unit").get(pk=channel.pk)
    errors = {}
    for field, value in raw.items():
        try:
            setattr(candidate, field, _clean_value(candidate, field, value))
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        candidate.full_clean()
    except ValidationError as exc:
        raise ValidationError({f: m for f, m in exc.message_dict.items() if f in raw or f == "__all__"} or exc)
    diff = {}
    for field in raw:
        as_text = Channel._meta.get_field(field).value_to_string
        if getattr(channel, field) != getattr(candidate, field):
            diff[field] = {"old": as_text(channel), "new": as_text(candidate)}
    if not diff:
        raise ValidationError({"changes": "变更后的值与当前值相同,无需变更。"})
    return diff, candidate


def _clean_value(candidate: Channel, field: str, value):
    if isinstance(value, (dict, list)):
        raise ValidationError("应填写单个值。")
    if field != "org_unit":
        return Channel._meta.get_field(field).clean(value, candidate)
    text = str(value)
    unit = OrgUnit.objects.filter(**({"pk": int(text)} if text.isdigit() and len(text) < 19 else {"code": text})).first()
    if unit is None:
        raise ValidationError("单位不存在。")
    return unit


def _effective_date(value) -> date:
    if value is None:
        raise ValidationError({"effective_date": "请填写生效日期。"})
    latest = timezone.localdate() + MAX_AHEAD
    if value > latest:
        raise ValidationError({"effective_date": f"生效日期不能晚于 {latest:%Y-%m-%d}(一年以内)。"})
    return value


def change_rows(channel: Channel, candidate: Channel, diff: dict) -> list[dict]:
    """Every core field, old and new, as a person reads them: the request's own record, kept as submitted."""
    rows = []
    for field in CORE_FIELDS:
        model_field = Channel._meta.get_field(field)
        old, new = getattr(channel, field), getattr(candidate, field)
        rows.append({"field": field, "label": str(model_field.verbose_name), "changed": field in diff,
                     "old": str(display_value(field, old)) if old not in (None, "") else "",
                     "new": str(display_value(field, new)) if new not in (None, "") else ""})
    return rows


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WIDE = ("address", "business_scope", "name", "operator_company")


class ChangeForm(RequestForm):
    """核心信息变更 on a page: the core fields prefilled, an effective date and a note. It starts a change
    (prefilled with the channel's values) and corrects a returned one (prefilled with the requested values)."""

    effective_date = forms.DateField(label="生效日期", widget=DATE_INPUT,
                                     help_text="今天或更早:审批通过即生效;晚于今天:到期生效。")

    def __init__(self, *args, subject: Channel | None = None, process=None, **kwargs):
        self.channel = subject or Channel.objects.select_related("org_unit").get(pk=process.subject_id)
        kwargs["initial"] = {**self._initial(process), **kwargs.get("initial", {})}
        super().__init__(*args, subject=self.channel, process=process, **kwargs)
        core = {}
        for name in CORE_FIELDS:
            if name == "org_unit":  # a transfer may go to another city (its leader co-signs), never to the province
                field = forms.ModelChoiceField(label=Channel._meta.get_field(name).verbose_name, empty_label=None,
                                               queryset=OrgUnit.objects.exclude(tier=OrgUnit.Tier.PROVINCE))
            else:
                field = Channel._meta.get_field(name).formfield()
                if isinstance(field, forms.DateField):
                    field.widget = DATE_INPUT
            if name in WIDE:
                field.widget.attrs["size"] = 60
            core[name] = field
        self.fields = {**core, **self.fields}

    def _initial(self, process) -> dict:
        initial = {name: getattr(self.channel, "org_unit_id" if name == "org_unit" else name) for name in CORE_FIELDS}
        initial["effective_date"] = timezone.localdate()
        if process is not None:
            initial.update({f: c["new"] for f, c in process.payload["changes"].items()})
            initial["effective_date"] = process.payload["effective_date"]
        return initial

    def sections(self) -> list[dict]:
        """The core fields in the channel form's sections (基本信息, 经营者, 银行与合同, 位置), then the request's own."""
        groups = [{"key": key, "title": title, "fields": [self[n] for n in names if n in CORE_FIELDS]}
                  for key, title, names in CHANNEL_FORM_SECTIONS]
        own = [self[n] for n in self.fields if n not in CORE_FIELDS]
        return [g for g in groups if g["fields"]] + [{"key": "request", "title": "变更申请", "fields": own}]

    def changes(self) -> dict:
        """Fields whose value differs from the channel's: strings, or the unit's pk."""
        result = {}
        for name in CORE_FIELDS:
            value = self.cleaned_data.get(name)
            if name == "org_unit":
                if value is not None and value.pk != self.channel.org_unit_id:
                    result[name] = value.pk
                continue
            current = getattr(self.channel, name)
            value = "" if value is None else value
            if str(value) != str(current if current is not None else ""):
                result[name] = str(value)
        return result

    def start_data(self) -> dict:
        return {"channel": self.channel.pk, "changes": self.changes(),
                "effective_date": self.cleaned_data["effective_date"], "comment": self.cleaned_data.get("comment", "")}

    def service_data(self) -> dict:
        return {"changes": self.changes(), "effective_date": self.cleaned_data["effective_date"]}


class ChangeStartForm(ChangeForm):
    comment = forms.CharField(label="变更说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def _finance_change(ctx: PlanContext) -> bool:
    return bool(set(ctx.payload["changes"]) & set(FINANCE_FIELDS))


def _transfer(ctx: PlanContext) -> bool:
    return ctx.receiving_unit is not None


class Change(ChannelKind):
    code = "change"
    label = "核心信息变更"
    prefix = "BG"
    start_input = ChangeStartInput
    resubmit_input = ChangeResubmitInput
    start_form = ChangeStartForm
    resubmit_form = ChangeForm
    start_label = "核心信息变更"
    conditions = {**CHANNEL_CONDITIONS, "finance_change": Condition("变更涉及资金信息", _finance_change),
                  "transfer": Condition("调拨到其他单位", _transfer)}
    columns = (Column("生效日期", lambda p: p.payload.get("effective_date", ""), 12),
               Column("变更字段", lambda p: "、".join(r["label"] for r in p.payload.get("rows", []) if r["changed"]), 30))
    template = "workflows/kinds/change.html"
    document_template = "reports/kinds/change.html"
    complete_event = ProcessEvent.Action.APPLY

    def prepare(self, *, subject: Channel, data, user) -> Request:
        if subject.status not in (Channel.Status.ACTIVE, Channel.Status.SUSPENDED):
            raise ValidationError({"channel": "只有正常或暂停状态的渠道可以发起核心信息变更。"})
        payload, target = self._request(subject, data.get("changes"), data.get("effective_date"))
        return Request(payload=payload, title=subject.name, receiving_unit=target)

    def _request(self, channel: Channel, changes, effective) -> tuple[dict, OrgUnit | None]:
        effective = _effective_date(effective)
        diff, candidate = coerce_changes(channel, changes)
        target = candidate.org_unit if "org_unit" in diff else None
        if target is not None and target.tier == OrgUnit.Tier.PROVINCE:
            raise ValidationError({"changes": "渠道不能直接归属省公司。"})
        payload = {"changes": diff, "effective_date": effective.isoformat(),
                   "rows": change_rows(channel, candidate, diff)}
        return payload, target

    def on_resubmit(self, *, process, data, user):
        channel = Channel.objects.select_related("org_unit").get(pk=process.subject_id)
        raw = data.get("changes") or {f: c["new"] for f, c in process.payload["changes"].items()}
        effective = data.get("effective_date") or date.fromisoformat(process.payload["effective_date"])
        process.payload, process.receiving_unit = self._request(channel, raw, effective)

    def due_date(self, process) -> date:
        return date.fromisoformat(process.payload["effective_date"])

    def complete(self, *, process: ApprovalProcess) -> str:
        values = {}
        for field, change in process.payload["changes"].items():
            values[field] = (OrgUnit.objects.get(pk=change["new"]) if field == "org_unit"
                             else Channel._meta.get_field(field).to_python(change["new"]))
        # on its date the timer applies it (nobody); at once, it is the last approver's doing
        by = None if process.state == State.SCHEDULED else last_person(process)
        channel_apply_changes(channel=Channel(pk=process.subject_id), changes=values, user=by, post_name="系统",
                              reason=f"核心信息变更生效({process.number})")
        return f"生效日期 {process.payload['effective_date']},于 {timezone.localdate():%Y-%m-%d} 执行变更。"

    def rows_for(self, process, user) -> list[dict]:
        """The change as submitted. Who cannot see the channel itself (a transfer's receiving unit) reads only
        the requested changes, not the channel's other core fields."""
        rows = process.payload.get("rows", [])
        if self.subjects(user).filter(pk=process.subject_id).exists():
            return rows
        return [row for row in rows if row["changed"]]

    def detail(self, process, user) -> dict:
        return {**super().detail(process, user), "changes": self.rows_for(process, user),
                "effective_date": process.payload.get("effective_date")}

    def page_context(self, process, user) -> dict:
        return {"change_rows": self.rows_for(process, user), "channel_facts": channel_facts(self, process, user)}

    def document_context(self, process) -> dict:
        receiving = process.receiving_unit.name if process.receiving_unit_id else ""
        return {"info": [[("渠道名称", process.title), ("生效日期", process.payload["effective_date"])],
                         [("接收单位", receiving or "—")]],
                "content": {"changes": process.payload.get("rows", [])}}


CHANGE = register_kind(Change())
