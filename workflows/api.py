"""API for processes and tasks: one thin view per operation, each calling one service."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.selectors import post_names

from . import services
from .filters import ProcessFilter
from .models import ApprovalProcess, ExitReason, ProcessKind
from .routes import step_title
from .selectors import (change_rows, copies_for_user, inbox_for_user, process_list, processes_by_id, processes_for_user,
                        step_rows)

OPEN_KINDS = ("onboarding", "change", "exit")


class EventSerializer(serializers.Serializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    actor_name = serializers.SerializerMethodField()
    post = serializers.CharField()
    org_unit = serializers.CharField(source="org_unit.name", allow_null=True, default=None)
    time = serializers.DateTimeField(source="at")
    action = serializers.CharField()
    action_display = serializers.CharField(source="get_action_display")
    step = serializers.CharField()
    comment = serializers.CharField()

    def get_actor_name(self, event) -> str:
        return (event.actor.get_full_name() or event.actor.username) if event.actor else "系统"


class ProcessSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="state")
    status_display = serializers.CharField(source="get_state_display")
    kind_display = serializers.CharField(source="get_kind_display")
    org_unit = serializers.CharField(source="org_unit.code")
    channel_name = serializers.CharField(source="channel.name", allow_null=True, default=None)
    requester = serializers.CharField(source="requester.username")
    current_post = serializers.CharField(source="current_post.name", allow_null=True, default=None)
    current_unit = serializers.CharField(source="current_unit.name", allow_null=True, default=None)

    class Meta:
        model = ApprovalProcess
        fields = ["id", "number", "kind", "kind_display", "status", "status_display", "org_unit", "channel",
                  "channel_name", "requester", "created", "finished", "current_post", "current_unit",
                  "effective_date", "exit_reason", "comment"]


class ProcessDetailSerializer(ProcessSerializer):
    steps = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    can_withdraw = serializers.SerializerMethodField()

    class Meta(ProcessSerializer.Meta):
        fields = ProcessSerializer.Meta.fields + ["filing", "steps", "changes", "history", "can_withdraw"]

    def get_steps(self, process) -> list[dict]:
        return step_rows(process)

    def get_changes(self, process) -> list[dict]:
        return change_rows(process)

    def get_history(self, process) -> list[dict]:
        events = process.events.select_related("actor", "org_unit")
        return EventSerializer(events, many=True).data

    def get_can_withdraw(self, process) -> bool:
        return services.can_withdraw(process, self.context["request"].user)


class OnboardingInput(serializers.Serializer):
    channel = serializers.IntegerField(label="渠道")
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="说明")


class ChangeInput(OnboardingInput):
    changes = serializers.DictField(label="变更内容", help_text="核心字段 → 新值,如 {\"bank_account\": \"...\"}")
    effective_date = serializers.DateField(label="生效日期")


class ExitInput(OnboardingInput):
    reason = serializers.ChoiceField(choices=ExitReason.choices, label="退出原因")


START_INPUTS = {"onboarding": OnboardingInput, "change": ChangeInput, "exit": ExitInput}


def _start(kind, user, data):
    if kind == "onboarding":
        return services.onboarding_start(user=user, channel_id=data["channel"], comment=data["comment"])
    if kind == "change":
        return services.change_start(user=user, channel_id=data["channel"], changes=data["changes"],
                                     effective_date=data["effective_date"], comment=data["comment"])
    return services.exit_start(user=user, channel_id=data["channel"], reason=data["reason"], comment=data["comment"])


class ProcessStartView(APIView):
    @extend_schema(
        summary="发起流程",
        parameters=[OpenApiParameter("kind", enum=ProcessKind.values, location=OpenApiParameter.PATH)],
        request=PolymorphicProxySerializer(component_name="ProcessStartInput", resource_type_field_name=None,
                                           serializers=[OnboardingInput, ChangeInput, ExitInput]),
        responses={201: ProcessDetailSerializer},
        description="kind=onboarding: {channel}; change: {channel, changes, effective_date}; "
                    "exit: {channel, reason, comment}. reason ∈ " + ", ".join(ExitReason.values),
    )
    def post(self, request, kind):
        if kind not in ProcessKind.values:
            raise Http404("未知的流程类型。")
        if kind not in OPEN_KINDS:
            return Response({"detail": f"“{ProcessKind(kind).label}”流程尚未开放。", "errors": {}}, status=400)
        serializer = START_INPUTS[kind](data=request.data)
        serializer.is_valid(raise_exception=True)
        process = _start(kind, request.user, serializer.validated_data)
        process = processes_for_user(user=request.user).get(pk=process.pk)
        return Response(ProcessDetailSerializer(process, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class ProcessListView(generics.ListAPIView):
    serializer_class = ProcessSerializer
    filterset_class = ProcessFilter

    def get_queryset(self):  # the same selector builds the processes export, so the two cannot drift
        return process_list(user=self.request.user, filters=self.request.query_params)

    def filter_queryset(self, queryset):
        return queryset  # process_list applied ProcessFilter (filterset_class stays for the schema)


class ProcessDetailView(generics.RetrieveAPIView):
    serializer_class = ProcessDetailSerializer

    def get_object(self):
        return services.process_get_or_404(user=self.request.user, pk=self.kwargs["pk"])


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", label="意见")


class ProcessWithdrawView(APIView):
    @extend_schema(request=CommentInput, responses=ProcessDetailSerializer, summary="撤回(仅申请人,下一环节处理前)")
    def post(self, request, pk):
        process = services.process_get_or_404(user=request.user, pk=pk)
        serializer = CommentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        process = services.process_withdraw(process=process, user=request.user, **serializer.validated_data)
        return Response(ProcessDetailSerializer(process, context={"request": request}).data)


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    number = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    channel = serializers.IntegerField(allow_null=True)
    channel_name = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    claimed = serializers.BooleanField()
    created = serializers.DateTimeField()
    actions = serializers.ListField(child=serializers.CharField())


def task_rows(tasks, user) -> list[dict]:
    """Inbox rows with their process in one extra query, whatever the page size."""
    processes = processes_by_id(t.process_id for t in tasks)
    names = post_names()
    rows = []
    for task in tasks:
        process = processes[task.process_id]
        if task.flow_task.name == "revise":
            name = "修改后重新提交"
        else:
            name = step_title(process.current_step, names) if process.current_step else str(task.flow_task)
        rows.append({
            "id": task.pk, "process_id": task.process_id, "number": process.number, "kind": process.kind,
            "name": name, "channel": process.channel_id,
            "channel_name": process.channel.name if process.channel_id else None,
            "status": task.status, "claimed": task.owner_id is not None, "created": task.created,
            "actions": services.task_actions(task, process, user),
        })
    return rows


class TaskListView(generics.ListAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalProcess.objects.none()
        return inbox_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TaskSerializer(task_rows(page, request.user), many=True).data)


class TaskActionInput(CommentInput):
    boss_code = serializers.CharField(required=False, allow_blank=True, default="", label="BOSS渠道编码")


class TaskActionView(APIView):
    @extend_schema(
        request=TaskActionInput, responses=ProcessDetailSerializer, summary="办理任务",
        parameters=[OpenApiParameter("action", enum=["approve", "reject", "return"], location=OpenApiParameter.PATH)],
        description="approve 同意(修改环节为重新提交;支援中心环节需 boss_code), reject 驳回, return 退回修改;"
                    "驳回与退回须填写 comment。任务不属于调用者 → 404;已处理 → 409。",
    )
    def post(self, request, pk, action):
        if action not in ("approve", "reject", "return"):
            raise Http404("未知的操作。")
        serializer = TaskActionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        process = services.task_act(task_id=pk, user=request.user, action=action, comment=data["comment"],
                                    data={"boss_code": data["boss_code"]})
        process = ApprovalProcess.objects.select_related(
            "channel", "org_unit", "requester", "current_post", "current_unit").get(pk=process.pk)
        return Response(ProcessDetailSerializer(process, context={"request": request}).data)


class TaskClaimView(APIView):
    @extend_schema(request=None, responses=TaskSerializer, summary="签收任务")
    def post(self, request, pk):
        task = services.task_claim(task_id=pk, user=request.user)
        return Response(TaskSerializer(task_rows([task], request.user)[0]).data)


class CopySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    number = serializers.CharField(source="process.number")
    kind = serializers.CharField(source="process.kind")
    status = serializers.CharField(source="process.state")
    post = serializers.CharField(source="post.name")
    created = serializers.DateTimeField()


class CopyListView(generics.ListAPIView):
    """抄送给我: requests filed for the record (报备) with one of the caller's posts."""

    serializer_class = CopySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalProcess.objects.none()
        return copies_for_user(user=self.request.user)
