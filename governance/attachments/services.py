"""Writes of attachments: add one (checked by content, stored, recorded with who, post and when).

There is no delete and no change: an attachment stays with its channel whatever becomes of the
request it was uploaded for (withdrawn, cancelled, rejected).
"""
from django.core.exceptions import ValidationError
from django.db import transaction

from ..errors import NotAllowed
from ..models import Attachment, Channel
from ..selectors import get_scoped_or_404
from ..services import channel_create
from .checks import check_upload
from .selectors import upload_assignment, upload_posts

KIND_BY_LABEL = {str(label): value for value, label in Attachment.Kind.choices}
KIND_MESSAGE = "附件类型应为:" + "、".join(KIND_BY_LABEL) + "。"
CLOSED_MESSAGE = "渠道已关闭,不能再上传附件。"
NOT_ALLOWED = "您的岗位无权为该渠道上传附件。"


def attachment_kind(value) -> str:
    """A kind given as its code (business_licence) or its Chinese label (营业执照)."""
    value = str(value or "").strip()
    if value in Attachment.Kind.values:
        return value
    if value in KIND_BY_LABEL:
        return KIND_BY_LABEL[value]
    raise ValidationError({"kind": KIND_MESSAGE})


def _acting_post(user, channel: Channel, *, evidence: bool) -> str:
    if upload_posts(channel, evidence=evidence) is None:
        raise NotAllowed(CLOSED_MESSAGE)
    assignment = upload_assignment(user, channel, evidence=evidence)
    if assignment is not None:
        return assignment.post.name
    if user.is_superuser:
        return "系统管理员"
    raise NotAllowed(NOT_ALLOWED)


def _step_fields(process_id, step) -> tuple[int | None, str]:
    if process_id is None:
        return None, ""
    if isinstance(process_id, bool) or not str(process_id).isdigit():
        raise ValidationError({"process_id": "流程ID应为正整数。"})
    return int(process_id), str(step or "")


@transaction.atomic
def attachment_add(*, channel: Channel, user, file, kind, process_id=None, step="") -> Attachment:
    """Attach `file` to `channel`. Checks scope (404), the uploader's post (403), kind, type by content
    and size (400); stores the file under a generated name and records who, post and when.

    With `process_id` (and `step`, e.g. an exit checklist item) it is evidence for that process step:
    the caller has checked that the user acts on that step; any acting post covering the channel may."""
    channel = get_scoped_or_404(Channel.objects.select_related("org_unit"), user, pk=channel.pk)
    process_id, step = _step_fields(process_id, step)
    post_name = _acting_post(user, channel, evidence=process_id is not None)
    kind = attachment_kind(kind)
    checked = check_upload(file)
    attachment = Attachment(
        channel=channel, kind=kind, original_name=checked.name, content_type=checked.content_type,
        size=checked.size, sha256=checked.sha256, uploaded_by=user, acting_post=post_name,
        process_id=process_id, step=step,
    )
    attachment.full_clean(exclude=["file"])
    file.seek(0)
    attachment.file.save(checked.name, file, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)  # no row, no orphan file
        raise
    return attachment


@transaction.atomic
def channel_create_with_documents(*, user, data: dict, documents: dict) -> Channel:
    """录入渠道 and attach its documents ({kind: file}, empty ones skipped) in one transaction.
    A refused document raises ValidationError keyed by its kind, and nothing is created."""
    channel = channel_create(user=user, data=data)
    stored = []
    try:
        for kind, file in documents.items():
            if file:
                stored.append(_document_add(channel=channel, user=user, file=file, kind=kind))
    except Exception:
        for attachment in stored:  # the rows roll back with the transaction; their files go too
            attachment.file.storage.delete(attachment.file.name)
        raise
    return channel


def _document_add(*, channel, user, file, kind) -> Attachment:
    try:
        return attachment_add(channel=channel, user=user, file=file, kind=kind)
    except ValidationError as exc:
        raise ValidationError({kind: exc.messages})
