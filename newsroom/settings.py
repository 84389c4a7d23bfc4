"""Newsroom settings: one module, every deployment knob an environment variable.

Variables (all optional while DJANGO_DEBUG is on, the development default):
  DJANGO_DEBUG            "1" (default) or "0" for production.
  DJANGO_SECRET_KEY       required when DJANGO_DEBUG=0.
  DJANGO_ALLOWED_HOSTS    comma-separated; required when DJANGO_DEBUG=0.
  DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://news.example.org
  DATABASE_URL            default: SQLite file var/newsroom.sqlite3.
  DATABASE_REPLICA_URLS   comma-separated read replicas of DATABASE_URL (newsroom.routers).
  DJANGO_READ_YOUR_WRITES_S  seconds a client reads from the primary after a write; default 5.
  REDIS_URL               the cache (django-redis); unset: pages in each process's memory
                          and what processes share (the content generation, presence,
                          navigation) in files under DJANGO_SHARED_CACHE_DIR.
  DJANGO_SHARED_CACHE_DIR default var/cache (only without REDIS_URL).
  DJANGO_CACHE_TIMEOUT_S  seconds a Redis call may take before the site goes on without
                          the cache; default 0.25.
  DJANGO_PAGE_CACHE       "0" turns off the server-side cache of reader pages (default on).
  DJANGO_CACHE_MAX_AGE    seconds browsers may keep a reader page; default 60.
  DJANGO_CACHE_S_MAXAGE   seconds shared caches (and our page cache) keep it; default 600.
  DJANGO_MEDIA_ROOT       uploaded images; default var/media.
  DJANGO_STATIC_ROOT      collectstatic target; default var/staticfiles.
  DJANGO_SERVE_MEDIA      "1" to serve uploads from Django when DJANGO_DEBUG=0.
  DJANGO_SECURE_SSL_REDIRECT, DJANGO_SECURE_HSTS_SECONDS, DJANGO_SECURE_PROXY_SSL_HEADER
                          HTTPS hardening when DJANGO_DEBUG=0 (see README).
  DJANGO_SITE_NAME        the publication's name shown to readers.
  DJANGO_CORRECTIONS_EMAIL  where readers report errors (corrections policy page).
  DJANGO_IMPORT_MAX_BYTES largest story to import (upload or paste); default 1 MB.
  DJANGO_MAX_BLOCKS, DJANGO_MAX_BLOCK_CHARS  blocks per article, characters per block;
                          defaults 500 and 10,000.
  DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE  largest request form data (files aside); default
                          10 MB, at least twice DJANGO_IMPORT_MAX_BYTES. Over it: 400.
  DJANGO_AXES_FAILURE_LIMIT, DJANGO_AXES_ADDRESS_FAILURE_LIMIT, DJANGO_AXES_COOLOFF_MINUTES
                          login lockout: failures per account (10), per address (30),
                          minutes locked (15).
  DJANGO_PASSWORD_RESET_RATE_PER_EMAIL, DJANGO_PASSWORD_RESET_RATE_PER_CLIENT
                          reset mails per address asked for, per client; 3/h and 10/h.
  DJANGO_PROXY_COUNT      proxies in front that append to X-Forwarded-For; default 0.
  DJANGO_CSP_REPORT_ONLY  "1": browsers report Content-Security-Policy violations, nothing
                          is blocked (default 0: enforced). DJANGO_CSP_REPORT_URI: where to.
  DJANGO_DB_RETRY_AFTER   seconds a 503 during a database outage says to wait; default 30.
  DJANGO_API_ANON_RATE    anonymous reads of the API per client address; default 120/min.
  DJANGO_API_USER_RATE    API requests per token holder (api.tokens); default 1200/min.
  DJANGO_LOG_LEVEL        default INFO.
"""

