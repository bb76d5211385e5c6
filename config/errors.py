"""Error pages: JSON in the API's shape under /api/, Chinese pages elsewhere."""
from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    """Django's own 400s (an oversized or malformed body it refused before any view ran)."""
    if _is_api(request):
        return JsonResponse({"detail": "请求无效:请求体过大或格式错误。", "errors": {}}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "接口或对象不存在。", "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "服务器内部错误,已记录,请稍后重试。", "errors": {}}, status=500)
    return defaults.server_error(request)
