"""Checks on what comes in, before any view runs: one place for every page, form, serializer and filter.

- Text: a query-string value, a form field or a JSON string (keys included) with a character outside
  XML 1.0 (control characters, lone surrogates, U+FFFE, U+FFFF) is refused with a Chinese message. Such a
  character, once stored, breaks every Excel export and PDF that holds the row.
- JSON: nested deeper than MAX_JSON_DEPTH is refused (Python's parser would raise RecursionError, a 500).
- Query strings: a value over MAX_QUERY_VALUE_CHARS characters is refused (a 50,000-character search term
  is too complex a LIKE pattern for SQLite, admin searches included); list filters cap searches lower.
- Size: under /api/ a body over DATA_UPLOAD_MAX_MEMORY_SIZE (multipart file parts excepted) gets the API's
  JSON error shape instead of Django's HTML page.

Refusals are 400: `{"detail", "errors": {field: [...]}}` under /api/, the 400 page elsewhere (nothing changes).
Multipart bodies under /api/ are left to their view (it may set its own upload handlers); their text parts
are checked by the serializers' own fields.
"""
import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.shortcuts import render

from governance.validators_text import NOT_XML_CHAR, XML_TEXT_MESSAGE

logger = logging.getLogger(__name__)

MAX_JSON_DEPTH = 32
MAX_QUERY_VALUE_CHARS = 1000
DEPTH_MESSAGE = f"JSON 嵌套层级过深(最多 {MAX_JSON_DEPTH} 层)。"
TOO_BIG_MESSAGE = "请求体过大(上限 {limit} MB),请减少内容后重试。"
TOO_MANY_MESSAGE = "提交的字段过多。"
QUERY_TOO_LONG_MESSAGE = f"查询参数过长(每项最多 {MAX_QUERY_VALUE_CHARS} 个字符)。"


class InputRefused(Exception):
    def __init__(self, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}


def _media_type(request) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def json_depth_exceeded(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `data` (parsed JSON) nests deeper than `limit`; iterative, so no recursion of its own."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False


def bad_text_fields(data, path: str = "") -> list[str]:
    """Paths ("name", "changes.address", "rules.0.business") of strings or keys with non-XML characters."""
    found, stack = [], [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if NOT_XML_CHAR.search(value):
                found.append(where or "non_field_errors")
        elif isinstance(value, dict):
            for key, child in value.items():
                key_path = f"{where}.{key}" if where else str(key)
                if NOT_XML_CHAR.search(str(key)):
                    found.append(where or "non_field_errors")
                    continue
                stack.append((child, key_path))
        elif isinstance(value, list):
            stack.extend((child, f"{where}.{i}" if where else str(i)) for i, child in enumerate(value))
    return sorted(set(found))


def _check_pairs(pairs) -> None:
    """Query-string or form pairs: name → list of values."""
    fields = set()
    for name, values in pairs:
        if NOT_XML_CHAR.search(name):
            fields.add("non_field_errors")
        elif any(NOT_XML_CHAR.search(value) for value in values):
            fields.add(name[:64])
    if fields:
        raise InputRefused(XML_TEXT_MESSAGE, {field: [XML_TEXT_MESSAGE] for field in sorted(fields)})


def _check_query(request) -> None:
    long = sorted({name for name, values in request.GET.lists()
                   if any(len(value) > MAX_QUERY_VALUE_CHARS for value in values)})
    if long:
        raise InputRefused(QUERY_TOO_LONG_MESSAGE, {name[:64]: [QUERY_TOO_LONG_MESSAGE] for name in long})
    _check_pairs(request.GET.lists())


def _check_json(request) -> None:
    try:
        data = json.loads(request.body)
    except RecursionError:
        raise InputRefused(DEPTH_MESSAGE)
    except ValueError:  # not JSON (or not UTF-8): the view's parser answers with its own 400
        return
    if json_depth_exceeded(data):
        raise InputRefused(DEPTH_MESSAGE)
    fields = bad_text_fields(data)
    if fields:
        raise InputRefused(XML_TEXT_MESSAGE, {field: [XML_TEXT_MESSAGE] for field in fields})


def _too_big(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return limit is not None and length > limit


def check_request(request) -> None:
    """Raise InputRefused if the request carries what the system never accepts."""
    _check_query(request)
    media_type = _media_type(request)
    if media_type == "multipart/form-data" and is_api(request):
        return
    if media_type != "multipart/form-data" and is_api(request) and _too_big(request):
        raise RequestDataTooBig()
    if media_type == "application/json":
        _check_json(request)
    elif request.method == "POST" and media_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.POST.lists())


def refusal(request, detail: str, errors: dict | None = None):
    if is_api(request):
        return JsonResponse({"detail": detail, "errors": errors or {}}, status=400)
    return render(request, "400.html", {"message": detail, "fields": sorted(errors or {})}, status=400)


class InboundCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except InputRefused as exc:
            return refusal(request, exc.detail, exc.errors)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
            return refusal(request, TOO_BIG_MESSAGE.format(limit=f"{limit:g}"))
        except TooManyFieldsSent:
            return refusal(request, TOO_MANY_MESSAGE)
        return self.get_response(request)
