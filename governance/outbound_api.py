"""API of outbound calling: agents and may-call, certificate actions of the province QA, outbound demand.
Thin views over governance.outbound, governance.outbound_selectors and governance.demand."""
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import UnitSerializer
from .demand import demand_file, demand_get_or_404, demand_list
from .models import Certificate, CertificateEvent, OutboundAgent, OutboundDemand
from .outbound import certificate_lift, certificate_revoke, certificate_suspend, may_call_for
from .outbound_filters import AgentFilter, DemandFilter
from .outbound_selectors import (
    agent_get_or_404, agent_list, certificate_get_or_404, certificate_history, current_certificate,
)
from .selectors import units_in_scope
from config.schema import ErrorSerializer




def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


NOT_FOUND = _error("对象不存在,或不在调用者的数据范围内(其他地市的外呼人员、证书、需求一律 404)。")


# ---------------------------------------------------------------- agents and certificates

class CertificateSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="current_status", help_text="按今天计算:pending 未生效、valid 有效、"
                                   "expiring 临期(30天内到期)、expired 已过期、suspended 已暂停、revoked 已吊销")
    status_display = serializers.CharField(source="current_status_display")
    level_display = serializers.CharField(source="get_level_display")

    class Meta:
        model = Certificate
        fields = ["id", "level", "level_display", "status", "status_display", "valid_from", "valid_to", "issued_on",
                  "status_reason"]


class CertificateEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")
    action_display = serializers.CharField(source="get_action_display")

    class Meta:
        model = CertificateEvent
        fields = ["at", "action", "action_display", "from_status", "to_status", "level", "valid_to", "actor", "post",
                  "reason"]


class CertificateWithEventsSerializer(CertificateSerializer):
    events = CertificateEventSerializer(source="event_list", many=True)

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "is_current", "events"]


class AgentSerializer(serializers.ModelSerializer):
    org_unit = UnitSerializer()
    post_level_display = serializers.CharField(source="get_post_level_display")
    certificate = serializers.SerializerMethodField(help_text="当前证书;从未发证为 null")

    class Meta:
        model = OutboundAgent
        fields = ["id", "name", "employee_no", "org_unit", "post_level", "post_level_display", "active",
                  "certificate"]

    def get_certificate(self, agent) -> CertificateSerializer(allow_null=True):
        certificate = current_certificate(agent)
        return CertificateSerializer(certificate).data if certificate else None


class AgentDetailSerializer(AgentSerializer):
    certificates = serializers.SerializerMethodField(help_text="全部证书(当前在前)及各自的变动记录")

    class Meta(AgentSerializer.Meta):
        fields = [*AgentSerializer.Meta.fields, "certificates"]

    def get_certificates(self, agent) -> CertificateWithEventsSerializer(many=True):
        return CertificateWithEventsSerializer(certificate_history(agent), many=True).data


@extend_schema_view(get=extend_schema(summary="外呼人员清单", responses={200: AgentSerializer(many=True),
                                                                    400: _error("筛选条件无效。")}))
class AgentListView(generics.ListAPIView):
    serializer_class = AgentSerializer
    filterset_class = AgentFilter

    def get_queryset(self):  # the certificates export calls the same selector
        return agent_list(user=self.request.user, filters=self.request.query_params)

    def filter_queryset(self, queryset):
        return queryset  # agent_list applied AgentFilter (filterset_class stays for the schema)


@extend_schema_view(get=extend_schema(summary="外呼人员详情(含证书与变动记录)", responses={200: AgentDetailSerializer,
                                                                                 404: NOT_FOUND}))
class AgentDetailView(generics.RetrieveAPIView):
    serializer_class = AgentDetailSerializer

    def get_object(self):
        return agent_get_or_404(user=self.request.user, pk=self.kwargs["pk"])


class MayCallSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField(help_text="中文说明,如“持有效二级证书,有效期至 2027-06-30。”")


class MayCallView(APIView):
    @extend_schema(summary="该外呼人员此刻能否外呼", responses={200: MayCallSerializer, 404: NOT_FOUND},
                   description="只看当前证书:有效或临期 → true;未生效、已过期、已暂停、已吊销或无证书 → false。"
                               "到期日次日起即为 false,无需等待任何定时任务。")
    def get(self, request, pk):
        allowed, reason = may_call_for(user=request.user, agent_id=pk)
        return Response({"allowed": allowed, "reason": reason})


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, label="原因", help_text="必填,最多 500 字")


