"""API for the approval operations beyond approve/reject/return: 转办, 委派, 加签, 催办, 作废, 抄送, 异议,
已办, 批量办理. One thin view per operation, each calling one service."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .api import CopySerializer, ProcessDetailSerializer, ProcessSerializer, TaskSerializer
from .kinds.base import CommentInput
from .models import ApprovalProcess
from .rows import task_rows
from .selectors import done_for_user, processes_for_user

ERRORS = {
    400: OpenApiResponse(description="输入有误(中文说明,errors 按字段给出)。"),
    403: OpenApiResponse(description="调用者的岗位不能做这一操作。"),
    404: OpenApiResponse(description="任务或流程不存在或不在调用者的数据范围内。"),
    409: OpenApiResponse(description="任务已处理、已被他人签收,或流程状态不允许。"),
}


def _detail(request, process, code=status.HTTP_200_OK) -> Response:
    visible = processes_for_user(user=request.user).filter(pk=process.pk).first()
    if visible is None:
        return Response(ProcessSerializer(process).data, status=code)
    return Response(ProcessDetailSerializer(visible, context={"request": request}).data, status=code)


class HandInput(CommentInput):
    to = serializers.CharField(max_length=150, label="接收人账号")


class AddApproverInput(HandInput):
    position = serializers.ChoiceField(choices=[("before", "本环节之前"), ("after", "本环节之后")], label="加签位置")


class TaskTransferView(APIView):
    @extend_schema(request=HandInput, responses={200: TaskSerializer, **ERRORS}, summary="转办(须填写原因)")
    def post(self, request, pk):
        data = _valid(HandInput, request)
        task = services.task_transfer(task_id=pk, user=request.user, to=data["to"], comment=data["comment"])
        return Response(TaskSerializer(task_rows([task])[0]).data)


class TaskDelegateView(APIView):
    @extend_schema(request=HandInput, responses={200: TaskSerializer, **ERRORS},
                   summary="委派(被委派人办理后退回本人确认)")
    def post(self, request, pk):
        data = _valid(HandInput, request)
        task = services.task_delegate(task_id=pk, user=request.user, to=data["to"], comment=data["comment"])
        return Response(TaskSerializer(task_rows([task])[0]).data)


class TaskAddApproverView(APIView):
    @extend_schema(request=AddApproverInput, responses={200: ProcessDetailSerializer, **ERRORS}, summary="加签")
    def post(self, request, pk):
        data = _valid(AddApproverInput, request)
        process = services.task_add_approver(task_id=pk, user=request.user, to=data["to"],
                                             position=data["position"], comment=data["comment"])
        return _detail(request, process)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ProcessRemindView(APIView):
    @extend_schema(request=None, summary="催办(申请人;每个待办每天一次,再次催办 → 429)",
                   responses={200: ProcessDetailSerializer, 429: OpenApiResponse(description="今天已催办过。"),
                              **ERRORS})
    def post(self, request, pk):
        process = services.process_get_or_404(user=request.user, pk=pk)
        services.process_remind(process=process, user=request.user)
        return _detail(request, process)


class ProcessCancelView(APIView):
    @extend_schema(request=CommentInput, responses={200: ProcessDetailSerializer, **ERRORS},
                   summary="作废(申请人或系统管理员;须填写原因)")
    def post(self, request, pk):
        process = services.process_get_or_404(user=request.user, pk=pk)
        data = _valid(CommentInput, request)
        return _detail(request, services.process_cancel(process=process, user=request.user, comment=data["comment"]))


class CopyInput(CommentInput):
    to = serializers.ListField(child=serializers.CharField(max_length=150), required=False, default=list,
                               max_length=50, label="抄送人账号")
    posts = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list,
                                  max_length=10, label="抄送岗位编码", help_text="本申请所在单位或其最近上级的任职人员。")


class ProcessCopyView(APIView):
    @extend_schema(request=CopyInput, responses={201: CopySerializer(many=True), **ERRORS},
                   summary="抄送给人员或岗位")
    def post(self, request, pk):
        process = services.process_get_or_404(user=request.user, pk=pk)
        data = _valid(CopyInput, request)
        copies = services.process_copy(process=process, user=request.user, to=data["to"], posts=data["posts"],
                                       comment=data["comment"])
        return Response(CopySerializer(copies, many=True).data, status=status.HTTP_201_CREATED)


class CopyReadView(APIView):
    @extend_schema(request=None, responses={200: CopySerializer, 404: ERRORS[404]}, summary="抄送标为已读")
    def post(self, request, pk):
        return Response(CopySerializer(services.copy_mark_read(user=request.user, copy_id=pk)).data)


class CopyObjectView(APIView):
    @extend_schema(request=CommentInput, responses={200: ProcessSerializer, **ERRORS},
                   summary="报备异议(异议期内;申请退回下级重新决定)")
    def post(self, request, pk):
        data = _valid(CommentInput, request)
        process = services.copy_object(user=request.user, copy_id=pk, comment=data["comment"])
        return Response(ProcessSerializer(process).data)


class DoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="task_id")
    process = serializers.IntegerField(source="process_id")
    number = serializers.CharField(source="process.number")
    kind = serializers.CharField(source="process.kind")
    title = serializers.CharField(source="process.title")
    step = serializers.CharField()
    action = serializers.CharField()
    action_display = serializers.CharField(source="get_action_display")
    comment = serializers.CharField()
    time = serializers.DateTimeField(source="at")
    status = serializers.CharField(source="process.state")


class TaskDoneListView(generics.ListAPIView):
    """已办: what the caller did, newest first."""

    serializer_class = DoneSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApprovalProcess.objects.none()
        return done_for_user(user=self.request.user)


class BulkInput(CommentInput):
    action = serializers.ChoiceField(choices=[("approve", "同意"), ("return", "退回")], label="操作")
    tasks = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=10**18 - 1),
                                  min_length=1, max_length=100, label="待办ID")


class BulkResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["ok", "not_found", "conflict", "forbidden", "invalid"])
    detail = serializers.CharField()


class TaskBulkView(APIView):
    @extend_schema(request=BulkInput, responses={200: BulkResultSerializer(many=True), 400: ERRORS[400]},
                   summary="批量办理(同一类流程;逐个校验、逐个记录,逐个返回结果)")
    def post(self, request):
        data = _valid(BulkInput, request)
        return Response(services.tasks_bulk(user=request.user, action=data["action"], task_ids=data["tasks"],
                                            comment=data["comment"]))
