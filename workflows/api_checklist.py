"""API of the exit checklist: record the open item (amount, date, blocked flag) and upload its evidence."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.attachments.api import AttachmentSerializer

from .api import ProcessDetailSerializer
from .api_operations import ERRORS, _detail
from .checklist import ItemRecordInput, checklist_evidence_add, checklist_item_record


class EvidenceInput(serializers.Serializer):
    file = serializers.FileField(label="凭证文件", help_text="PDF、JPEG或PNG,不超过10 MB,按文件内容判断类型。",
                                 error_messages={"required": "请选择要上传的凭证文件。", "invalid": "请选择要上传的凭证文件。",
                                                 "empty": "文件为空,请重新选择。"})


class ChecklistRecordView(APIView):
    @extend_schema(request=ItemRecordInput, responses={200: ProcessDetailSerializer, **ERRORS},
                   summary="登记退出清单项(金额、日期、受阻标记)",
                   description="调用者须能办理该流程当前的清单项任务。blocked=true 须填 blocked_reason;受阻的清单项"
                               "不能确认完成(approve 返回 400),以 blocked=false 再次登记即解除。每次登记写入审批记录。")
    def post(self, request, pk):
        process = checklist_item_record(task_id=pk, user=request.user, data=request.data)
        return _detail(request, process)


class ChecklistEvidenceView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": EvidenceInput}, responses={201: AttachmentSerializer, **ERRORS},
                   summary="上传退出清单项凭证", description="存为渠道附件(退出凭证),关联流程与清单项;附件不可删除,"
                                                           "流程作废也保留。")
    def post(self, request, pk):
        data = EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = checklist_evidence_add(task_id=pk, user=request.user, file=data.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
