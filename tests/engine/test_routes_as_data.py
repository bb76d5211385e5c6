"""Routes are data: a running request keeps the route it started with; editing a route affects new requests."""
from governance.models import Post
from tests.starts import exit_start
from workflows.models import Route, RouteStep


def _own_hall_route():
    return Route.objects.get(kind="onboarding", category="own_hall", tier="")


def test_editing_a_route_affects_only_new_requests(svc):
    running = svc.onboard()
    route = _own_hall_route()
    route.steps.filter(post__code="branch_leader").delete()
    RouteStep.objects.create(route=route, order=9, post=Post.objects.get(code="province_finance"), step="approve")
    later = svc.onboard()
    assert [s["post"] for s in later.plan] == ["channel_supervisor", "province_marketing", "city_support",
                                               "province_finance"]
    running = svc.approve_all(running, ["zz_supervisor", "zz_leader"])  # its leader step still stands
    assert running.current_post.code == "province_marketing"
    # returned and resubmitted, it is routed afresh from the route it kept, not the edited one
    running = svc.act("prov_marketing", running, "return", comment="补充")
    running = svc.act("zz_manager", running)
    assert [s["post"] for s in running.plan] == ["channel_supervisor", "branch_leader", "province_marketing",
                                                 "city_support"]


def test_route_rows_decide_copy_and_checklist_steps(svc):
    """报备 and the exit checklist are rows of the route, not code: an administrator changes them as data."""
    route = Route.objects.get(kind="exit", category="own_hall", tier="")
    route.steps.filter(payload__item="terminals_returned").update(post=Post.objects.get(code="city_support"))
    process = exit_start(user=svc.user("zz_manager"), channel_id=svc.channel("ZZ-JS-0001").pk, reason="relocation")
    process = svc.approve_all(process, ["zz_supervisor", "zz_leader", "prov_marketing"])
    assert process.current_step["item"] == "terminals_returned" and process.current_post.code == "city_support"
