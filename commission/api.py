"""API of commission policies and volumes (CONTRACT.md "Commission policies"): thin views over
commission.selectors and commission.services; errors in the one shape of config.api."""
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import PolymorphicProxySerializer, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .estimate import policy_estimate
from .filters import PolicyFilter, VolumeFilter
from .loader import volumes_import
from .months import last_month, parse_month
from .rules import rule_json
from .selectors import (RULES_PREFETCH, configuration_latest, configuration_recheck, policy_get_or_404,
                        policy_list, policy_versions, rules_for, version_changes, volume_list)
from .serializers import (CommissionDifferenceSerializer, CommissionEstimateSerializer, CommissionPolicyInput, CommissionPolicySerializer, RuleField,
                          MonthlyVolumeSerializer, VolumeUploadInput, VolumeUploadResult)
from .services import policy_create, policy_update
from config.schema import ErrorSerializer

NOT_FOUND = OpenApiResponse(description="政策不存在或不在您的数据范围内(其他单位的政策一律 404)。")
BAD_INPUT = OpenApiResponse(description="输入有误:{\"detail\", \"errors\": {字段: [中文说明]}};规则错误在 "
                                        "errors.rules,如 “第2条规则:充值缴费酬金比例不得高于2%(0.02)。”。")
FORBIDDEN = OpenApiResponse(description="调用者的岗位不能做此操作(只有该单位的渠道经理或渠道主管可以编制和修改政策)。")
POLICY_ERRORS = {400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND}


def _input(request, *, partial: bool) -> dict:
    """The request body checked for shape; `replaces` resolved within the caller's scope."""
    serializer = CommissionPolicyInput(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    if data.get("replaces") is not None:
        try:
            data["replaces"] = policy_get_or_404(user=request.user, pk=data["replaces"])
        except Http404:  # outside scope and unknown read the same
            raise ValidationError({"replaces": "被替代的版本不存在或不在您的数据范围内。"})
    return data


def _shown(request, pk) -> dict:
    return CommissionPolicySerializer(policy_get_or_404(user=request.user, pk=pk)).data


class PolicyListView(generics.ListCreateAPIView):
    serializer_class = CommissionPolicySerializer
    filterset_class = PolicyFilter

    def get_queryset(self):  # the same selector builds the page and the commission-policies export
        return policy_list(user=self.request.user, filters=self.request.query_params).prefetch_related(RULES_PREFETCH)

    def filter_queryset(self, queryset):
        return queryset  # policy_list applied PolicyFilter (filterset_class stays for the schema)

    @extend_schema(summary="酬金政策列表", description="调用者数据范围内的政策,新的在前。org_unit 为单位编码(仅该单位本级),"
                                                 "valid_on 为日期(该日在有效期内)。",
                   responses={200: CommissionPolicySerializer(many=True),
                              400: OpenApiResponse(description="筛选条件无效;errors 按参数名给出。")})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="编制酬金政策(草稿)", request=CommissionPolicyInput, responses={201: CommissionPolicySerializer, **POLICY_ERRORS},
        description="地市的渠道经理或渠道主管为本单位创建草稿(版本 1)。带 replaces(已批准版本的 id)时创建其修订版本:"
                    "版本号 +1,未给出的字段与规则从原版本复制,默认生效日期为下月1日(且晚于原版本生效日期);修订版本批准后,"
                    "原版本的失效日期改为新版本生效日期的前一天。",
    )
    def post(self, request, *args, **kwargs):
        policy = policy_create(user=request.user, data=_input(request, partial=False))
        return Response(_shown(request, policy.pk), status=status.HTTP_201_CREATED)


