"""Files to upload: real PDF, JPEG and PNG bytes, and things that only pretend to be one."""
import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from governance.models import Channel
from tests.api.conftest import drive  # noqa: F401 (fixtures of the API and page tests, used here too)
from tests.pages.conftest import pages  # noqa: F401

MB = 1024 * 1024


def pdf_bytes(padding: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"%" + b"x" * padding + b"\n"
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_of_size(size: int) -> bytes:
    return pdf_bytes(padding=size - len(pdf_bytes()))


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


DISGUISED = {
    "exe": ("营业执照.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
    "html": ("x.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    "html_as_png": ("x.png", b"<html><body>%PDF-1.4</body></html>"),
    "text": ("合同.jpg", "这不是图片".encode()),
    "zip": ("合同.pdf", b"PK\x03\x04" + b"\x00" * 100),
    "png_header_only": ("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
    "jpeg_header_only": ("x.jpg", b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 4),
    "pdf_without_end": ("x.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>\n"),
}


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> set[str]:
    root = os.path.join(settings.MEDIA_ROOT, "attachments")
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


@pytest.fixture
def zz_store(demo) -> Channel:
    return Channel.objects.get(node_code="ZZ-JS-0002")  # 花园路指定专营店: social, active


@pytest.fixture
def ly_hall(demo) -> Channel:
    return Channel.objects.get(node_code="LY-LL-0001")
