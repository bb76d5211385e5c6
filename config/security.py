"""Settings that depend on where the system runs: the production mode, logging, the content security policy.

The demo default (plain http on 127.0.0.1) keeps none of the TLS-only settings. `DJANGO_ENV=production`
means "served over HTTPS, usually behind a TLS-terminating proxy": secrets and host names must come from
the environment, cookies are secure-only, HSTS is on, http is redirected, and `manage.py check --deploy`
passes without warnings.
"""
from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

ONE_YEAR = 365 * 24 * 3600


def production_settings(env) -> dict:
    """The settings of the production mode, read from `env` (a django-environ Env). Missing required
    variables (SECRET_KEY, APPROVAL_FORM_KEY, ALLOWED_HOSTS) raise ImproperlyConfigured at start-up."""
    proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
    return {
        "DEBUG": False,
        "SECRET_KEY": env("SECRET_KEY"),
        "APPROVAL_FORM_KEY": env("APPROVAL_FORM_KEY"),
        "ALLOWED_HOSTS": env.list("ALLOWED_HOSTS"),
        "CSRF_TRUSTED_ORIGINS": env.list("CSRF_TRUSTED_ORIGINS", default=[]),
        # e.g. "HTTP_X_FORWARDED_PROTO,https": only behind a proxy that always sets (or strips) that header
        "SECURE_PROXY_SSL_HEADER": tuple(proxy_header) if proxy_header else None,
        "SECURE_SSL_REDIRECT": env.bool("SECURE_SSL_REDIRECT", default=True),
        "SECURE_HSTS_SECONDS": env.int("SECURE_HSTS_SECONDS", default=ONE_YEAR),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True),
        "SECURE_HSTS_PRELOAD": env.bool("SECURE_HSTS_PRELOAD", default=True),
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def logging_config(*, level: str = "INFO", log_file: str = "") -> dict:
    """Errors (every 500 with its traceback, via django.request) and the apps' own logger.exception calls
    go to stderr, and to `log_file` as well when one is given."""
    handlers = {"console": {"class": "logging.StreamHandler", "formatter": "plain"}}
    if log_file:
        handlers["file"] = {"class": "logging.handlers.WatchedFileHandler", "filename": log_file,
                            "formatter": "plain", "encoding": "utf-8"}
    names = list(handlers)
    apps = ("config", "governance", "workflows", "commission", "reports")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
        "handlers": handlers,
        "root": {"handlers": names, "level": "WARNING"},
        "loggers": {
            "django": {"handlers": names, "level": "WARNING", "propagate": False},
            **{app: {"level": level} for app in apps},
        },
    }


# Scripts only from the site itself (no inline script anywhere); inline style attributes are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


class PageCSPMiddleware(CSPMiddleware):
    """The policy on pages (HTML) only: a PDF or an .xlsx opens in the browser's own viewer, unrestricted."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            response._csp_exempt = True
        return super().process_response(request, response)