from __future__ import annotations

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    # Development only: never used once DJANGO_DEBUG=0.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "The Newsroom")
# Where readers report errors; named on the corrections policy page.
NEWSROOM_CORRECTIONS_EMAIL = os.environ.get("DJANGO_CORRECTIONS_EMAIL", "corrections@example.org")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "taggit",
    "axes",
    "csp",
    "django_ratelimit",
    "articles",
    "editors",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "api",
    "webhooks",
    "notifications",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early: a stored page for an anonymous reader is answered here, before sessions, auth
    # or URL resolving, and stored with the headers the middleware below set
    # (articles.caching).
    "articles.caching.ReaderCacheMiddleware",
    # Every page's Permissions-Policy and Content-Security-Policy, error pages included.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a parameter: NUL and other control characters answer 400.
    "newsroom.control_chars.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that finds the database unreachable answers 503 in the site's style, with
    # Retry-After (newsroom.outage). A page cache hit never gets that far.
    "newsroom.outage.DatabaseOutageMiddleware",
    # After the outage middleware, whose 503 it pre-empts when a replica fails: anonymous
    # readers' reads from a replica, read-your-writes for everyone else (newsroom.replicas).
    "newsroom.replicas.ReplicaMiddleware",
    # Turns a login that django-axes locked into the lockout page (editors.security).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # The embedded default: an SQLite file under var/, created on first use.
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        # Off by default: a check is one more round trip on every request. A connection
        # that died while idle (the database restarted) fails its next request with the
        # outage page (newsroom.outage), is closed, and the one after reconnects.
        conn_health_checks=env_bool("DJANGO_CONN_HEALTH_CHECKS", False),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache is an optimisation that never takes the site down. Two aliases:
# - "default": stored reader pages, image manifests; per process without Redis.
# - "shared": what every worker and management command must agree on (the content
#   generation that invalidates pages, editor presence, the navigation).
# With Redis both live there, through django-redis with IGNORE_EXCEPTIONS: while Redis is
# unreachable every cache call returns "nothing" fast, pages render uncached, and the
# newsroom.cache logger (OncePerOutage) logs one warning per outage, not one per request.
# Without Redis, "shared" is Django's file cache, so two gunicorn workers and a cron job see
# the same generation.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TIMEOUT_S = float(os.environ.get("DJANGO_CACHE_TIMEOUT_S", "0.25"))
if REDIS_URL:
    _redis = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "newsroom",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_S,
            "SOCKET_TIMEOUT": CACHE_TIMEOUT_S,
        },
    }
    CACHES = {"default": _redis, "shared": _redis}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_SHARED_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        },
    }
# - "local": this process's memory, for what is the same on every request and changes
#   only with a key (the site's header and footer, see articles.context_processors.Chrome).
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "newsroom-local",
    "TIMEOUT": 86400,
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "newsroom.cache"
# Seconds after its last heartbeat that an editor tab stops counting as present
# (editors.presence); the page's script beats three times within it.
NEWSROOM_PRESENCE_EXPIRY_S = 60

# Reader pages for anonymous readers (articles.caching): stored server-side until the next
# content change, and sent with Cache-Control: public, max-age, s-maxage.
NEWSROOM_PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
NEWSROOM_CACHE_MAX_AGE = int(os.environ.get("DJANGO_CACHE_MAX_AGE", "60"))
NEWSROOM_CACHE_S_MAXAGE = int(os.environ.get("DJANGO_CACHE_S_MAXAGE", "600"))

# Error pages of the site's own (newsroom.errors; handler400/403/404/500 in newsroom.urls).
CSRF_FAILURE_VIEW = "newsroom.errors.csrf_failure"
# Seconds a 503 during a database outage asks clients to wait before trying again.
NEWSROOM_DB_RETRY_AFTER = int(os.environ.get("DJANGO_DB_RETRY_AFTER", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Let Django itself serve uploads (docker-compose does; a proxy is better at scale).
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TAGGIT_CASE_INSENSITIVE = True

# Straight quotes and apostrophes become typographic ones (“…”, ‘…’, don’t) whenever a body,
# headline, standfirst or caption is saved (articles.services.base.typeset); 0 keeps them
# as typed.
NEWSROOM_TYPOGRAPHIC_QUOTES = env_bool("DJANGO_TYPOGRAPHIC_QUOTES", True)

# Limits that keep one story or one request from taking the site down (README, Configuration).
# A plain-text story, uploaded or pasted (desk import, import_article), in bytes of UTF-8.
NEWSROOM_IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_BYTES", str(1024 * 1024)))
# Every write of an article body passes articles.services.base._write_blocks, which refuses
# more blocks than this, or a block with more characters (as typed, markup included).
# 200 blocks is a very long story (a 25-paragraph wire story is about 30); the desk's editor
# draws every block as a form, so the limit also bounds how heavy its page can get.
NEWSROOM_MAX_BLOCKS = int(os.environ.get("DJANGO_MAX_BLOCKS", "200"))
NEWSROOM_MAX_BLOCK_CHARS = int(os.environ.get("DJANGO_MAX_BLOCK_CHARS", "10000"))
# Django answers 400 before any view runs for a request whose form fields (files aside) are
# bigger than this. It stays well above the import limit, so that a paste a little over that
# limit reaches the import form, which keeps the text and says by how much it is over.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get(
        "DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE",
        str(max(10 * 1024 * 1024, 4 * NEWSROOM_IMPORT_MAX_BYTES)),
    )
)
if DATA_UPLOAD_MAX_MEMORY_SIZE < 2 * NEWSROOM_IMPORT_MAX_BYTES:
    raise ImproperlyConfigured(
        "DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE must be at least twice DJANGO_IMPORT_MAX_BYTES, "
        "or a paste over the import limit gets a bare 400 instead of the import form's message."
    )
