"""API: the approval form of a process as a PDF, whatever the client's Accept header says; Excel exports."""
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.schema import error_responses
from governance.errors import Conflict
from workflows import services

from .documents import document_pdf_for
from .exports import XLSX_CONTENT_TYPE, download_name
from .models import ExportJob
from .selectors import export_job_get_or_404, export_jobs_of
from .services import MAX_ACTIVE_EXPORTS, export_request


class BinaryRenderer(BaseRenderer):
    """Passes the file's bytes through; subclasses name the media type."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PDFRenderer(BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class AlwaysFirstRenderer(BaseContentNegotiation):
    """The document is a PDF for every client (Accept: application/json included); no 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def pdf_response(process) -> HttpResponse:
    response = HttpResponse(document_pdf_for(process), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{process.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class ProcessDocumentView(APIView):
    renderer_classes = [PDFRenderer]  # errors are switched to JSON in finalize_response
    content_negotiation_class = AlwaysFirstRenderer

    @extend_schema(
        summary="审批单(PDF)",
        description="流程的审批单,Content-Type 为 application/pdf(不论 Accept 头)。已办结流程返回归档件"
                    "(校验码仍与当前审批记录一致时),其余情况按当前状态即时生成;未办结的审批单带“审批中/草稿”标记。"
                    "流程不在调用者数据范围内 → 404。",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **error_responses(404, d404="流程不存在或不在您的数据范围内。"),
        },
    )
    def get(self, request, pk):
        return pdf_response(services.process_get_or_404(user=request.user, pk=pk))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # errors (401, 404) are JSON, like everywhere else in the API
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


# ---------------------------------------------------------------- Excel exports

class ExportJobSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum here would collide with the channel's `status` enum and rename it.
    status = serializers.CharField(read_only=True, help_text="pending 排队中、running 导出中、done 已完成、failed 失败。")
    report_display = serializers.CharField(source="get_report_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "report", "report_display", "filters", "status", "status_display", "progress", "row_count",
                  "created", "finished", "error", "file_url"]
        read_only_fields = fields

    def get_file_url(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        url = reverse("api-export-file", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ExportInput(serializers.Serializer):
    report = serializers.ChoiceField(choices=ExportJob.Report.choices, label="报表",
                                     help_text="channels, processes, commission-policies, certificates, audit-log。")
    filters = serializers.DictField(required=False, allow_null=True, default=dict, label="筛选条件",
                                    help_text="与对应列表的查询参数相同:channels 同 GET /api/v1/channels/"
                                              "(q, status, channel_type, org_unit, star_level);processes 同 "
                                              "GET /api/v1/processes/(kind, state, channel, org_unit);commission-policies 同 "
                                              "GET /api/v1/commission-policies/(q, org_unit, status, channel_type, "
                                              "valid_on),每条规则一行;certificates 同 "
                                              "GET /api/v1/agents/(q, org_unit, status, expiring_soon, level, "
                                              "post_level);audit-log:"
                                              "date_from, date_to(YYYY-MM-DD,含当日), actor(账号), action, kind。")


EXPORT_ERRORS = error_responses(
    400, 403, 409, d400="报表未知或尚未开放,或筛选条件无效;errors 按筛选条件名给出。", d403="调用者没有任何岗位。",
    d409=f"调用者已有 {MAX_ACTIVE_EXPORTS} 个导出正在进行(每人上限),请等其完成后再提交。")


class ExportListView(generics.ListAPIView):
    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return export_jobs_of(user=self.request.user)

    @extend_schema(summary="我的导出任务", description="调用者本人提交的导出任务,新的在前。")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="提交Excel导出", request=ExportInput, responses={202: ExportJobSerializer, **EXPORT_ERRORS},
        description="导出调用者数据范围内、与对应列表在相同筛选条件下完全相同的行(一行表头,无合计行)。"
                    "任务在后台运行;用 GET /api/v1/exports/{id}/ 查询进度,完成后从 file_url 下载 .xlsx。",
    )
    def post(self, request):
        serializer = ExportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = export_request(user=request.user, report=data["report"], filters=data["filters"])
        job.refresh_from_db()  # in eager mode the export has already run
        body = ExportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": request.build_absolute_uri(reverse("api-export", args=[job.pk]))})


class ExportDetailView(generics.RetrieveAPIView):
    serializer_class = ExportJobSerializer

    @extend_schema(summary="导出任务状态与进度", description="只能查看本人的导出任务;他人的 → 404。")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return export_job_get_or_404(user=self.request.user, pk=self.kwargs["pk"])


class XLSXRenderer(BinaryRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"


class ExportFileView(APIView):
    renderer_classes = [XLSXRenderer]  # errors are switched to JSON in finalize_response
    content_negotiation_class = AlwaysFirstRenderer

    @extend_schema(
        summary="下载导出文件(.xlsx)",
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            **error_responses(404, 409, 410, d404="导出任务不存在或不属于调用者。", d409="导出尚未完成或已失败。",
                              d410="文件已被清理,请重新导出。"),
        },
    )
    def get(self, request, pk):
        job = export_job_get_or_404(user=request.user, pk=pk)
        return export_file_response(job)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


def export_file_response(job):
    """The finished file as an attachment; Conflict while not done; 410 if the file is gone."""
    if job.status != ExportJob.Status.DONE:
        if job.status == ExportJob.Status.FAILED:
            raise Conflict(f"该导出已失败,没有可下载的文件:{job.error}")
        raise Conflict(f"导出尚未完成(当前:{job.get_status_display()},{job.progress}%),请稍后再下载。")
    try:
        handle = job.file.open("rb")
    except (OSError, ValueError):
        return Response({"detail": "导出文件已被清理,请重新导出。", "errors": {}}, status=status.HTTP_410_GONE)
    response = FileResponse(handle, as_attachment=True, filename=download_name(job), content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
