"""Reads of attachments: the same scope as their channel (outside it they do not exist: 404)."""
from django.db.models import QuerySet
from django.http import Http404

from .. import posts
from ..models import Attachment, Channel
from ..selectors import can_act, get_scoped_or_404, scoped
from ..services import acting_assignment

# Evidence for a process step may come from whoever acts on that step (e.g. 省财务部 for the deposit refund).
EVIDENCE_POSTS = {code for code, _, read_only in posts.ALL if not read_only}
NOT_FOUND = "附件不存在或不在您的数据范围内。"


def attachments_of(*, channel: Channel, user) -> QuerySet:
    """The channel's attachments, newest first; Http404 if the user cannot see the channel."""
    get_scoped_or_404(Channel.objects.all(), user, pk=channel.pk)
    return Attachment.objects.filter(channel_id=channel.pk).select_related("uploaded_by").order_by("-id")


def attachment_get_or_404(*, user, pk) -> Attachment:
    """One attachment, if the user can see its channel."""
    visible = scoped(Channel.objects.all(), user).values("pk")
    try:
        return Attachment.objects.select_related("channel").get(pk=pk, channel__in=visible)
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND)


def upload_posts(channel: Channel, *, evidence: bool = False) -> set[str] | None:
    """Posts that may attach files to the channel now; None when nobody may (a closed channel).

    The channel's editors while it is a draft, pending, active or suspended; while it is exiting (its
    direct edits are locked) the 渠道经理/主管 who run the exit; evidence for a process step, whoever
    acts on steps."""
    if evidence:
        return EVIDENCE_POSTS
    if channel.status == Channel.Status.CLOSED:
        return None
    if channel.status == Channel.Status.EXITING:
        return posts.EXIT_UPLOADERS
    return posts.CHANNEL_EDITORS


def upload_assignment(user, channel: Channel, *, evidence: bool = False):
    """The user's post that allows the upload, or None (a superuser may without one: returns None too)."""
    allowed = upload_posts(channel, evidence=evidence)
    if allowed is None or not can_act(user):
        return None
    return acting_assignment(user, channel.org_unit, allowed)


def may_upload(user, channel: Channel, *, evidence: bool = False) -> bool:
    if upload_posts(channel, evidence=evidence) is None:
        return False
    return user.is_superuser or upload_assignment(user, channel, evidence=evidence) is not None
