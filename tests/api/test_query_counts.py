"""The inbox and the lists cost the same number of queries for 2 rows as for 30."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Channel, ChannelType, OrgUnit
from workflows import services
from tests import starts


def _open_requests(user, n):
    unit = OrgUnit.objects.get(code="ZZ-JS")
    manager = user("zz_manager")
    start = Channel.objects.count()
    for i in range(start, start + n):
        channel = Channel.objects.create(
            node_code=f"ZZ-JS-Q{i:04d}", name=f"计数测试{i}", channel_type=ChannelType.OWN_HALL, org_unit=unit,
            address="测试", contact_mobile="13912345678", created_by=manager)
        starts.onboarding_start(user=manager, channel_id=channel.pk)


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/channels/", "/api/v1/processes/"])
def test_list_queries_do_not_grow_with_rows(api, user, path):
    client = api("zz_supervisor")
    _open_requests(user, 2)
    _queries(client, path)  # warm the per-process caches (content types)
    few, count_few = _queries(client, path)
    _open_requests(user, 28)
    many, count_many = _queries(client, path)
    assert count_many > count_few
    assert many == few
