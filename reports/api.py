"""API: the approval form of a process as a PDF, whatever the client's Accept header says."""
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import services

from .documents import document_pdf_for


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


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
            (404, "application/json"): OpenApiResponse(description="流程不存在或不在您的数据范围内。"),
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
