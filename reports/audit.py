"""The audit log (审计日志): every approval-trail entry, every change of a channel record, and every change
of the configuration (org tree, posts, post assignments, routes), oldest first, in the reader's scope."""
import heapq
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import Channel, OrgUnit, Post, PostAssignment
from governance.selectors import scope_unit_ids, scoped
from workflows.models import ProcessEvent, Route, RouteStep
from workflows.selectors import processes_for_user

from .forms import CHANNEL_ACTIONS, CHANNEL_RECORD, CONFIG_RECORD, HISTORY_TYPES, AuditLogFilterForm

AUDIT_CHUNK = 2000
_ID_BATCH = 500  # ids per IN (...) when looking up earlier channel records


def audit_log_validate(filters) -> dict:
    """The audit-log filters cleaned by their form; ValidationError with the form's messages if invalid."""
    form = AuditLogFilterForm(data=filters or {})
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.cleaned_data


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, user, filters=None):
    """Approval-trail entries (ProcessEvent) of the processes the user may see, oldest first."""
    f = audit_log_validate(filters)
    events = ProcessEvent.objects.filter(process_id__in=processes_for_user(user=user).values("pk"))
    if f["kind"] in (CHANNEL_RECORD, CONFIG_RECORD) or f["action"] in CHANNEL_ACTIONS:
        return events.none()
    if f["kind"]:
        events = events.filter(process__kind=f["kind"])
    if f["action"]:
        events = events.filter(action=f["action"])
    if f["actor"]:
        events = events.filter(actor__username=f["actor"])
    if f["date_from"]:
        events = events.filter(at__gte=_day_start(f["date_from"]))
    if f["date_to"]:
        events = events.filter(at__lt=_day_start(f["date_to"] + timedelta(days=1)))
    return events.select_related("actor", "org_unit", "process").order_by("at", "id")


def audit_channel_records(*, user, filters=None):
    """Channel-registry history records (simple-history) of the channels the user may see, oldest first.

    Scope is the channel detail page's: every record of a channel now in the user's scope."""
    f = audit_log_validate(filters)
    records = Channel.history.filter(id__in=scoped(Channel.objects.all(), user).values("pk"))
    if f["kind"] and f["kind"] != CHANNEL_RECORD:
        return records.none()
    if f["action"]:
        if f["action"] not in CHANNEL_ACTIONS:
            return records.none()
        records = records.filter(history_type={v: k for k, v in HISTORY_TYPES.items()}[f["action"]])
    if f["actor"]:
        records = records.filter(history_user__username=f["actor"])
    if f["date_from"]:
        records = records.filter(history_date__gte=_day_start(f["date_from"]))
    if f["date_to"]:
        records = records.filter(history_date__lt=_day_start(f["date_to"] + timedelta(days=1)))
    return records.select_related("history_user").order_by("history_date", "history_id")


def audit_config_records(*, user, filters=None) -> list:
    """History of the configuration (org units, posts, post assignments, routes and their steps): who, when,
    before → after. Configuration is province-wide: only readers who see the whole tree get it."""
    f = audit_log_validate(filters)
    if scope_unit_ids(user) is not None or (f["kind"] and f["kind"] != CONFIG_RECORD):
        return []
    if f["action"] and f["action"] not in CHANNEL_ACTIONS:
        return []
    out = []
    for model in CONFIG_MODELS:
        records = model.history.all()
        if f["action"]:
            records = records.filter(history_type={v: k for k, v in HISTORY_TYPES.items()}[f["action"]])
        if f["actor"]:
            records = records.filter(history_user__username=f["actor"])
        if f["date_from"]:
            records = records.filter(history_date__gte=_day_start(f["date_from"]))
        if f["date_to"]:
            records = records.filter(history_date__lt=_day_start(f["date_to"] + timedelta(days=1)))
        out.append(records.select_related("history_user").order_by("history_date", "history_id"))
    return out


CONFIG_MODELS = (OrgUnit, Post, PostAssignment, Route, RouteStep)
CONFIG_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}


def audit_log_total(*, user, filters=None) -> int:
    return (audit_events(user=user, filters=filters).count() + audit_channel_records(user=user, filters=filters).count()
            + sum(records.count() for records in audit_config_records(user=user, filters=filters)))


