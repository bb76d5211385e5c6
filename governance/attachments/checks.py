"""What an uploaded file really is, judged by its content: PDF, JPEG or PNG, at most 10 MB.

The client's file name and Content-Type are never trusted. Images are opened with Pillow (already
installed for WeasyPrint), which parses the header up to the frame and, for PNG, checks each chunk's
CRC; a PDF must start with the `%PDF-1.x`/`%PDF-2.x` header and end with an `%%EOF` marker. A
magic-number library would only repeat the first of these checks, so none is added.
"""
import hashlib
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image

from ..models.attachments import EXTENSIONS

MAX_BYTES = 10 * 1024 * 1024
# A request body this large cannot hold a file the limit allows: refused (413) before it is read.
MAX_BODY_BYTES = MAX_BYTES + 1024 * 1024
TOO_LARGE = "文件不能超过10 MB(当前约 {size:.1f} MB),请压缩或分开上传。"
BODY_TOO_LARGE = "上传内容超过10 MB,未接收。请上传不超过10 MB的PDF、JPG或PNG文件。"
WRONG_TYPE = "只能上传PDF、JPG或PNG文件;该文件的内容不是这三种格式(按文件内容判断,与扩展名无关)。"
BROKEN_IMAGE = "图片文件已损坏或格式不完整,请重新导出后上传。"
BROKEN_PDF = "PDF文件不完整(缺少文件结束标记),请重新导出后上传。"
EMPTY = "文件为空,请重新选择。"
MISSING = "请选择要上传的文件。"

PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
NAME_STEM_LENGTH = 100


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str
    name: str


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _read(file, start: int, length: int) -> bytes:
    file.seek(start)
    return file.read(length)


def _sniff(file, size: int) -> str:
    head = _read(file, 0, 16)
    if PDF_HEADER.match(head):
        if b"%%EOF" not in _read(file, max(0, size - 1024), 1024):
            raise _error(BROKEN_PDF, "broken_pdf")
        return "application/pdf"
    if head.startswith(PNG_MAGIC):
        return _check_image(file, "image/png")
    if head.startswith(JPEG_MAGIC):
        return _check_image(file, "image/jpeg")
    raise _error(WRONG_TYPE, "file_type")


def _check_image(file, content_type: str) -> str:
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image.verify()
                if image.format != PILLOW_FORMATS[content_type] or not all(image.size):
                    raise ValueError(image.format)
    except Exception:  # Pillow raises many kinds (SyntaxError, OSError, struct.error, bombs): all mean "broken"
        raise _error(BROKEN_IMAGE, "broken_image")
    return content_type


def _digest(file) -> str:
    sha = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        sha.update(chunk)
    file.seek(0)
    return sha.hexdigest()


def clean_name(name, extension: str) -> str:
    """The original name as people read it, safe to show and to send back: no folders, no control or
    direction characters, a bounded length, and the extension of the detected type."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ")
    stem = os.path.splitext(name)[0].strip(" .")[:NAME_STEM_LENGTH].strip() or "附件"
    return f"{stem}.{extension}"


def body_too_large(meta) -> bool:
    """Whether a request's declared body (CONTENT_LENGTH of `request.META`) exceeds MAX_BODY_BYTES."""
    try:
        return int(meta.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return False


def check_upload(file) -> CheckedFile:
    """Raise ValidationError({"file": ...}) unless `file` is a PDF, JPEG or PNG of at most 10 MB."""
    if file is None or not hasattr(file, "read"):
        raise _error(MISSING, "required")
    size = file.size or 0
    if size == 0:
        raise _error(EMPTY, "empty")
    if size > MAX_BYTES:
        raise _error(TOO_LARGE.format(size=size / 1024 / 1024), "too_large")
    content_type = _sniff(file, size)
    extension = EXTENSIONS[content_type]
    return CheckedFile(content_type=content_type, extension=extension, size=size, sha256=_digest(file),
                       name=clean_name(getattr(file, "name", ""), extension))
