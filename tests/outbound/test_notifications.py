"""In-app notifications: to users, to a post's holders (nearest unit up the tree), unread first, mark read."""
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.http import Http404

from governance.models import Notification
from governance.notifications import notifications_of, notification_mark_read, notify, notify_post, unread_count
from tests.services.conftest import Svc

from .conftest import at_noon, days, person, unit


def test_notify_once_per_user_and_not_the_inactive(demo):
    idle = person("zz_leader")
    idle.is_active = False
    idle.save()
    sent = notify(users=[person("zz_manager"), person("zz_manager"), idle], event="test.hello", title="你好",
                  body="正文", link="/channels/")
    assert [n.recipient.username for n in sent] == ["zz_manager"]
    assert Notification.objects.get().title == "你好"


@pytest.mark.parametrize("kwargs", [{"event": "", "title": "标题"}, {"event": "x", "title": ""},
                                    {"event": "x", "title": "标题", "link": "/" * 501}])
def test_notify_refuses_empty_event_title_and_long_links(demo, kwargs):
    with pytest.raises(ValidationError):
        notify(users=[person("zz_manager")], **kwargs)
    assert not Notification.objects.exists()


def test_notify_post_reaches_the_nearest_unit_that_has_a_holder(demo):
    sent = notify_post(post_code="outbound_ops", unit=unit("ZZ-JS"), event="test", title="金水区的外呼通知")
    assert [n.recipient.username for n in sent] == ["zz_outbound"]
    Svc.hold("js_outbound", "outbound_ops", "ZZ-JS")
    sent = notify_post(post_code="outbound_ops", unit=unit("ZZ-JS"), event="test", title="再次通知")
    assert [n.recipient.username for n in sent] == ["js_outbound"]
    Svc.end_assignment("ly_outbound")
    assert notify_post(post_code="outbound_ops", unit=unit("LY-LL"), event="test", title="无人") == []


def test_a_former_holder_is_not_notified(demo):
    Svc.end_assignment("zz_outbound")
    assert notify_post(post_code="outbound_ops", unit=unit("ZZ"), event="test", title="无人") == []


def test_my_unread_newest_first_and_mark_read(demo):
    me, other = person("zz_manager"), person("ly_manager")
    with time_machine.travel(at_noon(days(-2))):
        first = notify(users=[me], event="test", title="旧")[0]
    second = notify(users=[me], event="test", title="新")[0]
    notify(users=[other], event="test", title="别人的")
    assert [n.title for n in notifications_of(user=me, unread=True)] == ["新", "旧"]
    assert unread_count(user=me) == 2
    notification_mark_read(user=me, notification_id=first.pk)
    notification_mark_read(user=me, notification_id=first.pk)  # idempotent
    assert [n.pk for n in notifications_of(user=me, unread=True)] == [second.pk]
    assert [n.title for n in notifications_of(user=me)] == ["新", "旧"]
    with pytest.raises(Http404):
        notification_mark_read(user=other, notification_id=second.pk)
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_unread_index_exists(demo):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Notification._meta.db_table)
    assert indexes["notification_unread_idx"]["columns"] == ["recipient_id", "created"]


def test_api_lists_my_notifications_with_the_unread_count(demo, api):
    me = person("zz_outbound")
    older = notify(users=[me], event="test", title="旧通知")[0]
    notify(users=[me], event="test", title="新通知", link="/outbound/agents/")
    notify(users=[person("ly_manager")], event="test", title="别人的")
    client = api("zz_outbound")
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 2 and body["unread"] == 2
    assert [n["title"] for n in body["results"]] == ["新通知", "旧通知"]
    read = client.post(f"/api/v1/notifications/{older.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True
    body = client.get("/api/v1/notifications/?unread=true").json()
    assert body["unread"] == 1 and [n["title"] for n in body["results"]] == ["新通知"]
    assert client.get("/api/v1/notifications/").json()["count"] == 2
    other = Notification.objects.get(title="别人的")
    response = client.post(f"/api/v1/notifications/{other.pk}/read/")
    assert response.status_code == 404 and Notification.objects.get(pk=other.pk).read_at is None


def test_api_list_queries_do_not_grow(demo, api):
    me, client = person("zz_outbound"), api("zz_outbound")
    notify(users=[me], event="test", title="一")
    client.get("/api/v1/notifications/")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/notifications/")
    for i in range(30):
        notify(users=[me], event="test", title=f"第{i}条")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/notifications/").json()["count"] == 31
    assert len(many.captured_queries) == len(few.captured_queries)
