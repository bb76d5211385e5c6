"""API plumbing shared by every app: pagination and the one error shape {"detail", "errors"}."""
from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.errors import Conflict, NotAllowed, TooSoon

from .paging import CappedPaginator


class Pagination(PageNumberPagination):
    """`count` is exact up to COUNT_CAP rows; beyond that it is the cap and `count_capped` is true."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {"type": "boolean"}
        return schema


def _errors_from_django(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}


def _first_message(errors: dict) -> str:
    for messages in errors.values():
        if isinstance(messages, (list, tuple)) and messages:
            first = messages[0]
            return _first_message(first) if isinstance(first, dict) else str(first)
        if isinstance(messages, dict):
            return _first_message(messages)
        return str(messages)
    return "输入有误。"


def _response(code: int, detail: str, errors: dict | None = None) -> Response:
    return Response({"detail": detail, "errors": errors or {}}, status=code)


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return _response(status.HTTP_409_CONFLICT, exc.message)
    if isinstance(exc, TooSoon):
        return _response(status.HTTP_429_TOO_MANY_REQUESTS, exc.message)
    if isinstance(exc, IntegrityError):
        return _response(status.HTTP_409_CONFLICT, "编码或代码已被占用,或数据已被他人修改,请核对后重试。")
    if isinstance(exc, NotAllowed):
        return _response(status.HTTP_403_FORBIDDEN, exc.message)
    if isinstance(exc, DjangoValidationError):
        errors = _errors_from_django(exc)
        return _response(status.HTTP_400_BAD_REQUEST, _first_message(errors), errors)
    if isinstance(exc, Http404):
        return _response(status.HTTP_404_NOT_FOUND, str(exc) or "对象不存在或不在您的数据范围内。")
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _response(status.HTTP_400_BAD_REQUEST, _first_message(errors), errors)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"detail": str(detail), "errors": {}}
    return response
