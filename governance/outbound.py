"""Outbound certificates (外呼资格证书): the steps' checks the certification flow calls, the grant, the
province QA's suspend / revoke / lift, "may this agent call now?", and the expiry reminders.

Every move of a certificate is one CertificateEvent (who, post, when, from → to, why) written in the
same transaction; the moves a person may make come from Certificate.TRANSITIONS.
"""
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from . import posts
from .errors import Conflict, NotAllowed
from .models import (
    Certificate, CertificateEvent, CertificateReminder, CertificateStatus, CourseLevel, ExamLevel, OrgUnit,
    OutboundAgent, PostLevel,
)
from .models.outbound import EXPIRING_DAYS, status_of
from .notifications import notify, post_holders
from .selectors import can_act, scoped
from .services import acting_assignment

MAX_VALIDITY_DAYS = 5 * 366  # a validity longer than five years is a typing error
REASON_MAX = Certificate._meta.get_field("status_reason").max_length
NO_CERTIFICATE = "该外呼人员没有外呼资格证书。"
QA_ONLY = "只有省公司外呼质检/培训岗位可以{action}外呼资格证书。"
OPS_ONLY = "只有外呼人员所属单位(或其上级)的外呼运营岗位可以申请认证。"
ACTION_VERBS = {CertificateEvent.Action.SUSPEND: "暂停", CertificateEvent.Action.REVOKE: "吊销",
                CertificateEvent.Action.LIFT: "解除暂停", CertificateEvent.Action.GRANT: "发放"}
REMINDER_EVENT = "certificate.expiring"


# ---------------------------------------------------------------- checks of the certification steps

def exam_level(level) -> ExamLevel:
    """The exam level of a certificate level (pass mark, course level); ValidationError if unknown."""
    if level not in PostLevel.values:
        raise ValidationError({"level": f"证书等级应为 1-4(一级至四级),收到“{level}”。"})
    found = ExamLevel.objects.filter(level=level).first()
    if found is None:
        raise ValidationError({"level": f"{PostLevel(level).label}尚未配置考试及格分与课程等级。"})
    return found


def certification_check(*, user, agent: OutboundAgent, level) -> None:
    """May `user` apply for `agent` at `level`? The city's 外呼运营 (of the agent's unit or above),
    an agent on post, a configured level, and no suspended certificate. Raises NotAllowed or
    ValidationError."""
    if not can_act(user) or acting_assignment(user, agent.org_unit, {posts.OUTBOUND_OPS}) is None:
        raise NotAllowed(OPS_ONLY)
    exam_level(level)
    if not agent.active:
        raise ValidationError({"agent": "该外呼人员已不在岗,不能申请认证。"})
    current = agent.certificates.filter(is_current=True).first()
    if current and current.status == Certificate.Stored.SUSPENDED:
        raise ValidationError({"agent": "该外呼人员的证书已暂停,解除暂停前不能申请认证。"})


def training_record(*, application_agent: OutboundAgent, level, course_level) -> ExamLevel:
    """The training step: the completed course's level must be the one the certificate level requires."""
    required = exam_level(level)
    if course_level != required.course_level:
        shown = CourseLevel(course_level).label if course_level in CourseLevel.values else course_level
        raise ValidationError({"course_level": (
            f"{application_agent.name}申请{required.get_level_display()}证书,须完成"
            f"{required.get_course_level_display()}课程,所报课程等级为“{shown}”。")})
    return required


def exam_passes(*, level, score) -> bool:
    """Does `score` (0-100) reach the level's pass mark (kept as data in ExamLevel)?"""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ValidationError({"score": "考试成绩应为 0-100 的整数。"})
    return score >= exam_level(level).pass_mark


# ---------------------------------------------------------------- who may move a certificate

def _qa_post(user, unit: OrgUnit, action: str) -> str:
    """The province 外呼质检/培训 post covering `unit`; its name goes on the event. Nobody else may."""
    assignment = acting_assignment(user, unit, {posts.OUTBOUND_QA}) if can_act(user) else None
    if assignment is None or assignment.org_unit.tier != OrgUnit.Tier.PROVINCE:
        raise NotAllowed(QA_ONLY.format(action=ACTION_VERBS[action]))
    return assignment.post.name


def is_outbound_qa(user, unit: OrgUnit) -> bool:
    """Only decides which buttons a page shows; every service checks again."""
    try:
        _qa_post(user, unit, CertificateEvent.Action.SUSPEND)
    except NotAllowed:
        return False
    return True


def _reason(reason) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": "请填写原因。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"原因不能超过 {REASON_MAX} 个字。"})
    return reason


def _record(certificate: Certificate, *, action, before: str, user, post: str, reason: str) -> CertificateEvent:
    event = CertificateEvent(certificate=certificate, action=action, from_status=before,
                             to_status=certificate.status_on(), level=certificate.level,
                             valid_to=certificate.valid_to, actor=user, post=post, reason=reason)
    event.full_clean()
    event.save()
    return event


