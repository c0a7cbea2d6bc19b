"""Settings for the CICA cooperation portal: one module, read top to bottom, from the environment.

Every value that differs between a laptop and a production server comes from an environment
variable; the defaults are the embedded, server-less set-up that `make run` uses.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cica_portal import audit_keys, envelope

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - only ever used with DEBUG on

# The audit log is an HMAC chain keyed outside the database (docs/security/audit.md):
# AUDIT_KEYS (id:key,...; the first signs, the others only verify), AUDIT_KEY or AUDIT_KEY_FILE;
# required when DEBUG is off, like SECRET_KEY. Its head is anchored to an append-only file.
AUDIT_KEYS = audit_keys.from_environment(os.environ, debug=DEBUG, secret_key=SECRET_KEY)
# SHARE_MASTER_KEYS (id:base64key,...; the first wraps new data keys, the others only unwrap)
# or SHARE_MASTER_KEY_FILE: the master keys of the shares' envelope encryption
# (cica_portal/envelope.py), kept outside the database and its backups; required when DEBUG
# is off, like SECRET_KEY.
SHARE_MASTER_KEYS = envelope.from_environment(os.environ, debug=DEBUG, secret_key=SECRET_KEY)
AUDIT_ANCHOR_FILE = Path(os.environ.get("AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.jsonl"))
AUDIT_ANCHOR_EMAIL = os.environ.get("AUDIT_ANCHOR_EMAIL", "")  # a copy of each anchor, if set

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin: official texts in both languages (README)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cica_portal",
    "actionplan",
    "focalpoints",
    "meetings",
    "exchange",
    "inquiries",
    "portal_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cica_portal.middleware.DatabaseUnavailableMiddleware",
    # Before anything reads a cookie, a header or the body: NUL, lone surrogates, JSON too deep.
    "cica_portal.input_guard.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cica_portal.middleware.AccountLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cica_portal.bilingual.DraftTranslationBannerMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cica_portal.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cica_portal.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal_site.urls"
WSGI_APPLICATION = "portal_site.wsgi.application"
AUTH_USER_MODEL = "cica_portal.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "django.template.context_processors.i18n",
                "cica_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# SQLite under var/ by default; PostgreSQL in production and CI through DATABASE_URL.

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cica.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: wait for locks, take them early.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # Fail fast when PostgreSQL is down rather than hanging a request.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DB_CONNECT_TIMEOUT", "3")
    )

# --- Redis: Celery broker and cache ---------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis, Celery uses a broker kept in a SQLite file (kombu's SQLAlchemy transport),
# which the web server, the worker and beat share without any server running.
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Bounded socket timeouts: a Redis that accepts but never answers must not hang a request.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"socket_timeout": 3, "socket_connect_timeout": 3, "max_retries": 1, "visibility_timeout": 3600}
    if REDIS_URL
    else {}
)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# django-celery-beat's schedules (editable in the admin), run by one beat at a time (a lease).
CELERY_BEAT_SCHEDULER = "cica_portal.beat:SingleBeatScheduler"

# --- Time, languages --------------------------------------------------------------------------

USE_TZ = True  # stored in UTC
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")  # shown in the Secretariat's zone
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format and one date-and-time format per language (cica_portal/formats/<lang>/);
# `{{ value|when }}` (cica_portal/dates.py) adds the time zone's name.
FORMAT_MODULE_PATH = ["cica_portal.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language switcher's choice is remembered
# Official texts in both languages (django-modeltranslation, `<app>/translation.py`): English
# is the default; a page in one language falls back to the other only where it has no text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "ru")

# --- Static and uploaded files ----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = None  # uploads are never served directly, only through views that check rights
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # JSON and form bodies; larger ones get a 413
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Email ------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CICA portal <portal@cica.example>")
# Notices (cica_portal/notifications.py, digests.py): a notice about the same subject as an
# unsent email of the last NOTICE_MERGE_MINUTES is merged into it (0: never merge); a digest's
# unsubscribe links work for NOTICE_UNSUBSCRIBE_MAX_AGE_DAYS.
NOTICE_MERGE_MINUTES = float(os.environ.get("NOTICE_MERGE_MINUTES", "10"))
NOTICE_UNSUBSCRIBE_MAX_AGE_DAYS = int(os.environ.get("NOTICE_UNSUBSCRIBE_MAX_AGE_DAYS", "60"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECRETARIAT_EMAIL = os.environ.get("SECRETARIAT_EMAIL", "secretariat@cica.example")

# --- Authentication and sessions --------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour; a link also dies once the password changes
# Sessions in PostgreSQL, never in a web process: any node serves any request (README,
# "Running on several nodes"; tests/faults/test_several_nodes.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an inactivity timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after its login (SessionLifetimeMiddleware).
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_SECONDS", str(12 * 3600)))
# Password reset requests: at most this many an hour per client address and per email address;
# beyond it the answer is the same and no email is sent.
PASSWORD_RESETS_PER_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_HOUR", "5"))

# Two-factor authentication (TOTP) for the Secretariat and release approvers; offered to focal
# points. Off by default only on a developer's machine (DEBUG), so the demo logs in with a password.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "CICA portal"
# django-otp's own delay (1 s, 2 s, 4 s ... after each wrong code) refuses even a correct code
# typed right after a typo; it is off, and cica_portal.twofactor bounds wrong codes instead:
# the first TWO_FACTOR_FAILURE_LIMIT in a row are free, then each further attempt waits
# TWO_FACTOR_LOCK_SECONDS, doubling after each wrong one, up to TWO_FACTOR_MAX_LOCK_SECONDS.
OTP_TOTP_THROTTLE_FACTOR = 0
TWO_FACTOR_FAILURE_LIMIT = int(os.environ.get("TWO_FACTOR_FAILURE_LIMIT", "5"))
TWO_FACTOR_LOCK_SECONDS = int(os.environ.get("TWO_FACTOR_LOCK_SECONDS", str(15 * 60)))
TWO_FACTOR_MAX_LOCK_SECONDS = int(os.environ.get("TWO_FACTOR_MAX_LOCK_SECONDS", str(24 * 3600)))
# The TOTP secrets are never shown in the admin (the Secretariat can remove a device, not copy it).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# API tokens expire this many days after they are made.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
# A request for member states' approval opened without a deadline gets this many days (and so
# the reminders before it); a silence procedure has its own instant instead.
APPROVAL_DEFAULT_DAYS = int(os.environ.get("APPROVAL_DEFAULT_DAYS", "30"))
# Lost and stolen documents: a hit not closed by the checking state is reminded to both sides
# every this many hours; a notice not yet reported to INTERPOL's SLTD database is reminded to
# its issuing state every this many days.
DOCUMENT_HIT_REMINDER_HOURS = int(os.environ.get("DOCUMENT_HIT_REMINDER_HOURS", "48"))
SLTD_REMINDER_DAYS = int(os.environ.get("SLTD_REMINDER_DAYS", "7"))
# The CSV import of a state's lost and stolen documents: one file is one transaction.
DOCUMENT_IMPORT_MAX_BYTES = int(os.environ.get("DOCUMENT_IMPORT_MAX_BYTES", str(1024 * 1024)))
DOCUMENT_IMPORT_MAX_ROWS = int(os.environ.get("DOCUMENT_IMPORT_MAX_ROWS", "2000"))

# Requests for information (inquiries/): the answer is due this long after the request, per
# urgency ("8h" hours, "7d" days), counted in the requested state's working time where the
# Secretariat set one (else calendar time). Env: "urgent=8h,standard=7d,routine=14d".
INFORMATION_REQUEST_DEADLINES = dict(
    item.strip().split("=", 1)
    for item in os.environ.get(
        "INFORMATION_REQUEST_DEADLINES", "urgent=8h,standard=7d,routine=14d"
    ).split(",")
    if "=" in item
)

# Failed logins: lock the username from that address for a while, never forever; and lock an
# address that fails this often across usernames (password spraying) for the same while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "cica_portal.lockout.SprayAwareHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address comes from X-Forwarded-For only behind a proxy we were told to trust.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Per-object rights: no anonymous user object; rights are what guardian's tables say.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Security headers ------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/ready$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- OpenID Connect sign-in (cica_portal/oidc.py), off by default ----------------------------
# A provider only finds accounts the Secretariat linked; it never makes one, nor a role.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's sign-in")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
# Seconds for each call to the provider (token, keys, user-info): never an unbounded wait.
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "5"))
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.insert(1, "cica_portal.oidc.PortalOIDCBackend")

# --- REST API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cica_portal.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "cica_portal.input_guard.GuardedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "cica_portal.schema.PortalAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "60/minute"),
        "user": os.environ.get("API_USER_RATE", "1200/minute"),
        "token": os.environ.get("API_TOKEN_RATE", "10/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "cica_portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CICA cooperation portal API",
    "DESCRIPTION": "The Action Plan, focal points, meetings and consent-gated information "
    "exchange among CICA member states.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Request bodies are documented as JSON only: a generated client wants one body type per
    # operation (openapi-python-client's code for three does not run). Forms still parse, for
    # the browsable API; no operation takes an upload.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Two APIs name a field "outcome" with different choices: each enum gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "DocumentHitOutcomeEnum": "exchange.models.DocumentHit.Outcome",
        "InformationRequestOutcomeEnum": "inquiries.models.RequestedState.Outcome",
        # The meetings' new parts reuse these choice sets in more than one component.
        "RegistrationStatusEnum": "meetings.models.Registration.Status",
        "DocumentKindEnum": "meetings.models.MeetingDocument.DocKind",
        "LanguagesEnum": "meetings.models.Languages",
        "DocumentLanguageEnum": "meetings.models.DocumentLanguage",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cica_portal.schema.empty_filter_means_any",
    ],
}

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Faults: what the portal does when a server fails (docs/security/faults.md) ---------
# Kept in one block so the operator reads every timeout together.

# A task taken by a worker that dies is given to another once the broker's visibility timeout
# passes; every task is cut off well before it (the longest, a reminder batch, takes seconds).
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "240"))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_TASK_TIME_LIMIT + 60

# Redis down or hung: the cache falls back to each process's memory after one short wait
# (cica_portal.cache), so pages and the API keep answering within a second.
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "cica_portal.cache.FailOpenRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.3")),
        "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5")),
    }
# Throttles on an atomic counter (Redis INCR): a limit holds under concurrency and across nodes.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "cica_portal.throttling.AnonRateThrottle",
    "cica_portal.throttling.UserRateThrottle",
]

# PostgreSQL hung (not stopped): a statement or a lock wait is cut off, and a dead peer is
# noticed by TCP keepalives, so a request fails within seconds with the 503 page instead of
# hanging; the next request reconnects by itself (conn_health_checks).
# A management command (migrate, a restore, the scale data) may rightly run long statements:
# without these settings in its environment it runs without the two timeouts.
_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].update(
        {
            # No JIT compilation (jit=off): the portal's queries are short, and a plan whose
            # estimate crosses jit_above_cost spent 0.6 to 0.7 s compiling a query that runs
            # in 6 ms (docs/PERFORMANCE.md section 9).
            "options": "-c statement_timeout={} -c lock_timeout={} -c jit=off".format(
                int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "0" if _COMMAND else "5000")),
                int(os.environ.get("DB_LOCK_TIMEOUT_MS", "0" if _COMMAND else "3000")),
            ),
            "keepalives": 1,
            "keepalives_idle": int(os.environ.get("DB_KEEPALIVES_IDLE", "10")),
            "keepalives_interval": 3,
            "keepalives_count": 3,
            "tcp_user_timeout": int(os.environ.get("DB_TCP_USER_TIMEOUT_MS", "10000")),
        }
    )