# The desk editor posts the body as one text box (or its JSON) plus a file input for each new
# image (upload-<uid>, at most one a block): an article at NEWSROOM_MAX_BLOCKS must still save.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10 * NEWSROOM_MAX_BLOCKS + 1000
DATA_UPLOAD_MAX_NUMBER_FILES = NEWSROOM_MAX_BLOCKS + 100
# Uploads: the lead image and in-body images are validated by Pillow (articles.images).
NEWSROOM_MAX_IMAGE_BYTES = int(os.environ.get("DJANGO_MAX_IMAGE_BYTES", str(10 * 1024 * 1024)))
NEWSROOM_MAX_IMAGE_PIXELS = int(os.environ.get("DJANGO_MAX_IMAGE_PIXELS", str(40_000_000)))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Who a client is, for the login lockout and the reset-mail limits (editors.security): the
# address the outermost of DJANGO_PROXY_COUNT proxies saw, or REMOTE_ADDR without proxies.
NEWSROOM_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))

# Logins (django-axes, editors.security). Failures are kept in the database, never only in
# the cache: a Redis outage neither breaks logging in nor forgets a lockout. They count per
# account (from any address) and per address (for any account); an address, often a whole
# office, may fail more often than one account before it is locked.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "editors.security.AxesHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "10"))
NEWSROOM_AXES_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("DJANGO_AXES_ADDRESS_FAILURE_LIMIT", str(3 * AXES_FAILURE_LIMIT))
)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_AXES_COOLOFF_MINUTES", "15")))
AXES_CLIENT_IP_CALLABLE = "editors.security.client_address"
AXES_LOCKOUT_CALLABLE = "editors.security.lockout_response"

# Password-reset mails (django-ratelimit, editors.security): at most this many per address
# asked for and per client, as "count/period" (s, m, h, d: "3/h", "20/d").
NEWSROOM_PASSWORD_RESET_RATE_PER_EMAIL = os.environ.get(
    "DJANGO_PASSWORD_RESET_RATE_PER_EMAIL", "3/h"
)
NEWSROOM_PASSWORD_RESET_RATE_PER_CLIENT = os.environ.get(
    "DJANGO_PASSWORD_RESET_RATE_PER_CLIENT", "10/h"
)
for _rate in (NEWSROOM_PASSWORD_RESET_RATE_PER_EMAIL, NEWSROOM_PASSWORD_RESET_RATE_PER_CLIENT):
    if not re.fullmatch(r"\d+/\d*[smhd]", _rate):
        raise ImproperlyConfigured(f"A password-reset rate looks like 3/h, not {_rate!r}.")
# Counted where every worker sees the same numbers. If the cache cannot count, a reset
# still goes through: a mail too many beats a desk that cannot get back in.
RATELIMIT_USE_CACHE = "shared"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "editors.security.client_address"
if CACHES[RATELIMIT_USE_CACHE]["BACKEND"].endswith("FileBasedCache"):
    # Without Redis the shared cache is Django's file cache, whose incr is a read and a
    # write: two resets in the same instant may count as one. For caps of a few mails an
    # hour that is close enough, so these two checks would only fail every `check`.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Content-Security-Policy (django-csp) on every response. Nothing inline: scripts and styles
