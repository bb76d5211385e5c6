"""Logins: a per-address throttle on every login form (page, admin, API token), and the answer given to an
account that django-axes has locked after repeated failures.

Lockout (django-axes, settings AXES_*): an account is locked for LOGIN_LOCKOUT_MINUTES after
LOGIN_FAILURE_LIMIT wrong passwords in a row, whatever the address; the right password does not open it
until then. Throttle (here): an address with LOGIN_ADDRESS_FAILURE_LIMIT failed logins within ten minutes,
whichever accounts it named (password spraying), may not try again until the ten minutes are over; only
failures count, so a branch office behind one NAT address is not stopped by its colleagues' logins.
Both answer 429 with a Chinese message, JSON under /api/.
"""
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render

LOCKED_MESSAGE = "登录失败次数过多,该账号已被暂时锁定,请 {minutes} 分钟后再试,或联系系统管理员解锁。"
THROTTLED_MESSAGE = "登录尝试过于频繁,请稍后再试。"
WINDOW_SECONDS = 600


def login_paths() -> set[str]:
    return {settings.LOGIN_URL, "/admin/login/", "/api/v1/auth/token/"}


def client_address(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address they saw (X-Forwarded-For)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=lockout_minutes())


def refusal(request, message: str, status: int = 429):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    return render(request, "429.html", {"message": message}, status=status)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the answer to a login attempt on a locked account."""
    return refusal(request, locked_message())


def _failures_key(request) -> str:
    return f"login-failures:{client_address(request)}"


def count_failure(request) -> None:
    """A failed login from this request's address (a `user_login_failed` receiver calls this)."""
    key = _failures_key(request)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)


def over_limit(request) -> bool:
    return (cache.get(_failures_key(request)) or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in login_paths() and over_limit(request):
            return refusal(request, THROTTLED_MESSAGE)
        return self.get_response(request)
