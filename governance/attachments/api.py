"""API of attachments: list and upload per channel (multipart), download by id. No change, no delete."""
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Attachment, Channel
from ..selectors import get_scoped_or_404
from .checks import BODY_TOO_LARGE, MISSING, body_too_large
from .responses import attachment_response
from .selectors import attachment_get_or_404, attachments_of
from .services import KIND_BY_LABEL, attachment_add
from config.schema import ErrorSerializer

UNREADABLE = "上传内容无法解析,请以 multipart/form-data 提交 file 与 kind 两个字段。"




def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


class AttachmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "channel", "kind", "kind_display", "original_name", "content_type", "size", "sha256",
                  "uploaded_by", "acting_post", "uploaded_at", "process_id", "step", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse("api-attachment-file", args=[attachment.pk])


class AttachmentInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        label="附件类型", choices=[*Attachment.Kind.choices, *((label, label) for label in KIND_BY_LABEL)],
        help_text="代码或中文名称均可:" + "、".join(f"{v}({l})" for v, l in Attachment.Kind.choices),
        error_messages={"required": "请选择附件类型。", "invalid_choice": "附件类型应为:" + "、".join(KIND_BY_LABEL) + "。"})
    file = serializers.FileField(
        label="文件", help_text="PDF、JPEG或PNG,不超过10 MB,按文件内容判断类型。",
        error_messages={"required": MISSING, "invalid": MISSING, "empty": "文件为空,请重新选择。",
                        "no_name": MISSING, "max_length": "文件名过长,请改短后上传。"})


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = BODY_TOO_LARGE


@extend_schema_view(
    get=extend_schema(summary="渠道附件列表", description="渠道在调用者数据范围内才可见,否则 404;新的在前。",
                      responses={200: AttachmentSerializer(many=True), 404: _error("渠道不存在或不在您的数据范围内。")}),
    post=extend_schema(
        summary="上传渠道附件",
        description="multipart/form-data:file(PDF、JPEG或PNG,按内容判断,≤10 MB)与 kind(营业执照、合同、开户许可证、"
                    "退出凭证、其他,或其代码)。上传人:渠道归属单位的渠道经理、渠道主管、分公司业务支援中心;"
                    "渠道退出中时为渠道经理、渠道主管;已关闭的渠道不能上传。附件不能修改或删除。",
        request={"multipart/form-data": AttachmentInput},
        responses={
            201: AttachmentSerializer,
            400: _error("类型不是PDF/JPEG/PNG(按内容判断)、文件超过10 MB、为空或缺少字段;errors.file / errors.kind。"),
            403: _error("岗位无权上传(如审计、分管领导),或渠道已关闭。"),
            404: _error("渠道不存在或不在您的数据范围内。"),
            413: _error("请求体超过10 MB附件所需的大小,未读取即拒绝。"),
            415: _error("不是 multipart/form-data 或表单编码。"),
        },
    ),
)
class ChannelAttachmentsView(generics.ListAPIView):
    queryset = Attachment.objects.none()  # for the schema; get_queryset() answers every request
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return attachments_of(channel=self._channel(), user=self.request.user)

    def _channel(self) -> Channel:
        return get_scoped_or_404(Channel.objects.select_related("org_unit"), self.request.user, pk=self.kwargs["pk"])

    def initial(self, request, *args, **kwargs):
        if request.method == "POST" and body_too_large(request.META):
            raise PayloadTooLarge()  # before anything (authentication with its CSRF check included) reads the body
        super().initial(request, *args, **kwargs)

    def post(self, request, pk):
        channel = self._channel()
        data = AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = attachment_add(channel=channel, user=request.user, file=data.validated_data["file"],
                                    kind=data.validated_data["kind"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        if isinstance(exc, (PayloadTooLarge, RequestDataTooBig)):
            return Response({"detail": BODY_TOO_LARGE, "errors": {"file": [BODY_TOO_LARGE]}},
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        if isinstance(exc, SuspiciousOperation):  # too many fields or files: Django would answer an HTML 400
            return Response({"detail": UNREADABLE, "errors": {}}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


class PassThroughRenderer(BaseRenderer):
    """The file is sent as stored (its own Content-Type), whatever the client's Accept header says."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class FirstRenderer(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentFileView(APIView):
    renderer_classes = [PassThroughRenderer]  # errors are switched to JSON in finalize_response
    content_negotiation_class = FirstRenderer

    @extend_schema(
        summary="下载附件",
        description="以附件形式下载(Content-Disposition: attachment),Content-Type 为上传时按内容判定的类型;"
                    "附件所属渠道在调用者数据范围内才可下载,否则 404。",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (404, "application/json"): _error("附件不存在或不在您的数据范围内。"),
        },
    )
    def get(self, request, pk):
        return attachment_response(attachment_get_or_404(user=request.user, pk=pk))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # errors (401, 404) are JSON, like everywhere else in the API
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