def _person(user) -> tuple[str, str]:
    return ((user.get_full_name() or user.username), user.username) if user else ("系统", "")


def _event_rows(events):
    for e in events.iterator(chunk_size=AUDIT_CHUNK):
        name, username = _person(e.actor)
        yield (e.at, 0, e.pk), [
            e.at, name, username, e.post, e.org_unit.name if e.org_unit_id else "",
            e.process.get_kind_display(), e.process.number, e.get_action_display(), e.step, e.comment,
        ]


def _tracked_fields():
    return [f for f in Channel._meta.concrete_fields if f.name not in ("id", "updated_at")]


def _shown(field, value, units) -> str:
    if value is None or value == "":
        return "—"
    if field.name == "org_unit":
        return units.get(value, str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _channel_record_rows(records):
    """One row per record; a change's old → new values come from the channel's previous record, looked
    up per chunk (one query per chunk, whatever the date filter), so memory stays bounded."""
    fields = _tracked_fields()
    attnames = [f.attname for f in fields]
    units = dict(OrgUnit.objects.values_list("pk", "name"))
    History = Channel.history.model
    for chunk in _batched(records.iterator(chunk_size=AUDIT_CHUNK), AUDIT_CHUNK):
        changed = sorted({r.id for r in chunk if r.history_type == "~"})
        timelines = {}
        for ids in _batched(changed, _ID_BATCH):
            earlier = (History.objects.filter(id__in=ids, history_date__lte=chunk[-1].history_date)
                       .order_by("history_date", "history_id").values("id", "history_id", *attnames))
            for values in earlier:
                timelines.setdefault(values["id"], []).append(values)
        for r in chunk:
            changes = ""
            if r.history_type == "~":
                line = timelines.get(r.id, [])
                index = next((i for i, v in enumerate(line) if v["history_id"] == r.history_id), 0)
                if index:
                    before = line[index - 1]
                    changes = ";".join(
                        f"{f.verbose_name}:{_shown(f, before[f.attname], units)} → "
                        f"{_shown(f, getattr(r, f.attname), units)}"
                        for f in fields if before[f.attname] != getattr(r, f.attname))
            name, username = _person(r.history_user)
            yield (r.history_date, 1, r.history_id), [
                r.history_date, name, username, r.acting_post, "", "渠道信息", f"{r.name}({r.node_code})",
                CHANNEL_ACTIONS.get(HISTORY_TYPES.get(r.history_type), r.history_type), changes,
                r.history_change_reason or "",
            ]


def _config_rows(records, rank: int):
    """One row per configuration change; a change lists each field's value before → after."""
    model = records.model.instance_type
    noun = str(model._meta.verbose_name)
    fields = [f for f in model._meta.concrete_fields if f.name != "id"]
    for r in records.iterator(chunk_size=AUDIT_CHUNK):
        changes = ""
        if r.history_type == "~" and (before := r.prev_record) is not None:
            changes = ";".join(f"{f.verbose_name}:{_plain(getattr(before, f.attname))} → {_plain(getattr(r, f.attname))}"
                               for f in fields if getattr(before, f.attname) != getattr(r, f.attname))
        name, username = _person(r.history_user)
        yield (r.history_date, rank, r.history_id), [
            r.history_date, name, username, "", "", "系统配置", f"{noun}:{r.instance}",
            f"{CONFIG_ACTIONS.get(r.history_type, r.history_type)}{noun}", changes, r.history_change_reason or "",
        ]


def _plain(value) -> str:
    return "—" if value in (None, "") else str(value)


def audit_log_rows(*, user, filters=None):
    """审计日志 rows, oldest first: each approval-trail entry, channel-record change and configuration change
    in scope."""
    config = [_config_rows(records, rank) for rank, records in
              enumerate(audit_config_records(user=user, filters=filters), start=2)]
    merged = heapq.merge(_event_rows(audit_events(user=user, filters=filters)),
                         _channel_record_rows(audit_channel_records(user=user, filters=filters)), *config,
                         key=lambda keyed: keyed[0])
    for _, row in merged:
        yield row