# come from our static files, so no nonce is needed, and none is used: the page cache
# (articles.caching) replays whole reader pages, which would hand one nonce to every reader.
# The JSON-LD blocks are data (type application/ld+json), which CSP does not govern. The
# Django admin needs nothing more (tests/browser/test_content_security_policy.py).
_csp = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the inline SVG icons in Bootstrap's and the admin's stylesheets.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if os.environ.get("DJANGO_CSP_REPORT_URI"):
    _csp["DIRECTIVES"]["report-uri"] = [os.environ["DJANGO_CSP_REPORT_URI"]]
# Report-only lets a new policy be tried on a live site: browsers report, nothing is blocked.
if env_bool("DJANGO_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# Permissions-Policy (django-permissions-policy): no page uses these browser features, so
# none may, nor anything a page might embed. (The desk's copy button needs clipboard-write,
# which stays allowed for the site itself.) Only features Chromium knows: it warns in the
# console about every other one, on every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "once_per_outage": {"()": "newsroom.logfilters.OncePerOutage"},
        # Its own instance: a cache outage must not silence the database's warning.
        "database_once_per_outage": {"()": "newsroom.logfilters.OncePerOutage"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # A dependency that is down is reported once per outage, not once per request.
        "newsroom.cache": {"filters": ["once_per_outage"], "level": "WARNING"},
        "newsroom.database": {"filters": ["database_once_per_outage"], "level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "editors:dashboard"
LOGOUT_REDIRECT_URL = "articles:home"
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "newsroom@localhost")

# --- Front cache purging (articles.surrogates) ---
# Reader pages carry surrogate keys (Surrogate-Key, Cache-Tag); writes purge the keys they
# touch through this purger (articles.purging): LoggingPurger logs them, HttpPurger sends
# PURGE with an xkey header to each of DJANGO_PURGE_URLS (comma separated, e.g. Varnish).
NEWSROOM_PURGER = os.environ.get("DJANGO_PURGER", "articles.purging.LoggingPurger")
NEWSROOM_PURGE_URLS = env_list("DJANGO_PURGE_URLS")
NEWSROOM_PURGE_TIMEOUT_S = float(os.environ.get("DJANGO_PURGE_TIMEOUT_S", "2"))

# --- The read API (api/) ---
# Django REST framework at /api/v1/ (api.urls); the OpenAPI 3 schema from drf-spectacular at
# /api/v1/schema/. Everything it serves is public (what readers may read), so reading needs
# no account; anonymous clients are throttled per address at DJANGO_API_ANON_RATE
# ("count/period", period s, m, h or d; default 120/min), counted in the shared cache
# (api.throttling). The API is outside the reader page cache (articles.caching): it answers
# conditional requests itself, per story, and every request counts against the throttle.
NEWSROOM_API_ANON_RATE = os.environ.get("DJANGO_API_ANON_RATE", "120/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", NEWSROOM_API_ANON_RATE):
    raise ImproperlyConfigured(
        f"DJANGO_API_ANON_RATE looks like 120/min or 5000/d, not {NEWSROOM_API_ANON_RATE!r}."
    )
REST_FRAMEWORK = {
    # The token class first: DRF answers a failed authentication with the first class's
    # WWW-Authenticate challenge, and only a challenge makes it a 401 (not a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonReadThrottle",
        "api.throttling.TokenUserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": NEWSROOM_API_ANON_RATE},
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} read API",
    "DESCRIPTION": "Published stories for apps and syndication partners.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Swagger UI's files from drf-spectacular-sidecar, served as our own static files:
    # the site's policy allows no other origin.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a "kind": one name for each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ArticleKindEnum": "articles.models.Article.Kind",
        "BlockKindEnum": "articles.models.Block.Kind",
        "SourceKindEnum": "articles.models.Source.Kind",
        "AttributionKindEnum": "articles.models.Attribution.Kind",
        "CorrectionNoteKindEnum": "articles.models.CorrectionNote.Kind",
    },
}