def _check_period(valid_from, valid_to, today: date):
    if not isinstance(valid_from, date) or not isinstance(valid_to, date):
        raise ValidationError({"valid_to": "请填写生效日期与到期日期。"})
    if valid_to < valid_from:
        raise ValidationError({"valid_to": "到期日期不能早于生效日期。"})
    if valid_to < today:
        raise ValidationError({"valid_to": "到期日期不能早于今天。"})
    if (valid_to - valid_from).days > MAX_VALIDITY_DAYS:
        raise ValidationError({"valid_to": "有效期不能超过五年。"})


# ---------------------------------------------------------------- grant, suspend, revoke, lift

@transaction.atomic
def certificate_grant(*, agent: OutboundAgent, level, valid_from: date, valid_to: date, user,
                      reason: str) -> Certificate:
    """Grant `agent` a certificate at `level` for [valid_from, valid_to] (province QA).

    If the agent's current certificate is still in force (not yet valid, valid or expiring), this is a
    recertification before expiry: that certificate is extended to `valid_to` at `level`. Otherwise
    (none, expired, revoked) a new certificate becomes the current one. A suspended certificate must be
    lifted or revoked first."""
    post = _qa_post(user, agent.org_unit, CertificateEvent.Action.GRANT)
    agent = OutboundAgent.objects.select_for_update().select_related("org_unit").get(pk=agent.pk)
    exam_level(level)
    reason = _reason(reason)
    today = timezone.localdate()
    _check_period(valid_from, valid_to, today)
    if not agent.active:
        raise ValidationError({"agent": "该外呼人员已不在岗,不能发证。"})
    current = Certificate.objects.select_for_update().filter(agent=agent, is_current=True).first()
    before = current.status_on(today) if current else ""
    if before == CertificateStatus.SUSPENDED:
        raise Conflict("该外呼人员的证书已暂停,请先解除暂停或吊销后再发证。")
    if before in Certificate.EXTENDABLE:
        return _extend(current, before=before, level=level, valid_to=valid_to, user=user, post=post, reason=reason)
    if current:
        current.is_current = False
        current.save(update_fields=["is_current"])
    certificate = Certificate(agent=agent, org_unit=agent.org_unit, level=level, issued_on=today,
                              valid_from=valid_from, valid_to=valid_to)
    certificate.full_clean()
    certificate.save()
    _record(certificate, action=CertificateEvent.Action.GRANT, before="", user=user, post=post, reason=reason)
    return certificate


def _extend(certificate: Certificate, *, before, level, valid_to, user, post, reason) -> Certificate:
    if valid_to <= certificate.valid_to:
        raise ValidationError({"valid_to": f"复训续期的到期日期应晚于原到期日期 {certificate.valid_to:%Y-%m-%d}。"})
    if (valid_to - certificate.valid_from).days > MAX_VALIDITY_DAYS:
        raise ValidationError({"valid_to": "续期后自生效日期起的有效期不能超过五年。"})
    certificate.level, certificate.valid_to = level, valid_to
    certificate.full_clean()
    certificate.save(update_fields=["level", "valid_to"])
    _record(certificate, action=CertificateEvent.Action.EXTEND, before=before, user=user, post=post, reason=reason)
    return certificate


STORED_AFTER = {
    CertificateEvent.Action.SUSPEND: (Certificate.Stored.SUSPENDED, CertificateStatus.SUSPENDED),
    CertificateEvent.Action.REVOKE: (Certificate.Stored.REVOKED, CertificateStatus.REVOKED),
    CertificateEvent.Action.LIFT: (Certificate.Stored.ACTIVE, CertificateStatus.VALID),
}


@transaction.atomic
def _move(*, certificate: Certificate, user, reason: str, action: str) -> Certificate:
    post = _qa_post(user, certificate.org_unit, action)
    reason = _reason(reason)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    before = certificate.status_on()
    stored, target = STORED_AFTER[action]
    if target not in Certificate.TRANSITIONS[before]:
        raise Conflict(f"证书当前为“{CertificateStatus(before).label}”,不能{ACTION_VERBS[action]}。")
    certificate.status = stored
    certificate.status_reason = "" if action == CertificateEvent.Action.LIFT else reason
    certificate.save(update_fields=["status", "status_reason"])
    _record(certificate, action=action, before=before, user=user, post=post, reason=reason)
    return certificate


def certificate_suspend(*, certificate: Certificate, user, reason: str) -> Certificate:
    """暂停 (province QA, with a reason): may-call is false from this moment until lifted."""
    return _move(certificate=certificate, user=user, reason=reason, action=CertificateEvent.Action.SUSPEND)


def certificate_revoke(*, certificate: Certificate, user, reason: str) -> Certificate:
    """吊销 (province QA, with a reason): final; the agent needs a new certification."""
    return _move(certificate=certificate, user=user, reason=reason, action=CertificateEvent.Action.REVOKE)


def certificate_lift(*, certificate: Certificate, user, reason: str) -> Certificate:
    """解除暂停 (province QA, with a reason): back to what its dates say (valid, expiring or expired)."""
    return _move(certificate=certificate, user=user, reason=reason, action=CertificateEvent.Action.LIFT)


