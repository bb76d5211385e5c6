"""The download of a stored attachment: always as a file to save, never rendered by the browser."""
from django.http import FileResponse, Http404

from ..models import Attachment

MISSING_FILE = "附件文件缺失,请联系系统管理员。"


def attachment_response(attachment: Attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (OSError, ValueError):
        raise Http404(MISSING_FILE)
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
