"""List pages cost the same number of queries for 5 rows as for 30, but for the count a full page needs."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Channel, OrgUnit
from tests.starts import onboarding_start
from workflows.models import ApprovalProcess

from .conftest import channel_data


def _channels(user, count, start):
    unit = OrgUnit.objects.get(code="ZZ-JS")
    ids = []
    for n in range(start, start + count):
        data = channel_data(n=n)
        data.update(org_unit=unit, star_level=3, staff_count=4)
        for key in ("longitude", "latitude", "floor_area", "deposit", "contract_start", "contract_end"):
            data.pop(key)
        ids.append(Channel.objects.create(**data, created_by=user, status=Channel.Status.DRAFT).pk)
    return ids


def _count(client, url):
    client.get(url)  # warm up the session, content types, etc.
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_channel_list_queries_are_constant(pages, user):
    client = pages("zz_manager")
    _channels(user("zz_manager"), 5, 100)
    few = _count(client, "/channels/")
    _channels(user("zz_manager"), 25, 200)
    many = _count(client, "/channels/")
    assert Channel.objects.count() >= 30
    assert many == few + 1, (few, many)  # 30 rows fill a page of 20, which then counts them; 5 count themselves
    assert _count(client, "/channels/?status=draft&q=页面&org_unit=%d" % OrgUnit.objects.get(code="ZZ").pk) <= many + 1


def test_inbox_queries_are_constant(pages, user):
    manager, client = user("zz_manager"), pages("zz_supervisor")
    for pk in _channels(manager, 5, 300):
        onboarding_start(user=manager, channel_id=pk)
    few = _count(client, "/")
    for pk in _channels(manager, 25, 400):
        onboarding_start(user=manager, channel_id=pk)
    assert ApprovalProcess.objects.count() == 30
    many = _count(client, "/")
    assert many == few + 1, (few, many)  # a full page of 20 counts the 30 tasks; 5 on a short page need no count
    assert many <= 13  # session, user, posts, substitutions covered, scope, grants, units, page count (a full
    # page only), page, processes, names, unread notifications, the 待办 count in the navigation