def _certificate_action(service, summary, description):
    class CertificateActionView(APIView):
        @extend_schema(summary=summary, description=description, request=ReasonInput, responses={
            200: CertificateSerializer, 400: _error("未填写原因,或原因过长。"),
            403: _error("调用者不是省公司外呼质检/培训岗位。"), 404: NOT_FOUND,
            409: _error("证书当前状态不允许该操作(如已吊销、已过期、未暂停时解除暂停)。"),
        })
        def post(self, request, pk):
            certificate = certificate_get_or_404(user=request.user, pk=pk)
            body = ReasonInput(data=request.data)
            body.is_valid(raise_exception=True)
            certificate = service(certificate=certificate, user=request.user, reason=body.validated_data.get("reason"))
            return Response(CertificateSerializer(certificate).data)

    CertificateActionView.__name__ = f"Certificate{service.__name__.split('_')[-1].title()}View"
    return CertificateActionView.as_view()


certificate_suspend_view = _certificate_action(
    certificate_suspend, "暂停外呼资格证书", "省外呼质检/培训岗位,须填原因;may-call 立即为 false。")
certificate_revoke_view = _certificate_action(
    certificate_revoke, "吊销外呼资格证书", "省外呼质检/培训岗位,须填原因;吊销不可恢复,需重新认证。")
certificate_lift_view = _certificate_action(
    certificate_lift, "解除暂停", "省外呼质检/培训岗位,须填原因;证书恢复为按日期计算的状态。")


# ---------------------------------------------------------------- outbound demand

class SettlementSerializer(serializers.Serializer):
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2, source="settlement_unit_price")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, source="settlement_amount")


class DemandSerializer(serializers.ModelSerializer):
    org_unit = UnitSerializer()
    city = UnitSerializer(help_text="结算地市")
    served_by_display = serializers.CharField(source="get_served_by_display")
    status_display = serializers.CharField(source="get_status_display")
    filed_by = serializers.CharField(source="filed_by.username")
    settlement = serializers.SerializerMethodField(help_text="省集约产能承接时的内部结算:外呼量 × 内部单价;本市承接为 null")

    class Meta:
        model = OutboundDemand
        fields = ["id", "org_unit", "city", "campaign", "segment", "calls", "start", "end", "served_by",
                  "served_by_display", "status", "status_display", "own_free_capacity", "capacity_used",
                  "settlement", "filed_by", "filed_post", "created", "allocated_at", "allocation_note"]

    def get_settlement(self, demand) -> SettlementSerializer(allow_null=True):
        if demand.served_by != OutboundDemand.ServedBy.PROVINCE:
            return None
        return SettlementSerializer(demand).data


class DemandInput(serializers.Serializer):
    campaign = serializers.CharField(required=False, allow_blank=True, label="营销活动")
    segment = serializers.CharField(required=False, allow_blank=True, default="", label="目标客群")
    calls = serializers.IntegerField(label="外呼量(次)")
    start = serializers.DateField(label="开始日期")
    end = serializers.DateField(label="结束日期")
    org_unit = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, label="申请单位ID",
                                        help_text="默认为申请人岗位所在单位;可填其下级单位")


@extend_schema_view(
    get=extend_schema(summary="外呼需求清单", responses={200: DemandSerializer(many=True), 400: _error("筛选条件无效。")}),
    post=extend_schema(
        summary="提交外呼需求", request=DemandInput,
        description="地市、区县或营服中心的外呼运营、渠道经理、渠道主管提交。本市持证外呼人员在该期间的空闲产能"
                    "足以承接时 served_by 为 own;否则为 province(待省业务支援中心分配),并按外呼量 × 内部单价"
                    "记录对申请地市的内部结算(settlement)。",
        responses={201: DemandSerializer, 400: _error("字段缺失或无效(外呼量、日期、期间无工作日等)。"),
                   403: _error("调用者没有可提交外呼需求的岗位。")}),
)
class DemandListView(generics.ListCreateAPIView):
    serializer_class = DemandSerializer
    filterset_class = DemandFilter

    def get_queryset(self):
        return demand_list(user=self.request.user, filters=self.request.query_params)

    def filter_queryset(self, queryset):
        return queryset

    def create(self, request, *args, **kwargs):
        body = DemandInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "org_unit" in data:
            unit = units_in_scope(request.user).filter(pk=data["org_unit"]).first()
            if unit is None:
                raise serializers.ValidationError({"org_unit": ["申请单位不在您的管辖范围内。"]})
            data["org_unit"] = unit
        demand = demand_file(user=request.user, data=data)
        return Response(DemandSerializer(demand).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary="外呼需求详情", responses={200: DemandSerializer, 404: NOT_FOUND}))
class DemandDetailView(generics.RetrieveAPIView):
    serializer_class = DemandSerializer

    def get_object(self):
        return demand_get_or_404(user=self.request.user, pk=self.kwargs["pk"])
