"""API for processes and tasks: one thin view per operation, each calling one service."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .engine.start import kind_or_404
from .filters import ProcessFilter
from .kinds.base import CommentInput
from .models import ApprovalProcess
from .registry import KINDS, STEP_KINDS
from .rows import task_rows
from .selectors import copies_for_user, inbox_for_user, process_list, processes_for_user, step_rows

TASK_ACTIONS = ("approve", "reject", "return")


class EventSerializer(serializers.Serializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    actor_name = serializers.SerializerMethodField()
    post = serializers.CharField()
    post_code = serializers.CharField()
    org_unit = serializers.CharField(source="org_unit.name", allow_null=True, default=None)
    time = serializers.DateTimeField(source="at")
    action = serializers.CharField()
    action_display = serializers.CharField(source="get_action_display")
    step = serializers.CharField()
    comment = serializers.CharField()

    def get_actor_name(self, event) -> str:
        return (event.actor.get_full_name() or event.actor.username) if event.actor else "系统"


class SubjectSerializer(serializers.Serializer):
    type = serializers.CharField(source="subject_type.model")
    id = serializers.IntegerField(source="subject_id")
    name = serializers.CharField(source="title")


class ProcessSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="state")
    status_display = serializers.CharField(source="get_state_display")
    kind_display = serializers.CharField(source="get_kind_display")
    org_unit = serializers.CharField(source="org_unit.code")
    subject = SubjectSerializer(source="*")
    requester = serializers.CharField(source="requester.username", allow_null=True, default=None)
    current_post = serializers.CharField(source="current_post.name", allow_null=True, default=None)
    current_unit = serializers.CharField(source="current_unit.name", allow_null=True, default=None)

    class Meta:
        model = ApprovalProcess
        fields = ["id", "number", "kind", "kind_display", "status", "status_display", "org_unit", "subject",
                  "title", "requester", "created", "finished", "current_post", "current_unit", "comment"]


class ProcessDetailSerializer(ProcessSerializer):
    """The process with its steps and history; each kind adds its request's own fields (e.g. a change's
    `changes` and `effective_date`, an exit's `exit_reason`)."""

    receiving_unit = serializers.CharField(source="receiving_unit.name", allow_null=True, default=None)
    steps = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    can_withdraw = serializers.SerializerMethodField()

    class Meta(ProcessSerializer.Meta):
        fields = ProcessSerializer.Meta.fields + ["filing", "receiving_unit", "steps", "history", "can_withdraw"]

    def get_steps(self, process) -> list[dict]:
        return step_rows(process)

    def get_history(self, process) -> list[dict]:
        return EventSerializer(process.events.select_related("actor", "org_unit"), many=True).data

    def get_can_withdraw(self, process) -> bool:
        return services.can_withdraw(process, self.context["request"].user)

    def to_representation(self, process):
        return {**super().to_representation(process), **process.kind_spec.detail(process, self.context["request"].user)}


def _detail(request, process, code=status.HTTP_200_OK) -> Response:
    """The process as the caller may now see it. An actor who ended a request they saw only while it was open
    (a transfer's receiving unit rejecting it) gets its brief row, not its detail."""
    visible = processes_for_user(user=request.user).select_related("receiving_unit").filter(pk=process.pk).first()
    if visible is None:
        return Response(ProcessSerializer(process).data, status=code)
    return Response(ProcessDetailSerializer(visible, context={"request": request}).data, status=code)


def _start_inputs():
    return [kind.start_input for kind in KINDS.values()]


class ProcessStartView(APIView):
    @extend_schema(
        summary="发起流程",
        parameters=[OpenApiParameter("kind", enum=list(KINDS), location=OpenApiParameter.PATH)],
        request=PolymorphicProxySerializer(component_name="ProcessStartInput", resource_type_field_name=None,
                                           serializers=_start_inputs),
        responses={201: ProcessDetailSerializer},
        description="每种流程的请求体见其输入结构:onboarding {channel};change {channel, changes, effective_date};"
                    "exit {channel, reason, comment}。",
    )
    def post(self, request, kind):
        spec = kind_or_404(kind)
        serializer = spec.start_input(data=request.data)
        serializer.is_valid(raise_exception=True)
        process = services.process_start(kind=kind, user=request.user, data=serializer.validated_data)
        return _detail(request, process, status.HTTP_201_CREATED)


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