# --- Background jobs (newsroom.celery, newsroom.jobs) ---
# Celery with Redis as the broker: DJANGO_CELERY_BROKER_URL (e.g. redis://redis:6379/1).
# Unset (make run, the tests): every job runs in the process that asked for it, right
# after its transaction commits, and `manage.py run_periodic` runs the periodic jobs.
CELERY_BROKER_URL = os.environ.get("DJANGO_CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A job is acknowledged when it is done: a worker that dies half way hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down costs a request one short try, then newsroom.jobs stops asking.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
# The periodic jobs, for `celery beat` and for `manage.py run_periodic` alike.
CELERY_BEAT_SCHEDULE = {
    "publish-due": {"task": "articles.tasks.publish_due", "schedule": 30.0},
    "webhook-sweep": {"task": "webhooks.tasks.sweep", "schedule": 60.0},
}

# --- API tokens (api.tokens) ---
# Per-user tokens for the read API (django-rest-knox; api.models.ApiToken keeps only a
# digest), created and revoked at /desk/tokens/, sent as "Authorization: Token <secret>".
# Requests with a token are throttled per holder at DJANGO_API_USER_RATE (default 1200/min),
# in the shared cache like anonymous reads (api.throttling.TokenUserThrottle).
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 (a model, not a secret)
# NOTE: knox's own migrations build a table for its AuthToken even when it is swapped out;
# that table would sit empty with a foreign key to auth_user, and PostgreSQL refuses to
# TRUNCATE auth_user while it exists (every transactional test's flush). Without its
# migrations knox has no table: the swapped model is skipped.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # A token lives as long as its holder asked for when creating it (api.tokens).
    "TOKEN_TTL": None,
    "AUTO_REFRESH": False,
}
NEWSROOM_API_USER_RATE = os.environ.get("DJANGO_API_USER_RATE", "1200/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", NEWSROOM_API_USER_RATE):
    raise ImproperlyConfigured(
        f"DJANGO_API_USER_RATE looks like 1200/min or 100000/d, not {NEWSROOM_API_USER_RATE!r}."
    )
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"] = NEWSROOM_API_USER_RATE

# --- Read replicas (newsroom.routers) ---
# DATABASE_REPLICA_URLS names read replicas of DATABASE_URL, comma separated; they become the
# aliases replica_1, replica_2, ..., connected like the primary. GETs from anonymous readers
# read from one of them (newsroom.replicas); the desk, accounts, admin, previews, signed-in
# users and API clients with credentials, every write, reads inside a transaction, commands
# and jobs use the primary, as does a client for DJANGO_READ_YOUR_WRITES_S seconds after a
# write of its own, and everyone for as long after a public change (so no page cache keeps
# a page rendered from a replica that had not caught up: set it above the replicas' lag).
# Without replicas there is no router and the middleware removes itself.


