"""抄送 (copies): a participant copies a request to people or posts; a copy is marked read; a 报备 copy's
reader may object within its window (异议), which sends the request back to the lower tier's decision;
once the window passes, the filing stands and the trail says so."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from governance.errors import Conflict
from governance.models import Post, PostAssignment
from governance.selectors import can_act, nearest_holder_unit

from ..models import ApprovalProcess, CopyNotice, ProcessEvent
from ..registry import step_for
from ..selectors import processes_for_user
from . import notices
from .act import act_as
from .actors import own_post
from .trail import SYSTEM, event_record

MAX_RECIPIENTS = 50


def _recipients(process, usernames, post_codes) -> list:
    """People who may see the request: named ones, and the holders of named posts over the request's unit."""
    names = [str(u)[:150] for u in (usernames or [])]
    users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    unknown = set(names) - {u.username for u in users}
    unseen = [u.username for u in users if not processes_for_user(user=u).filter(pk=process.pk).exists()]
    if unknown or unseen:
        raise ValidationError({"to": f"以下账号不存在或不在本申请的数据范围内:{'、'.join(sorted(unknown | set(unseen)))}。"})
    for code in post_codes or []:
        post = Post.objects.filter(code=str(code)[:32]).first()
        unit = nearest_holder_unit(process.org_unit, post.code) if post else None
        if unit is None:
            raise ValidationError({"posts": f"岗位“{str(code)[:32]}”不存在或本申请所在单位及其上级无人任职。"})
        users += [a.user for a in PostAssignment.objects.valid_on().filter(post=post, org_unit=unit)
                  .select_related("user")]
    unique = list({u.pk: u for u in users}.values())
    if not unique or len(unique) > MAX_RECIPIENTS:
        raise ValidationError({"to": f"请选择 1-{MAX_RECIPIENTS} 位抄送人(账号或岗位)。"})
    return unique


@transaction.atomic
def process_copy(*, process: ApprovalProcess, user, to=(), posts=(), comment: str = "") -> list[CopyNotice]:
    """抄送: whoever may see the request and may act copies it to people or posts; they see it in 抄送我的."""
    if not can_act(user) and not user.is_superuser:
        raise ValidationError({"to": "只读岗位不能抄送。"})
    comment = (comment or "").strip()[:500]
    people = _recipients(process, to, posts)
    copies = CopyNotice.objects.bulk_create([CopyNotice(process=process, user=u, copied_by=user, comment=comment)
                                             for u in people])
    names = "、".join(u.get_full_name() or u.username for u in people)
    event_record(process=process, action=ProcessEvent.Action.COPY, actor=own_post(user, process),
                 comment=f"抄送给{names}。{comment}", step_index=process.step_index)
    ids = [c.pk for c in copies]
    notices.copied(copy_ids=ids)
    return copies


def _own_copy(user, copy_id) -> CopyNotice:
    copy = CopyNotice.objects.select_related("process").filter(pk=copy_id, user=user).first() \
        if str(copy_id).isdigit() and len(str(copy_id)) < 19 else None
    if copy is None:
        raise Http404("抄送不存在。")
    return copy


def copy_mark_read(*, user, copy_id) -> CopyNotice:
    copy = _own_copy(user, copy_id)
    if copy.read_at is None:
        CopyNotice.objects.filter(pk=copy.pk, read_at__isnull=True).update(read_at=timezone.now())
        copy.refresh_from_db()
    return copy


def copy_object(*, user, copy_id, comment: str = "") -> ApprovalProcess:
    """异议: within its window, the reader of a 报备 copy sends the request back to the lower tier's decision
    (the last step a person decided before the copy)."""
    copy = _own_copy(user, copy_id)
    reason = (comment or "").strip()
    if not reason:
        raise ValidationError({"comment": "请填写异议理由。"})
    if copy.objection_until is None or copy.settled_at or copy.objected_at:
        raise Conflict("该抄送没有异议期,或异议期已结束,或已提出过异议。")
    if timezone.now() > copy.objection_until:
        raise Conflict("异议期已过,报备已生效。")
    process = copy.process
    task = process.task_set.filter(flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]).first()
    if task is None or not process.is_open:
        raise Conflict("申请已办结或正在等待生效,不能退回;请另行发起变更或退出。")
    copy_index = next(i for i, s in enumerate(process.plan) if s["post"] == copy.post.code and not step_for(s["step"]).queued)
    decided = [i for i, s in enumerate(process.plan[:copy_index]) if step_for(s["step"]).queued]
    actor = own_post(user, process)
    with transaction.atomic():
        CopyNotice.objects.filter(process=process, post=copy.post, objected_at__isnull=True).update(
            objected_at=timezone.now())
        event_record(process=process, action=ProcessEvent.Action.OBJECT, actor=actor, comment=reason,
                     step_index=process.step_index)
        process = act_as(task=task, process=process, actor=SYSTEM, action="return", comment=f"上级异议:{reason}",
                         fields={"to_step": decided[-1]} if decided else {}, force=True)
    notices.objected(process, actor.post_name, reason)
    return process


def copies_settle(*, now=None) -> int:
    """Beat: 报备 copies whose window passed with no objection: the filing stands, once, in the trail."""
    now = now or timezone.now()
    due = CopyNotice.objects.filter(objection_until__lte=now, settled_at__isnull=True, objected_at__isnull=True)
    settled = 0
    for process_id, post_id in set(due.values_list("process_id", "post_id")):
        with transaction.atomic():
            if CopyNotice.objects.filter(process_id=process_id, post_id=post_id, settled_at__isnull=True,
                                         objected_at__isnull=True).update(settled_at=now):
                post = Post.objects.get(pk=post_id)
                event_record(process=ApprovalProcess.objects.get(pk=process_id),
                             action=ProcessEvent.Action.FILING_STANDS, actor=SYSTEM,
                             comment=f"{post.name}异议期满未提出异议,报备生效。")
                settled += 1
    return settled

