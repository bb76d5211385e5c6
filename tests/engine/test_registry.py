"""A kind only the tests register runs end to end: adding a kind needs one module and route rows, no engine edit."""
import pytest
from django.core.exceptions import ValidationError
from rest_framework import serializers

from governance import posts
from governance.models import OrgUnit, Post
from governance.selectors import units_in_scope
from workflows import services
from workflows.kinds.base import CommentInput, Condition, ProcessKind, Request, StepContext, StepKind
from workflows.models import ApprovalProcess, ProcessEvent, Route, RouteStep
from workflows.registry import STEP_KINDS, register_kind, unregister_kind

COMPLETED = []


class StampInput(CommentInput):
    stamp_no = serializers.IntegerField(min_value=1, max_value=999, label="印章编号")


class StampStep(StepKind):
    """A step kind of this kind's own, with a typed payload."""

    code = "test_stamp"
    label = "盖章"
    actions = ("approve",)
    approve_label = "盖章"
    signs = False
    input_class = StampInput

    def perform(self, ctx: StepContext) -> str:
        ctx.process.payload = {**ctx.process.payload, "stamp": ctx.data["stamp_no"]}
        return f"已盖第{ctx.data['stamp_no']}号章"


class MemoInput(CommentInput):
    unit = serializers.IntegerField(label="单位")
    topic = serializers.CharField(max_length=40, label="事由")


class UnitMemo(ProcessKind):
    """A memo about an org unit: its subject is the unit itself, not a channel."""

    code = "test-memo"
    label = "单位备忘"
    prefix = "TM"
    subject_model = OrgUnit
    subject_field = "unit"
    subject_noun = "单位"
    requester_posts = frozenset({posts.CHANNEL_MANAGER})
    start_input = MemoInput
    steps = (StampStep(),)
    conditions = {"urgent": Condition("加急", lambda ctx: ctx.payload["topic"].startswith("急"))}

    def subjects(self, user):
        return units_in_scope(user)

    def unit_of(self, unit):
        return unit

    def title_of(self, unit):
        return unit.name

    def prepare(self, *, subject, data, user):
        if not data.get("topic"):
            raise ValidationError({"topic": "请填写事由。"})
        return Request(payload={"topic": data["topic"]}, title=f"{subject.name}备忘")

    def complete(self, *, process):
        COMPLETED.append((process.pk, process.payload["stamp"]))
        return "备忘已归档。"


@pytest.fixture
def memo_kind(demo):
    kind = register_kind(UnitMemo())
    route = Route.objects.create(kind="test-memo", category="", filing="approval")
    for order, (post, step, condition) in enumerate([
            (posts.CHANNEL_SUPERVISOR, "approve", ""), (posts.PROVINCE_MARKETING, "copy", ""),
            (posts.BRANCH_LEADER, "approve", "urgent"), (posts.CITY_SUPPORT, "test_stamp", "")], start=1):
        RouteStep.objects.create(route=route, order=order, post=Post.objects.get(code=post), step=step,
                                 condition=condition, exclusive=step == "approve")
    COMPLETED.clear()
    yield kind
    unregister_kind("test-memo")
    STEP_KINDS.pop("test_stamp", None)


def test_a_kind_registered_by_the_tests_runs_end_to_end_through_the_api(memo_kind, drive):
    unit = OrgUnit.objects.get(code="ZZ-JS")
    started = drive.start("test-memo", "zz_manager", unit=unit.pk, topic="年度盘点")
    assert started["number"].startswith("TM") and started["subject"] == {"type": "orgunit", "id": unit.pk,
                                                                          "name": "金水区备忘"}
    assert [s["title"] for s in started["steps"]] == ["渠道主管审批", "省市场经营部抄送", "分公司业务支援中心盖章"]
    drive.act("zz_supervisor", started["id"])
    bad = drive.act("zz_support", started["id"], expect=400, stamp_no="x")
    assert "stamp_no" in bad["errors"]
    done = drive.act("zz_support", started["id"], stamp_no=7)
    assert done["status"] == "completed"
    assert COMPLETED == [(started["id"], 7)]
    trail = [(h["action"], h["post_code"]) for h in done["history"]]
    assert trail == [("submit", "channel_manager"), ("approve", "channel_supervisor"), ("copy", "province_marketing"),
                     ("approve", "city_support"), ("complete", "system")]
    assert done["history"][-2]["comment"] == "已盖第7号章"
    # scope holds for the new kind as for every other: Luoyang sees nothing of it
    assert drive("ly_manager").get(f"/api/v1/processes/{started['id']}/").status_code == 404


def test_route_conditions_of_the_new_kind_apply(memo_kind, drive):
    unit = OrgUnit.objects.get(code="ZZ-JS")
    urgent = drive.start("test-memo", "zz_manager", unit=unit.pk, topic="急:门店停电")
    assert [s["title"] for s in urgent["steps"]][:3] == ["渠道主管审批", "省市场经营部抄送", "分管领导审批"]


def test_the_system_starts_a_request_with_a_system_actor_in_the_trail(memo_kind, svc):
    process = services.process_start_by_system(kind="test-memo", subject=svc.unit("LY-LL"),
                                               data={"topic": "季度检查"})
    assert process.requester is None and process.org_unit.code == "LY-LL"
    submit = process.events.get(action=ProcessEvent.Action.SUBMIT)
    assert (submit.actor, submit.post, submit.post_code) == (None, "系统", "system")
    assert svc.task("ly_supervisor", process) is not None
    # nobody can send a system request back to a requester: there is none
    assert services.task_actions(svc.task("ly_supervisor", process), process) == ["approve", "reject"]


def test_the_new_kind_is_refused_without_its_route(memo_kind, svc):
    Route.objects.filter(kind="test-memo").delete()
    with pytest.raises(ValidationError) as exc:
        services.process_start(kind="test-memo", user=svc.user("zz_manager"),
                               data={"unit": svc.unit("ZZ-JS").pk, "topic": "x"})
    assert "单位备忘" in exc.value.messages[0]
    assert not ApprovalProcess.objects.exists()