def replica_databases(urls: list[str], primary: dict) -> dict[str, dict]:
    """DATABASES entries for read replicas: ``replica_1``, ``replica_2``, ... for ``urls``,
    each with the primary's connection settings and, in tests, a mirror of ``default``."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = dj_database_url.parse(
            url,
            conn_max_age=primary.get("CONN_MAX_AGE", 0),
            conn_health_checks=primary.get("CONN_HEALTH_CHECKS", False),
            test_options={"MIRROR": "default"},
        )
        if config["ENGINE"] != primary["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} is {config['ENGINE']}, "
                f"the primary {primary['ENGINE']}; a replica is a copy of the primary."
            )
        replicas[f"replica_{number}"] = config
    return replicas


_replicas = replica_databases(env_list("DATABASE_REPLICA_URLS"), DATABASES["default"])
DATABASES.update(_replicas)
NEWSROOM_DB_REPLICAS = list(_replicas)
DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"] if NEWSROOM_DB_REPLICAS else []
NEWSROOM_READ_YOUR_WRITES_S = float(os.environ.get("DJANGO_READ_YOUR_WRITES_S", "5"))
if NEWSROOM_READ_YOUR_WRITES_S < 0:
    raise ImproperlyConfigured("DJANGO_READ_YOUR_WRITES_S is a number of seconds, 0 or more.")
# A replica that is down is said once per outage, like the primary and the cache.
LOGGING["filters"]["replica_once_per_outage"] = {"()": "newsroom.logfilters.OncePerOutage"}
LOGGING["loggers"]["newsroom.replicas"] = {
    "filters": ["replica_once_per_outage"],
    "level": "WARNING",
}

# --- Webhooks (webhooks/) ---
# Subscribers registered in the admin are POSTed each public change to a story, signed
# (README, Webhooks). The ninjs document in a delivery names the site's pages under
# DJANGO_WEBHOOKS_SITE_URL (there is no request to take the host from).
NEWSROOM_WEBHOOKS_SITE_URL = os.environ.get(
    "DJANGO_WEBHOOKS_SITE_URL",
    "http://localhost:8000"
    if DEBUG
    else "https://" + next((h.lstrip(".") for h in ALLOWED_HOSTS if h != "*"), "localhost"),
)
# Seconds to connect, and for each read of the answer (DJANGO_WEBHOOKS_TIMEOUT_S).
NEWSROOM_WEBHOOKS_TIMEOUT_S = float(os.environ.get("DJANGO_WEBHOOKS_TIMEOUT_S", "5"))
# Attempts before a delivery is given up (failed); retries wait 30 s, 60 s, ... up to 1 h.
NEWSROOM_WEBHOOKS_MAX_ATTEMPTS = int(os.environ.get("DJANGO_WEBHOOKS_MAX_ATTEMPTS", "8"))
# Deliveries go only to public addresses; these CIDRs (comma separated) are let through
# anyway, e.g. "10.20.0.0/16" for a partner on a private link. Default: none.
NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS = env_list("DJANGO_WEBHOOKS_ALLOWED_NETWORKS")
for _network in NEWSROOM_WEBHOOKS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"DJANGO_WEBHOOKS_ALLOWED_NETWORKS: {_network!r} is not a network ({_error})."
        ) from None

# --- Reader error reports (reports/) ---
# Reports a reader may send from one client, as "count/period" (s, m, h, d), counted with
# django-ratelimit in the shared cache like the password-reset caps (README, Reader error
# reports).
NEWSROOM_ERROR_REPORT_RATE = os.environ.get("DJANGO_ERROR_REPORT_RATE", "5/h")
if not re.fullmatch(r"\d+/\d*[smhd]", NEWSROOM_ERROR_REPORT_RATE):
    raise ImproperlyConfigured(
        f"DJANGO_ERROR_REPORT_RATE looks like 5/h, not {NEWSROOM_ERROR_REPORT_RATE!r}."
    )
# The reader site's address in the thank-you mails (sent by a job: no request to ask).
NEWSROOM_SITE_URL = os.environ.get("DJANGO_SITE_URL", NEWSROOM_WEBHOOKS_SITE_URL).rstrip("/")

# --- Notifications (notifications/) ---
# The desk tells editors of submissions and bylines of their story's moves (notifications
# .kinds); mails link to the desk under NEWSROOM_WEBHOOKS_SITE_URL, the site's public
# origin. Mails whose job failed, or waited while the broker was down, go out with the sweep.
CELERY_BEAT_SCHEDULE["notification-mail-sweep"] = {
    "task": "notifications.tasks.sweep",
    "schedule": 60.0,
}
# The inbox forgets a notification read more than KEEP_READ_DAYS ago, and any older than
# KEEP_DAYS (the audit trail keeps the story's history); pruned once a day.
NEWSROOM_NOTIFICATIONS_KEEP_READ_DAYS = int(
    os.environ.get("DJANGO_NOTIFICATIONS_KEEP_READ_DAYS", "90")
)
NEWSROOM_NOTIFICATIONS_KEEP_DAYS = int(os.environ.get("DJANGO_NOTIFICATIONS_KEEP_DAYS", "365"))
CELERY_BEAT_SCHEDULE["notification-prune"] = {
    "task": "notifications.tasks.prune",
    "schedule": 24 * 60 * 60.0,
}

# Without a broker, jobs that wait on someone else's network (webhook deliveries, mail) run on
# a thread of the asking process, after the commit, so that the request never waits for them
# (newsroom.jobs). 0 runs them in the request, as the tests do.
NEWSROOM_JOBS_ASIDE = os.environ.get("DJANGO_JOBS_ASIDE", "1") == "1"
