"""Text that may enter the system: XML 1.0 characters only (what Excel, PDF and every export can hold).

`validate_xml_text` is the one validator; `config.inbound.InboundCheckMiddleware` applies it to every
query string, form body and JSON body on the way in, and `xml_safe` strips the rest on the way out
(exports of rows written before the check existed).
"""
import re

from django.core.exceptions import ValidationError

# XML 1.0: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; lone surrogates are outside.
NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_TEXT_MESSAGE = "含有不允许的字符(控制字符或 U+FFFE、U+FFFF 等非文本字符),请删除后重新提交。"


def validate_xml_text(value: str) -> None:
    if isinstance(value, str) and NOT_XML_CHAR.search(value):
        raise ValidationError(XML_TEXT_MESSAGE, code="xml_char")


def xml_safe(value: str) -> str:
    """`value` without the characters an XML document (an .xlsx, a PDF's metadata) cannot hold."""
    return NOT_XML_CHAR.sub("", value)