class PolicyDetailView(APIView):
    @extend_schema(summary="酬金政策详情", responses={200: CommissionPolicySerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        return Response(_shown(request, pk))

    @extend_schema(
        summary="修改酬金政策", request=CommissionPolicyInput, responses={200: CommissionPolicySerializer, **POLICY_ERRORS},
        description="只有草稿或已退回的政策可以修改(其他状态 400);rules 给出时整体替换规则表。"
                    "所属单位与替代版本创建后不能修改。",
    )
    def patch(self, request, pk):
        policy = policy_get_or_404(user=request.user, pk=pk)
        policy_update(policy=policy, user=request.user, data=_input(request, partial=True))
        return Response(_shown(request, pk))


class PolicyEstimateView(APIView):
    @extend_schema(
        summary="酬金试算",
        parameters=[OpenApiParameter("month", str, description="YYYY-MM,默认上月。")],
        responses={200: CommissionEstimateSerializer, 400: OpenApiResponse(description="月份格式有误。"), 404: NOT_FOUND},
        description="该政策在指定月份业务量上将支付的酬金:合计、按规则、前10个渠道,以及与其替代版本的差额。"
                    "覆盖所属单位及下级单位、适用渠道类型、当月有业务量的渠道(不论渠道状态)。"
                    "每渠道每条规则四舍五入到分,再乘星级系数后按渠道四舍五入到分。",
    )
    def get(self, request, pk):
        policy = policy_get_or_404(user=request.user, pk=pk)
        raw = request.query_params.get("month")
        try:
            month = parse_month(raw) if raw else last_month()
        except ValidationError as exc:
            raise ValidationError({"month": exc.messages})
        return Response(CommissionEstimateSerializer(policy_estimate(policy=policy, month=month)).data)


class PolicyVersionsView(APIView):
    @extend_schema(
        summary="酬金政策版本历史",
        responses={200: inline_serializer("CommissionPolicyVersion", {
            "policy": CommissionPolicySerializer(), "changes": CommissionDifferenceSerializer(many=True)}, many=True), 404: NOT_FOUND},
        description="同一政策的全部版本(旧的在前),每个版本带与上一版本的差异。",
    )
    def get(self, request, pk):
        policy = policy_get_or_404(user=request.user, pk=pk)
        versions = policy_versions(policy=policy)
        return Response([{"policy": CommissionPolicySerializer(v).data,
                          "changes": version_changes(prev, v) if prev else []}
                         for prev, v in zip([None, *versions], versions)])


class PolicyRecheckView(APIView):
    @extend_schema(
        summary="系统配置复核结果",
        responses={200: inline_serializer("CommissionRecheck", {
            "matches": serializers.BooleanField(), "differences": CommissionDifferenceSerializer(many=True),
            "configuration": inline_serializer("CommissionConfiguration", {
                "id": serializers.IntegerField(), "entered_by": serializers.CharField(),
                "entered_post": serializers.CharField(), "entered_at": serializers.DateTimeField(),
                "rules": serializers.ListField(child=RuleField())}, allow_null=True)}), 404: NOT_FOUND},
        description="业务支援中心最近一次录入的系统配置与已批准政策的全部差异;没有差异时 matches 为 true。",
    )
    def get(self, request, pk):
        policy = policy_get_or_404(user=request.user, pk=pk)
        configuration = configuration_latest(policy)
        entered = None
        if configuration is not None:
            entered = {"id": configuration.pk, "entered_by": configuration.entered_by.username,
                       "entered_post": configuration.entered_post,
                       "entered_at": serializers.DateTimeField().to_representation(configuration.entered_at),
                       "rules": [rule_json(r) for r in rules_for(configuration)]}
        return Response({**configuration_recheck(policy), "configuration": entered})


class VolumeView(generics.ListAPIView):
    serializer_class = MonthlyVolumeSerializer
    filterset_class = VolumeFilter
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return volume_list(user=self.request.user, filters=self.request.query_params)

    def filter_queryset(self, queryset):
        return queryset

    @extend_schema(summary="月度业务量", description="调用者数据范围内渠道的业务量,按月份倒序。",
                   responses={200: MonthlyVolumeSerializer(many=True),
                              400: OpenApiResponse(description="筛选条件无效(如月份不是 YYYY-MM)。")})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="导入月度业务量", request={"multipart/form-data": VolumeUploadInput},
        responses={
            200: VolumeUploadResult,
            400: OpenApiResponse(PolymorphicProxySerializer(
                component_name="VolumeUploadError", resource_type_field_name=None,
                serializers=[VolumeUploadResult, ErrorSerializer]), description="有任何一行出错时不导入任何数据:imported 为 0,errors "
                                 "逐行列出 {row(表头为第1行), message};文件缺失或无法读取时 errors 为 {\"file\": [...]}。"),
            403: OpenApiResponse(description="调用者没有可导入业务量的岗位(渠道经理、渠道主管、业务支援中心、系统管理员)。"),
        },
        description="CSV 或 XLSX,表头 node_code,month,business,quantity,amount;同一渠道、月份、业务已有的行被替换。"
                    "节点代码须为调用者数据范围内已开通的渠道;月份不能晚于本月。",
    )
    def post(self, request):
        upload = VolumeUploadInput(data=request.data)
        upload.is_valid(raise_exception=True)
        result = volumes_import(user=request.user, file=upload.validated_data["file"])
        if result["error_count"]:
            first = result["errors"][0]["message"] if result["errors"] else ""
            detail = f"共 {result['error_count']} 行有误,未导入任何数据。{first}"
            return Response({"detail": detail, **result}, status=status.HTTP_400_BAD_REQUEST)
        return Response(result)
