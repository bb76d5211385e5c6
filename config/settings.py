"""Settings come from the environment; the defaults are the embedded demo (SQLite, eager Celery)."""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

from .storage import default_storage_from_env
from django.core.exceptions import ImproperlyConfigured

from .security import CONTENT_SECURITY_POLICY, logging_config, production_settings  # noqa: F401

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Signs the approval forms' verification codes: a key of its own, so rotating SECRET_KEY voids no printed form.
APPROVAL_FORM_KEY = env("APPROVAL_FORM_KEY", default="dev-only-approval-form-key")
APPROVAL_FORM_KEY_FALLBACKS = env.list("APPROVAL_FORM_KEY_FALLBACKS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "csp",
    "drf_spectacular_sidecar",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "guardian",
    "simple_history",
    "viewflow",
    "viewflow.workflow",
    "governance",
    "workflows",
    "commission",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.PageCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.inbound.InboundCheckMiddleware",  # refusals still get the security headers of those above
    "config.logins.LoginThrottleMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.acting_posts",
                "workflows.context_processors.inbox_count",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)  # scripts/prod.sh: 60
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An ORM read with select_related is 6-9 joins; planning every join order of those cost 8-10 ms per query.
    # Four keeps the planner's choice within groups of four joins: planning about 1 ms (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c join_collapse_limit={env.int('DB_JOIN_COLLAPSE_LIMIT', default=4)}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers queue instead of failing on lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account before any password check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    "governance.backends.PostBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]  # Chinese only: the app's own texts have no English catalogue
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": default_storage_from_env(env),  # MEDIA_ROOT, or S3-compatible when S3_BUCKET is set
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "渠道审批系统 API",
    "DESCRIPTION": "渠道新增、核心信息变更、退出、酬金政策与外呼资格认证的审批接口。",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ExitReasonEnum": "workflows.kinds.exit.ExitReason",
                            "ProcessKindEnum": "workflows.registry.KIND_CHOICES",
                            "AttachmentKindEnum": "governance.models.attachments.Attachment.Kind",
                            "OutboundLevelEnum": "governance.models.outbound.PostLevel",
                            "CertificateStatusEnum": "governance.models.outbound.CertificateStatus",
                            "OutboundDemandStatusEnum": "governance.models.OutboundDemand.Status",
                            "CertificateActionEnum": "governance.models.CertificateEvent.Action",
                            "StatusEnum": "governance.models.Channel.Status",
                            "ChannelTypeEnum": "governance.models.ChannelType"},
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the site itself (drf-spectacular-sidecar), no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# E-mail of notifications: the console in the embedded default; EMAIL_URL (e.g. smtp+tls://user:pw@host:587) sets SMTP.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="渠道审批系统 <noreply@localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# History is the audit log: never reverted from the admin (a revert turned an active channel back into a draft).
SIMPLE_HISTORY_REVERT_DISABLED = True

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")  # one broker, several installations or test runs
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
# Approval forms: a data snapshot at completion; the PDF rendered by a worker (when there is one) or on first download.
APPROVAL_FORM_PRERENDER = env.bool("APPROVAL_FORM_PRERENDER", default=bool(CELERY_BROKER_URL))
CELERY_BEAT_SCHEDULE = {
    "fire-workflow-timers": {"task": "workflows.tasks.fire_due_timers",
                             "schedule": timedelta(seconds=env.int("TIMER_SWEEP_SECONDS", default=60))},
    "requeue-vacant-tasks": {"task": "workflows.tasks.requeue_vacant_tasks", "schedule": timedelta(minutes=10)},
    "sweep-deadlines": {"task": "workflows.tasks.sweep_deadlines", "schedule": timedelta(minutes=5)},
    "settle-filings": {"task": "workflows.tasks.settle_filings", "schedule": timedelta(minutes=10)},
    "tidy-exports": {"task": "reports.tasks.tidy_exports", "schedule": timedelta(hours=1)},
    "remind-expiring-certificates": {"task": "governance.tasks.remind_expiring_certificates",
                                     "schedule": crontab(hour=8, minute=0)},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (config.logins): lock an account after repeated failures (django-axes), throttle each address.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# By account only: branch offices log in from shared NAT addresses, so a per-address lockout would lock
# a whole office; config.logins throttles each address on its failures instead (hence axes.W006 silenced).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a stranger's tries do not keep an account locked
AXES_LOCKOUT_CALLABLE = "config.logins.lockout_response"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)  # per address, 10 minutes
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)

LOGGING = logging_config(level=env("LOG_LEVEL", default="INFO"), log_file=env("LOG_FILE", default=""))

DJANGO_ENV = env("DJANGO_ENV", default="demo")
if DJANGO_ENV not in ("demo", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'demo' or 'production', not {DJANGO_ENV!r}.")
if DJANGO_ENV == "production":
    globals().update(production_settings(env))
