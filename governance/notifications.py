"""In-app notifications: send to users or to a post's holders, list a user's own, mark them read.

A small piece other apps build on (e-mail and preferences come later): callers say who, which event
and what to say; nothing here knows about certificates or processes.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Notification, OrgUnit, PostAssignment
from .models.notifications import EVENTS, NotificationPreference
from .selectors import nearest_holder_unit
from .tasks_mail import send_notification_email

TITLE_MAX = Notification._meta.get_field("title").max_length
LINK_MAX = Notification._meta.get_field("link").max_length


def post_holders(*, post_code: str, unit: OrgUnit) -> list:
    """Current holders of the post at `unit`, or at its nearest ancestor that has one; [] if nobody does."""
    holder_unit = nearest_holder_unit(unit, post_code)
    if holder_unit is None:
        return []
    user_ids = (PostAssignment.objects.valid_on().filter(post__code=post_code, org_unit=holder_unit)
                .values("user_id"))
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def notify(*, users, event: str, title: str, body: str = "", link: str = "") -> list[Notification]:
    """One unread notification per distinct active user who has not turned this event off, and an e-mail
    (sent after commit, by Celery) to those who asked for one; returns the in-app notifications."""
    if not event or not title:
        raise ValidationError("通知须有事件代码与标题。")
    if len(link) > LINK_MAX:
        raise ValidationError({"link": f"链接不能超过 {LINK_MAX} 个字符。"})
    people = list({u.pk: u for u in users if u.is_active}.values())
    choices = dict(((p.user_id, (p.in_app, p.email)) for p in NotificationPreference.objects.filter(
        user__in=[u.pk for u in people], event=event))) if people else {}
    now = timezone.now()
    rows = [Notification(recipient=u, event=event, title=title[:TITLE_MAX], body=body, link=link, created=now)
            for u in people if choices.get(u.pk, (True, False))[0]]
    mail = [u.email for u in people if choices.get(u.pk, (True, False))[1] and u.email]
    if mail:
        transaction.on_commit(lambda: send_notification_email.delay(title[:TITLE_MAX], body, link, mail), robust=True)
    return Notification.objects.bulk_create(rows)  # one statement (bulk_create batches in its own transaction)


def preferences_of(*, user) -> list[dict]:
    """Every event with the person's choice (defaults where they made none)."""
    chosen = {p.event: p for p in NotificationPreference.objects.filter(user=user)}
    return [{"event": code, "label": label, "in_app": chosen[code].in_app if code in chosen else True,
             "email": chosen[code].email if code in chosen else False} for code, label in EVENTS.items()]


@transaction.atomic
def preferences_set(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Save the person's choices: event code → (in-app, e-mail); unknown codes are refused."""
    unknown = set(choices) - set(EVENTS)
    if unknown:
        raise ValidationError({"event": f"未知的通知事件:{'、'.join(sorted(unknown))}。"})
    for event, (in_app, email) in choices.items():
        NotificationPreference.objects.update_or_create(user=user, event=event,
                                                        defaults={"in_app": in_app, "email": email})


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return notifications_of(user=user, unread=True).update(read_at=timezone.now())


def notify_post(*, post_code: str, unit: OrgUnit, event: str, title: str, body: str = "",
                link: str = "") -> list[Notification]:
    """Notify whoever holds `post_code` at `unit` or its nearest ancestor that has a holder."""
    return notify(users=post_holders(post_code=post_code, unit=unit), event=event, title=title, body=body,
                  link=link)


def notifications_of(*, user, unread: bool = False) -> QuerySet:
    """The user's own notifications, newest first (no one sees another's)."""
    if not user or not user.is_authenticated:
        return Notification.objects.none()
    queryset = Notification.objects.filter(recipient=user)
    if unread:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created", "-id")


def unread_count(*, user) -> int:
    return notifications_of(user=user, unread=True).count()


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (idempotent); another user's is a 404."""
    notification = notifications_of(user=user).select_for_update().filter(pk=notification_id).first()
    if notification is None:
        raise Http404("通知不存在。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