# ---------------------------------------------------------------- may this agent call now?

MAY_CALL_COLUMNS = ("status", "valid_from", "valid_to", "level", "status_reason")


def _answer(row, today: date) -> tuple[bool, str]:
    stored, valid_from, valid_to, level, status_reason = row
    status = status_of(stored, valid_from, valid_to, today)
    label = PostLevel(level).label
    if status == CertificateStatus.VALID:
        return True, f"持有效{label}证书,有效期至 {valid_to:%Y-%m-%d}。"
    if status == CertificateStatus.EXPIRING:
        return True, f"持有效{label}证书,将于 {valid_to:%Y-%m-%d} 到期(剩余 {(valid_to - today).days} 天)。"
    if status == CertificateStatus.PENDING:
        return False, f"{label}证书尚未生效,生效日期 {valid_from:%Y-%m-%d}。"
    if status == CertificateStatus.EXPIRED:
        return False, f"{label}证书已于 {valid_to:%Y-%m-%d} 到期。"
    if status == CertificateStatus.SUSPENDED:
        return False, f"{label}证书已暂停:{status_reason}"
    return False, f"{label}证书已吊销:{status_reason}"


def _current_row(queryset, agent_id: int):
    # no ORDER BY: the partial unique index (agent_id WHERE is_current) finds the one row
    rows = list(queryset.filter(agent_id=agent_id, is_current=True).values_list(*MAY_CALL_COLUMNS)[:1])
    return rows[0] if rows else None


def may_call(*, agent_id: int, today: date | None = None) -> tuple[bool, str]:
    """(allowed, reason in Chinese) from the agent's current certificate alone: one indexed query."""
    row = _current_row(Certificate.objects.all(), agent_id)
    if row is None:
        return False, NO_CERTIFICATE
    return _answer(row, today or timezone.localdate())


def may_call_for(*, user, agent_id: int, today: date | None = None) -> tuple[bool, str]:
    """may_call for a caller who sees only their units: the scope is checked on the certificate's copy
    of the agent's unit. Only without a certificate is the agent looked up (Http404 outside scope)."""
    row = _current_row(scoped(Certificate.objects.all(), user, "org_unit"), agent_id)
    if row is not None:
        return _answer(row, today or timezone.localdate())
    if not scoped(OutboundAgent.objects.filter(pk=agent_id), user).exists():
        raise Http404("外呼人员不存在或不在您的数据范围内。")
    return False, NO_CERTIFICATE


# ---------------------------------------------------------------- expiry reminders

def _reminder_text(certificate: Certificate, days_left: int) -> tuple[str, str]:
    agent = certificate.agent
    title = f"外呼资格证书将于 {certificate.valid_to:%Y-%m-%d} 到期(剩余 {days_left} 天)"
    body = (f"{certificate.org_unit.name}外呼人员{agent.name}(工号 {agent.employee_no})的"
            f"{certificate.get_level_display()}外呼资格证书将于 {certificate.valid_to:%Y-%m-%d} 到期,"
            f"请及时安排复训认证;到期后该人员不能外呼。")
    return title, body


def certificate_reminders_send(*, today: date | None = None) -> int:
    """Remind the agent's unit (its 外呼运营, or the nearest unit above that has one) 30 days before a
    current certificate ends and again at 7 days; each at most once per end date. A certificate first
    seen with 7 days or fewer left gets only the 7-day reminder. Returns the reminders sent."""
    today = today or timezone.localdate()
    due = list(Certificate.objects.filter(
        is_current=True, status=Certificate.Stored.ACTIVE,
        valid_to__gte=today, valid_to__lte=today + timedelta(days=EXPIRING_DAYS),
    ).select_related("agent", "org_unit").order_by("valid_to", "pk"))
    sent_before = set(CertificateReminder.objects.filter(certificate__in=due)
                      .values_list("certificate_id", "stage", "valid_to"))
    holders, sent = {}, 0
    for certificate in due:
        days_left = certificate.days_left(today)
        stage = CertificateReminder.Stage.DAYS_7 if days_left <= 7 else CertificateReminder.Stage.DAYS_30
        if (certificate.pk, stage, certificate.valid_to) in sent_before:
            continue
        if certificate.org_unit_id not in holders:
            holders[certificate.org_unit_id] = post_holders(post_code=posts.OUTBOUND_OPS, unit=certificate.org_unit)
        users = holders[certificate.org_unit_id]
        if users and _send_reminder(certificate, stage, days_left, users):
            sent += 1
    return sent


@transaction.atomic
def _send_reminder(certificate: Certificate, stage: int, days_left: int, users) -> bool:
    try:
        with transaction.atomic():
            CertificateReminder.objects.create(certificate=certificate, stage=stage, valid_to=certificate.valid_to,
                                               recipients=len(users))
    except IntegrityError:  # another run sent this one already
        return False
    title, body = _reminder_text(certificate, days_left)
    notify(users=users, event=REMINDER_EVENT, title=title, body=body,
           link=reverse("governance:agent_detail", args=[certificate.agent_id]))
    return True