class ProcessWithdrawView(APIView):
    @extend_schema(request=CommentInput, responses=ProcessDetailSerializer, summary="撤回(仅申请人,下一环节处理前)")
    def post(self, request, pk):
        process = services.process_get_or_404(user=request.user, pk=pk)
        serializer = CommentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        process = services.process_withdraw(process=process, user=request.user, **serializer.validated_data)
        return _detail(request, process)


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    number = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    subject = serializers.DictField()
    status = serializers.CharField()
    claimed = serializers.BooleanField()
    created = serializers.DateTimeField()
    actions = serializers.ListField(child=serializers.CharField())

    def to_representation(self, row):
        """Each kind may add fields of its own to its open tasks (a re-check's `recheck`)."""
        extra = {k: v for k, v in row.items() if k not in self.fields and k != "process_id"}
        return {**super().to_representation(row), **extra}


class TaskListView(generics.ListAPIView):
    serializer_class = TaskSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalProcess.objects.none()
        return inbox_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TaskSerializer(task_rows(page), many=True).data)


def _step_inputs():
    inputs = {kind.resubmit_input for kind in KINDS.values()} | {step.input_class for step in STEP_KINDS.values()}
    return sorted(inputs, key=lambda cls: cls.__module__ + cls.__name__)


class TaskActionView(APIView):
    @extend_schema(
        request=PolymorphicProxySerializer(component_name="TaskActionInput", resource_type_field_name=None,
                                           serializers=_step_inputs),
        responses=ProcessDetailSerializer, summary="办理任务",
        parameters=[OpenApiParameter("action", enum=list(TASK_ACTIONS), location=OpenApiParameter.PATH)],
        description="approve 同意(修改环节为重新提交,并带上修改后的申请内容;各环节另带本环节的字段,如支援中心"
                    "环节的 boss_code), reject 驳回, return 退回修改;驳回与退回须填写 comment。"
                    "任务不属于调用者 → 404;已处理 → 409。",
    )
    def post(self, request, pk, action):
        if action not in TASK_ACTIONS:
            raise Http404("未知的操作。")
        serializer = CommentInput(data=request.data)
        serializer.is_valid(raise_exception=True)  # a body that is not an object is a 400 here
        process = services.task_act(task_id=pk, user=request.user, action=action,
                                    comment=serializer.validated_data["comment"], data=request.data)
        return _detail(request, process)


class TaskClaimView(APIView):
    @extend_schema(request=None, responses=TaskSerializer, summary="签收任务")
    def post(self, request, pk):
        task = services.task_claim(task_id=pk, user=request.user)
        return Response(TaskSerializer(task_rows([task])[0]).data)


class TaskUnclaimView(APIView):
    @extend_schema(request=None, responses=TaskSerializer, summary="放弃签收(退回岗位待办)")
    def post(self, request, pk):
        task = services.task_unclaim(task_id=pk, user=request.user)
        return Response(TaskSerializer(task_rows([task])[0]).data)


class CopySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process = serializers.IntegerField(source="process_id")
    number = serializers.CharField(source="process.number")
    kind = serializers.CharField(source="process.kind")
    title = serializers.CharField(source="process.title")
    status = serializers.CharField(source="process.state")
    post = serializers.CharField(source="post.name", allow_null=True, default=None)
    copied_by = serializers.CharField(source="copied_by.username", allow_null=True, default=None)
    comment = serializers.CharField()
    created = serializers.DateTimeField()
    read = serializers.SerializerMethodField()
    objection_until = serializers.DateTimeField(allow_null=True)
    objected = serializers.SerializerMethodField()

    def get_read(self, copy) -> bool:
        return copy.read_at is not None

    def get_objected(self, copy) -> bool:
        return copy.objected_at is not None


class CopyListView(generics.ListAPIView):
    """抄送给我: requests filed for the record (报备) with one of the caller's posts."""

    serializer_class = CopySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalProcess.objects.none()
        return copies_for_user(user=self.request.user, unread=self.request.query_params.get("unread") == "true")
