"""What the channel kinds (新增, 变更, 退出) share: a channel as the subject, its type as the route category."""
from governance import posts
from governance.models import Channel, ChannelType
from governance.display import display_value
from governance.selectors import channel_list
from governance.services import channel_set_status

from .base import Condition, PlanContext, ProcessKind

CHANNEL_FACTS = ("node_code", "boss_code", "name", "channel_type", "star_level", "org_unit", "address",
                 "operator_company", "credit_code", "bank_name", "bank_account", "business_scope", "contact_mobile",
                 "deposit", "contract_number", "contract_start", "contract_end", "status")


def _social(ctx: PlanContext) -> bool:
    return ctx.subject.is_social


def _has_boss_code(ctx: PlanContext) -> bool:
    return bool(ctx.subject.boss_code)


CHANNEL_CONDITIONS = {
    "social": Condition("社会渠道", _social),
    "has_boss_code": Condition("已有BOSS编码", _has_boss_code),
}


class ChannelKind(ProcessKind):
    subject_model = Channel
    subject_field = "channel"
    subject_noun = "渠道"
    category_label = "渠道类型"
    requester_posts = frozenset(posts.REQUESTERS)
    conditions = CHANNEL_CONDITIONS

    def subjects(self, user):
        return channel_list(user=user)

    def category_of(self, channel: Channel) -> str:
        return channel.channel_type

    def categories(self):
        return list(ChannelType.choices)

    def title_of(self, channel: Channel) -> str:
        return channel.name

    def subject_url(self, channel) -> str:
        return f"/channels/{channel.pk}/"

    def may_start_on(self, channel) -> bool:
        return channel.status in (Channel.Status.ACTIVE, Channel.Status.SUSPENDED)

    def detail(self, process, user) -> dict:
        return {"channel": process.subject_id, "channel_name": process.title}

    def set_status(self, process, status: str, *, user, post_name: str, reason: str) -> None:
        channel = Channel.objects.select_for_update().get(pk=process.subject_id)
        if channel.status != status:
            channel_set_status(channel=channel, status=status, user=user, post_name=post_name, reason=reason)


def channel_facts(kind: ChannelKind, process, user) -> list[dict]:
    """The channel's live record beside the request, only for people who may see the channel itself
    (a transfer's receiving unit sees the request's own fields, not the channel)."""
    channel = kind.subjects(user).filter(pk=process.subject_id).first()
    if channel is None:
        return []
    return [{"label": Channel._meta.get_field(name).verbose_name, "value": display_value(name, getattr(channel, name))}
            for name in CHANNEL_FACTS]


def last_person(process):
    """Whose decision triggered an automatic step: the channel history names them, in the post 系统."""
    last = process.events.exclude(actor=None).order_by("-at", "-id").select_related("actor").first()
    return last.actor if last else process.requester


# ---------------------------------------------------------------- the approval form's channel content

ATTRIBUTES = (
    "name", "node_code", "boss_code", "channel_type", "star_level", "org_unit", "address", "opening_hours",
    "floor_area", "staff_count", "contact_mobile", "operator_company", "credit_code", "legal_representative",
    "bank_name", "bank_account", "deposit", "contract_number", "contract_start", "contract_end", "business_scope",
)


def channel_as_of(process) -> Channel:
    """The channel as the form reports it: for a closed process, as it stood when the process ended."""
    channel = Channel.objects.select_related("org_unit").get(pk=process.subject_id)
    last = None if process.is_open else process.events.order_by("-at", "-id").values_list("at", flat=True).first()
    if last is None:
        return channel
    try:
        return channel.history.as_of(last)
    except Channel.DoesNotExist:
        return channel


def _shown(channel: Channel, name: str) -> str:
    value = getattr(channel, name)
    if value in (None, ""):
        return ""
    if name == "star_level":
        return f"{value}星"
    if name == "org_unit":
        return value.name
    return str(display_value(name, value))


def attribute_pairs(channel: Channel) -> list[list[dict]]:
    """Two label/value pairs per table row; a long value (address, scope) gets a row of its own."""
    out, pending = [], []
    for name in ATTRIBUTES:
        row = {"label": str(Channel._meta.get_field(name).verbose_name), "value": _shown(channel, name)}
        if len(row["value"]) > 24:
            out += [pending] if pending else []
            out.append([row])
            pending = []
            continue
        pending.append(row)
        if len(pending) == 2:
            out.append(pending)
            pending = []
    return out + ([pending] if pending else [])
