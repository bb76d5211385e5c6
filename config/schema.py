"""The API's error answers in the OpenAPI schema (drf-spectacular): one error shape, documented everywhere.

Apart from config.api because DRF imports the pagination class from there while drf-spectacular imports DRF.
"""
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="中文说明(第一条错误)。")
    errors = serializers.DictField(help_text="字段名 → 消息列表(嵌套字段为对象);无字段时为空对象。")


ERROR_DESCRIPTIONS = {
    400: "输入有误:字段不合规、含不允许的字符、JSON 嵌套过深或请求体过大;errors 按字段列出。",
    401: "未登录,或令牌无效、已过期。",
    403: "已登录,但岗位无权执行此操作(审计等只读岗位不能办理)。",
    404: "对象不存在或不在您的数据范围内(列表页码超出范围亦同)。",
    409: "冲突:状态已变化(如任务已被处理)、编码已被占用或数据已被他人修改。",
    415: "请求体的类型不受支持或无法按其类型解析(应为 application/json、multipart/form-data 或 "
         "application/x-www-form-urlencoded)。",
    429: "请求过于频繁,或账号因连续登录失败被暂时锁定。",
}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def error_responses(*codes: int, **descriptions: str) -> dict:
    """`extend_schema(responses=...)` entries for error answers in the one error shape; a description
    given as e.g. `d409="..."` replaces the generic one."""
    return {(code, "application/json"): OpenApiResponse(
        ErrorSerializer, description=descriptions.get(f"d{code}") or ERROR_DESCRIPTIONS[code]) for code in codes}


class AutoSchema(SpectacularAutoSchema):
    """Every operation documents the errors it can answer, in the one error shape: 400 (any input, the
    query string included, is checked by config.inbound), 401/403 where a login is needed, 404 for a path
    with an id and for paginated lists, 409 for writes, 415 where a body is read. Codes an operation
    declares itself are kept."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                response = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[str(code)] = self._get_response_for_code(response, str(code), ("application/json",),
                                                                   direction)
        return responses

    def _needs_login(self) -> bool:
        return bool(self.view.get_authenticators()) or any(
            not isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _error_codes(self) -> list[int]:
        codes = [400]
        if self._needs_login():
            codes += [401, 403]
        if "{" in self.path or (self.method == "GET" and self._is_list_view()):
            codes.append(404)
        if self.method in UNSAFE_METHODS:
            codes.append(409)
            if self.get_request_serializer() is not None:
                codes.append(415)
        return codes
