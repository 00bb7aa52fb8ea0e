"""Settings: everything that differs between machines comes from environment variables.

With neither DATABASE_URL nor REDIS_URL set, ``manage.py`` and the test suite start the embedded
servers first (regulator/embedded.py), so these settings always see both variables.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from regulator.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-change-me" if DEBUG else None)
if not DEBUG and SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a real secret when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "regulator",
    "licensing",
    "inspections",
    "traceability",
    "adr_monitoring",
    "credit",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "regulator.api.middleware.OneValuePerQueryParameter",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "regulator.urls"
WSGI_APPLICATION = "regulator.wsgi.application"
AUTH_USER_MODEL = "regulator.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "regulator.web.context_processors.navigation",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a postgresql:// URL: the platform relies on PostgreSQL.")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
# Every view runs in one transaction: the tenant scope is SET LOCAL inside it (regulator/tenancy.py).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_regulator")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "regulator"),
    }
}


def _celery_broker_url(redis_url: str) -> str:
    # kombu spells a Unix-socket Redis as redis+socket:///path?virtual_host=N
    if redis_url.startswith("unix://"):
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(redis_url)
        db = parse_qs(parts.query).get("db", ["0"])[0]
        return f"redis+socket://{parts.path}?virtual_host={db}"
    return redis_url


CELERY_BROKER_URL = _celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "regulator")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {
    # The outbox sweeper re-sends deliveries whose task never reached a worker (broker down at commit).
    "events-redeliver": {"task": "regulator.tasks.redeliver_pending_events", "schedule": timedelta(minutes=1)},
    "deadlines-flag-overdue": {
        "task": "regulator.tasks.flag_overdue_deadlines",
        "schedule": timedelta(hours=1),
    },
    "worker-heartbeat": {"task": "regulator.tasks.heartbeat", "schedule": timedelta(seconds=30)},
    "complaints-deadlines": {"task": "complaints.tasks.flag_complaint_deadlines", "schedule": crontab(45, 1)},
    "licensing-flag-overdue": {"task": "licensing.tasks.flag_overdue_applications",
                               "schedule": crontab(hour=1, minute=15)},
    "licensing-expiry": {"task": "licensing.tasks.refresh_licence_statuses", "schedule": crontab(hour=1, minute=30)},
    "traceability-reconcile-nightly": {"task": "traceability.tasks.reconcile_nightly",
                                       "schedule": crontab(hour=2, minute=0)},
    # Uploads whose worker died mid-import (no heartbeat for TRACE_JOB_STALE_MINUTES) are marked failed.
    "traceability-fail-stale-jobs": {"task": "traceability.tasks.fail_stale_jobs", "schedule": timedelta(minutes=1)},
}

# --- Security ----------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lockout is per account on purpose: a bureau's staff share one NAT address, and locking it would lock
# the whole bureau out after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 2 * 1024 * 1024, minimum=1024)

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")  # complaint receipts
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # for the file-based backend
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@regulator.example")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")  # for links in e-mails
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")  # with the SMTP backend
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"  # never served as such: attachments go out through scoped views only
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
ATTACHMENT_SCANNER = env_str("ATTACHMENT_SCANNER", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

# --- API ---------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "regulator.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["regulator.api.permissions.ScopedActorPermission"],
    "DEFAULT_PAGINATION_CLASS": "regulator.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "regulator.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["regulator.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "client": env_str("API_THROTTLE_RATE", "1200/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": None,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Drug Regulatory Platform API",
    "DESCRIPTION": (
        "REST API for provincial and enterprise systems. Authenticate with `Authorization: Bearer <token>` "
        "(create a client with `python manage.py create_api_client`). Every tenant-owned resource carries "
        "`jurisdiction`, the GB/T 2260 code of the jurisdiction that owns it; you see only your scope. "
        "Errors share one shape: `{\"error\": {\"status\", \"code\", \"message\", \"fields\"}}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are public: integrators read them before they hold credentials.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseStatusEnum": "regulator.choices.EnterpriseStatus",
        "DeadlineStatusEnum": "regulator.choices.DeadlineStatus",
        "DeliveryStatusEnum": "regulator.choices.DeliveryStatus",
        "EnterpriseTypeEnum": "regulator.choices.EnterpriseType",
        "ProductKindEnum": "regulator.choices.ProductKind",
        "ApplicationKindEnum": "licensing.choices.ApplicationKind",
        "ApplicationStatusEnum": "licensing.choices.ApplicationStatus",
        "LicenceStatusEnum": "licensing.choices.LicenceStatus",
        "ComplaintKindEnum": "complaints.choices.Kind",
        "ComplaintStatusEnum": "complaints.choices.Status",
        "ComplaintOutcomeEnum": "complaints.choices.Outcome",
        "NotAcceptedGroundEnum": "complaints.choices.NotAcceptedGround",
        "NoCaseReasonEnum": "complaints.choices.NoCaseReason",
        "TraceEventKindEnum": "traceability.choices.EventKind",
        "TraceCodeStatusEnum": "traceability.choices.CodeStatus",
        "IngestJobStatusEnum": "traceability.choices.JobStatus",
        "DiscrepancyStatusEnum": "traceability.choices.DiscrepancyStatus",
        "RecallStatusEnum": "traceability.choices.RecallStatus",
        "RecallTaskStatusEnum": "traceability.choices.RecallTaskStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "regulator.api.schema.add_error_responses",
    ],
    # Served by the app itself (drf-spectacular-sidecar): regulators' networks often have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Webhooks: events a machine client may read are also POSTed to its URLs, signed with HMAC-SHA256.
# Plain http is for development and closed networks only (signatures do not hide the payload).
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
# A webhook whose deliveries fail this many times in a row (each after all its attempts) is switched off.
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 20, minimum=1)

# Public complaint pages: rate limits per client address (a count per second, minute, hour or day).
COMPLAINTS_FILING_RATE = env_rate("COMPLAINTS_FILING_RATE", "10/hour")
COMPLAINTS_LOOKUP_RATE = env_rate("COMPLAINTS_LOOKUP_RATE", "30/hour")
COMPLAINTS_SEARCH_RATE = env_rate("COMPLAINTS_SEARCH_RATE", "600/hour")
# Traceability: a shipment not received after this many hours is a discrepancy.
TRACE_SHIPMENT_RECEIPT_HOURS = env_int("TRACE_SHIPMENT_RECEIPT_HOURS", 72, minimum=1)
# An upload whose worker gave no sign of life for this long is marked failed (it can be sent again).
TRACE_JOB_STALE_MINUTES = env_int("TRACE_JOB_STALE_MINUTES", 10, minimum=1)
TRACE_JOB_HEARTBEAT_SECONDS = 30  # how often a running upload job says it is alive; well under the above

# --- Platform ----------------------------------------------------------------------------------

PGHISTORY_DEFAULT_TRACKERS = None
HEALTHZ_WORKER_TIMEOUT_SECONDS = 1.0

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
