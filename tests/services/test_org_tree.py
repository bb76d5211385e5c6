"""The org tree answers subtree and ancestor questions in one query, however deep or wide."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from governance.models import Channel, OrgUnit, PostAssignment
from governance.selectors import nearest_holder_unit, scoped


def _chain(depth, width=3):
    parent = OrgUnit.objects.get(code="ZZ-JS")
    for level in range(depth):
        for i in range(width):
            unit = OrgUnit.objects.create(code=f"T{level}-{i}", name=f"测试{level}-{i}", tier="centre", parent=parent)
        parent = unit
    return parent


def test_path_is_materialised(demo):
    unit = OrgUnit.objects.get(code="ZZ-JS")
    assert unit.path == "HA/ZZ/ZZ-JS/"
    assert unit.depth == 2
    assert [u.code for u in unit.ancestors()] == ["ZZ-JS", "ZZ", "HA"]


@pytest.mark.parametrize("depth", [1, 6])
def test_subtree_and_ancestors_are_one_query_each(demo, depth):
    leaf = _chain(depth)
    zz = OrgUnit.objects.get(code="ZZ")
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(zz.descendants())) == 3 + 3 * depth
        assert list(leaf.ancestors())[-1].code == "HA"
    assert len(ctx.captured_queries) == 2


def test_approver_is_nearest_holder_up_the_tree(demo):
    leaf = _chain(4)
    assert nearest_holder_unit(leaf, "channel_supervisor").code == "ZZ"
    assert nearest_holder_unit(leaf, "province_marketing").code == "HA"
    assert nearest_holder_unit(OrgUnit.objects.get(code="LY-LL"), "outbound_ops").code == "LY"
    PostAssignment.objects.filter(post__code="outbound_ops", org_unit__path__startswith="HA/LY/").delete()
    assert nearest_holder_unit(OrgUnit.objects.get(code="LY-LL"), "outbound_ops") is None


def test_object_grant_shows_one_channel_outside_scope(demo, user):
    ly = user("ly_manager")
    zz_channel = Channel.objects.filter(org_unit__code__startswith="ZZ").first()
    assert not scoped(Channel.objects.all(), ly).filter(pk=zz_channel.pk).exists()
    assign_perm("governance.view_channel", ly, zz_channel)
    ly = user("ly_manager")  # grants are read once per request (user object)
    visible = scoped(Channel.objects.all(), ly)
    assert visible.filter(pk=zz_channel.pk).exists()
    assert visible.filter(org_unit__code__startswith="ZZ").count() == 1


def test_moving_a_unit_moves_its_subtree(demo):
    county = OrgUnit.objects.get(code="ZZ-JS")
    OrgUnit.objects.create(code="ZZ-JS-C1", name="金水营服中心", tier="centre", parent=county)
    county.parent = OrgUnit.objects.get(code="LY")
    county.save()
    assert OrgUnit.objects.get(code="ZZ-JS-C1").path == "HA/LY/ZZ-JS/ZZ-JS-C1/"


def test_a_unit_cannot_move_under_itself(demo):
    from django.core.exceptions import ValidationError

    zz = OrgUnit.objects.get(code="ZZ")
    zz.parent = OrgUnit.objects.get(code="ZZ-JS")
    with pytest.raises(ValidationError):
        zz.full_clean()
