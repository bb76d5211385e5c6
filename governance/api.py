"""API for the caller and the channel registry: thin views over selectors and services."""
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings
from rest_framework.response import Response
from rest_framework.views import APIView

from config.schema import error_responses
from config.logins import locked_message

from .models import Channel, OrgUnit
from .filters import ChannelFilter
from .selectors import assignments_of, channel_list, get_scoped_or_404
from .services import channel_create, channel_update
from .tokens import token_obtain


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "tier"]


class MeView(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        name = serializers.CharField()
        is_superuser = serializers.BooleanField()
        org_unit = UnitSerializer(allow_null=True)
        posts = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer, summary="当前用户、所属单位与岗位")
    def get(self, request):
        user = request.user
        held = assignments_of(user)
        return Response(self.OutputSerializer({
            "id": user.pk, "username": user.username, "name": user.get_full_name() or user.username,
            "is_superuser": user.is_superuser, "org_unit": held[0].org_unit if held else None,
            "posts": [{"code": a.post.code, "name": a.post.name, "org_unit": UnitSerializer(a.org_unit).data,
                       "valid_from": a.valid_from, "valid_to": a.valid_to} for a in held],
        }).data)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ObtainAuthToken):
    """POST {username, password} → {token}; send it as `Authorization: Token <token>`."""

    authentication_classes = ()  # a login: whatever Authorization header comes along is not looked at
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(
        summary="获取令牌", request=AuthTokenSerializer,
        responses={200: TokenOutput, **error_responses(400, 409, 429, d400="用户名或密码不正确(中文说明)。")},
        description=f"令牌签发后 {settings.API_TOKEN_TTL_HOURS} 小时内有效,过期后重新获取(得到新令牌);"
                    "修改密码后原令牌立即失效。连续输错密码将锁定账号一段时间(429)。",
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):  # set by django-axes on a locked account
                raise exceptions.Throttled(detail=locked_message())
            raise serializers.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token = token_obtain(user=user)
        # a login like the page's: last_login is set, and django-axes counts the success (resets failures)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token.key})


class ChannelSerializer(serializers.ModelSerializer):
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), label="归属单位")
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    channel_type_display = serializers.CharField(source="get_channel_type_display", read_only=True)
    star_level_display = serializers.CharField(source="get_star_level_display", read_only=True, label="星级(显示)")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    boss_operable = serializers.SerializerMethodField(
        label="BOSS可办理", help_text="只有“正常”状态的渠道可在BOSS办理业务;暂停、退出中、已关闭时为 false。")

    class Meta:
        model = Channel
        exclude = ["created_by"]
        read_only_fields = ["id", "boss_code", "status", "created_at", "updated_at"]
        # uniqueness is checked by the model's full_clean in the service, with its own messages
        validators = []
        extra_kwargs = {"node_code": {"validators": []}}


    def get_boss_operable(self, channel) -> bool:
        return channel.status == Channel.Status.ACTIVE


class ChannelDetailSerializer(ChannelSerializer):
    history = serializers.SerializerMethodField()

    def get_history(self, channel) -> list[dict]:
        rows = []
        records = list(channel.history.select_related("history_user").order_by("history_date", "history_id"))
        for prev, record in zip([None] + records, records):
            changes = record.diff_against(prev).changes if prev else []
            rows.append({
                "at": record.history_date, "user": record.history_user.username if record.history_user else None,
                "post": record.acting_post, "reason": record.history_change_reason or "",
                "changes": [{"field": c.field, "old": str(c.old), "new": str(c.new)} for c in changes],
            })
        return rows


@extend_schema_view(post=extend_schema(
    summary="录入渠道(草稿)",
    description="必填:name, channel_type, org_unit, node_code(以归属单位编码加“-”开头), address, contact_mobile。"
                "社会渠道(exclusive_store 指定专营店、agent_point 特约代理点)另须 operator_company, credit_code, "
                "bank_name, bank_account。只读字段(status, boss_code 等)随请求发送时被忽略。",
))
class ChannelListView(generics.ListCreateAPIView):
    serializer_class = ChannelSerializer
    filterset_class = ChannelFilter

    def get_queryset(self):  # the same selector builds the channels export, so the two cannot drift
        return channel_list(user=self.request.user, filters=self.request.query_params)

    def filter_queryset(self, queryset):
        return queryset  # channel_list applied ChannelFilter (filterset_class stays for the schema)

    def perform_create(self, serializer):
        serializer.instance = channel_create(user=self.request.user, data=serializer.validated_data)


class ChannelDetailView(generics.RetrieveUpdateAPIView):
    serializer_class = ChannelDetailSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return get_scoped_or_404(Channel.objects.select_related("org_unit"), self.request.user, pk=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = channel_update(channel=serializer.instance, user=self.request.user,
                                             data=serializer.validated_data)
