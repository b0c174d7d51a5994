"""OSR settings, read once from the environment.

Every setting an operator may change is an environment variable; a secret may
also be read from a file named by ``<NAME>_FILE`` (for container secrets).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    """A string from the environment, or from the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def env_pairs(name: str) -> list[tuple[str, str]]:
    """``"a=x,b=y"`` as ``[("a", "x"), ("b", "y")]``; a key may appear more than once."""
    pairs = []
    for part in env_list(name):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: {part!r} is not of the form key=value")
        pairs.append((key.strip(), value.strip()))
    return pairs


DEBUG = env_bool("OSR_DEBUG")
DATA_DIR = Path(env_str("OSR_DATA_DIR", "var")).resolve()

SECRET_KEY = env_str("OSR_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "OSR_SECRET_KEY is not set. Set it (or OSR_SECRET_KEY_FILE), "
            "or set OSR_DEBUG=1 for development."
        )
    # Development only: a key that is useless anywhere else.
    SECRET_KEY = "osr-development-only-not-secret"
elif not DEBUG and len(SECRET_KEY) < 50:
    # A short key can be guessed, and with it every session and CSRF token forged.
    raise ImproperlyConfigured(
        f"OSR_SECRET_KEY is {len(SECRET_KEY)} characters long; it needs at least 50 random "
        'characters (make one with: python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

ALLOWED_HOSTS = env_list("OSR_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("OSR_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    # Before django_tasks_db: OSR's ``db_worker`` (the worker, and the schedule
    # of daily jobs beside it) takes the place of the package's own command.
    "osr.core",
    "django_tasks",
    "django_tasks_db",
    "osr.catalogue",
    "osr.readiness",
    "osr.graph",
    "osr.reviews",
    "osr.myit",
    "osr.guides",
    "osr.devtools",
]

MIDDLEWARE = [
    "osr.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "osr.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "osr.core.middleware.RequestIdMiddleware",
    # Every GET answer without an ETag of its own gets one from its content
    # (and a 304 for a matching If-None-Match); API objects set their own. Inside
    # the request id, so that a 304 carries it too; static files have WhiteNoise's.
    "django.middleware.http.ConditionalGetMiddleware",
    # Every error answer under /api/ is JSON, whatever inside produced it.
    "osr.core.api_errors.ApiErrorsMiddleware",
    "osr.core.middleware.NulCharacterMiddleware",
    # Sessions, sign-in and messages are Django's, for pages only: the API signs
    # its callers in by bearer token alone (osr.core.page_middleware).
    "osr.core.page_middleware.PageSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "osr.core.page_middleware.PageAuthenticationMiddleware",
    # Every page needs a signed-in user; a view open to anyone is marked with
    # ``login_not_required`` (sign-in, probes, metrics, OIDC, webhooks, and the
    # admin, which checks its callers itself). Before the CSRF check, so that a
    # visitor who is not signed in is sent to sign in rather than shown a CSRF failure.
    "osr.core.page_middleware.PageLoginRequiredMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "osr.core.middleware.BearerTokenMiddleware",
    "osr.core.idempotency.IdempotencyMiddleware",
    "osr.core.page_middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "osr.core.audit.AuditlogMiddleware",
    "osr.core.sessions.SessionTimeoutMiddleware",
]

ROOT_URLCONF = "osr.urls"
WSGI_APPLICATION = "osr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "osr.core.jinja.environment",
            "autoescape": True,
        },
    },
    {
        # The admin's own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'osr.sqlite3'}",
        conn_max_age=int(env_str("OSR_DB_CONN_MAX_AGE", "0")),
        # A kept connection the server has since closed (a restart, a fail-over, an idle
        # limit) is replaced before a request uses it, instead of failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers carry on while one writer commits; IMMEDIATE takes the
    # write lock at BEGIN so that concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not memory, so that concurrent writers meet real locking.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-osr.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, checking a kept connection without a round trip (core/postgresql).
    DATABASES["default"]["ENGINE"] = "osr.core.postgresql"
    if env_bool("OSR_DB_PREPARED", True):
        # PostgreSQL plans every statement sent to it as text, and planning the same few
        # statements again was most of a read's database time. With parameters sent
        # apart from the statement, one a connection has run twice is prepared and its
        # plan kept. Off (OSR_DB_PREPARED=0) behind a pooler in transaction mode, which
        # cannot keep a connection's prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=2
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Where LoginRequiredMiddleware sends a visitor who is not signed in, with ?next=.
LOGIN_URL = "/sign-in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# A sign-in lasts OSR_SESSION_SECONDS at most, and ends sooner after
# OSR_SESSION_IDLE_SECONDS without a request (0: no idle limit).
SESSION_COOKIE_AGE = int(env_str("OSR_SESSION_SECONDS", str(8 * 3600)))
OSR_SESSION_IDLE_SECONDS = int(env_str("OSR_SESSION_IDLE_SECONDS", str(3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("OSR_SESSION_EXPIRE_AT_BROWSER_CLOSE")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("OSR_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# Security headers sent by Django's SecurityMiddleware and XFrameOptionsMiddleware;
# osr.core.security adds only what Django has no setting for.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

AUDITLOG_CID_HEADER = "x-request-id"
AUDITLOG_INCLUDE_ALL_MODELS = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

OSR_PAGE_SIZE = 25
# A service's owners and contacts are confirmed by its team this often, in months.
OSR_CONFIRM_MONTHS = int(env_str("OSR_CONFIRM_MONTHS", "6"))
# When set, /metrics answers only to "Authorization: Bearer <this token>".
OSR_METRICS_TOKEN = env_str("OSR_METRICS_TOKEN")
OSR_API_MAX_PAGE_SIZE = 200

# Email: the console in development, SMTP otherwise; GOV.UK Notify when a key is set.
EMAIL_BACKEND = env_str(
    "OSR_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("OSR_SMTP_HOST", "localhost")
EMAIL_PORT = int(env_str("OSR_SMTP_PORT", "25"))
EMAIL_HOST_USER = env_str("OSR_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("OSR_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("OSR_SMTP_TLS")
DEFAULT_FROM_EMAIL = env_str("OSR_FROM_EMAIL", "osr@defra.example")
OSR_NOTIFY_API_KEY = env_str("OSR_NOTIFY_API_KEY")
OSR_NOTIFY_TEMPLATE_ID = env_str("OSR_NOTIFY_TEMPLATE_ID")
# A Notify template for each kind of notification (and "digest"), as kind=template-id
# pairs; a kind without one uses OSR_NOTIFY_TEMPLATE_ID.
OSR_NOTIFY_TEMPLATES = dict(env_pairs("OSR_NOTIFY_TEMPLATES"))
# Send notifications in the process that committed the change instead of the worker:
# for development (no worker running) and tests.
OSR_NOTIFICATIONS_SEND_ON_COMMIT = env_bool("OSR_NOTIFICATIONS_SEND_ON_COMMIT", DEBUG)
# Tries before a notification is marked failed; the waits between them double from a
# minute up to six hours.
OSR_NOTIFICATIONS_MAX_ATTEMPTS = int(env_str("OSR_NOTIFICATIONS_MAX_ATTEMPTS", "10"))
# How often the worker's schedule looks for notifications due again after a failure.
OSR_NOTIFICATIONS_RETRY_SECONDS = int(env_str("OSR_NOTIFICATIONS_RETRY_SECONDS", "60"))
OSR_TEAMS_TIMEOUT_SECONDS = float(env_str("OSR_TEAMS_TIMEOUT_SECONDS", "10"))
# The local time ("HH:MM") the worker runs the daily jobs, each once a day, in this order.
OSR_DAILY_JOBS_AT = env_str("OSR_DAILY_JOBS_AT", "06:30")
OSR_DAILY_JOBS = [
    "osr.readiness.notices.send_expiry_warnings",
    "osr.readiness.results.refresh_due",
    "osr.reviews.services.send_action_reminders",
    "osr.catalogue.contacts.send_contact_reminders",
    "osr.core.notifications.digest.send_digests",
    "osr.core.notifications.delivery.sweep_outbox",
    "osr.core.auditanchor.anchor_daily",
    "osr.readiness.history.record_yesterday",
    "osr.readiness.campaigns.send_campaign_reminders",
    "osr.core.notifications.pruning.prune_finished_tasks",
]
# How long the task queue keeps the record of a finished task (a failed one, twice as long).
OSR_TASKS_KEPT_DAYS = int(env_str("OSR_TASKS_KEPT_DAYS", "7"))
# Where ``osr audit anchor`` appends the audit chain's head; back it up away from the
# database (see docs/production.md).
OSR_AUDIT_ANCHOR_FILE = env_str("OSR_AUDIT_ANCHOR_FILE") or str(DATA_DIR / "audit-anchors.jsonl")
OSR_BASE_URL = env_str("OSR_BASE_URL", "http://localhost:8000").rstrip("/")

# The readiness policy; the default Defra policy ships with OSR.
OSR_POLICY_FILE = env_str("OSR_POLICY_FILE") or str(BASE_DIR / "readiness/policy/defra.yaml")
OSR_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

SECURE_HSTS_SECONDS = int(env_str("OSR_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("OSR_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("OSR_SSL_REDIRECT", False)
# The platform's probes call over plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
OSR_BEHIND_TLS_PROXY = env_bool("OSR_BEHIND_TLS_PROXY")
if OSR_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of OSR append to X-Forwarded-For; the client's address
# is the entry that many places from the right. 0: the connection's own address.
OSR_TRUSTED_PROXIES = int(env_str("OSR_TRUSTED_PROXIES", "1" if OSR_BEHIND_TLS_PROXY else "0"))

# The cache holds sign-in failure counts and the identity provider's discovery
# document. One process: its own memory. Several processes: Redis, so that
# every process counts the same failures.
OSR_REDIS_URL = env_str("OSR_REDIS_URL")
CACHES: dict[str, dict[str, object]]
if OSR_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": OSR_REDIS_URL,
            "KEY_PREFIX": "osr",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "osr",
            # Room for the sign-in counts of a guessing attack spread over many
            # addresses: past the default 300 entries, counts would be culled.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Sign-in. Local accounts (username and password) are for development and
# break-glass administration; OSR_LOCAL_SIGN_IN=0 switches them off.
OSR_LOCAL_SIGN_IN = env_bool("OSR_LOCAL_SIGN_IN", True)
# Local sign-in beside Entra ID fails the deployment check unless this says it is meant.
OSR_ALLOW_LOCAL_SIGN_IN_WITH_ENTRA = env_bool("OSR_ALLOW_LOCAL_SIGN_IN_WITH_ENTRA")
# The limits on failed password sign-ins (osr.core.ratelimit): per account from one
# address, per address, and a ceiling per account that slows rather than locks.
OSR_SIGN_IN_MAX_FAILURES = int(env_str("OSR_SIGN_IN_MAX_FAILURES", "5"))
OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS = int(env_str("OSR_SIGN_IN_MAX_FAILURES_PER_ADDRESS", "20"))
OSR_SIGN_IN_WINDOW_SECONDS = int(env_str("OSR_SIGN_IN_WINDOW_SECONDS", str(15 * 60)))
OSR_SIGN_IN_ACCOUNT_CEILING = int(env_str("OSR_SIGN_IN_ACCOUNT_CEILING", "10"))
OSR_SIGN_IN_SLOWED_PER_MINUTE = int(env_str("OSR_SIGN_IN_SLOWED_PER_MINUTE", "3"))
OSR_SIGN_IN_KNOWN_ADDRESS_DAYS = int(env_str("OSR_SIGN_IN_KNOWN_ADDRESS_DAYS", "30"))

# Microsoft Entra ID (OpenID Connect), on when a client id and a tenant (or an
# authority) are set. Endpoints come from the authority's discovery document.
OSR_OIDC_TENANT_ID = env_str("OSR_OIDC_TENANT_ID")
OSR_OIDC_CLIENT_ID = env_str("OSR_OIDC_CLIENT_ID")
OSR_OIDC_AUTHORITY = (
    env_str("OSR_OIDC_AUTHORITY")
    or (
        f"https://login.microsoftonline.com/{OSR_OIDC_TENANT_ID}/v2.0" if OSR_OIDC_TENANT_ID else ""
    )
).rstrip("/")
OSR_OIDC_DISCOVERY_URL = env_str("OSR_OIDC_DISCOVERY_URL") or (
    f"{OSR_OIDC_AUTHORITY}/.well-known/openid-configuration" if OSR_OIDC_AUTHORITY else ""
)
OSR_OIDC_ENABLED = bool(OSR_OIDC_CLIENT_ID and OSR_OIDC_DISCOVERY_URL)
# Entra group object id -> OSR role; the highest role of a user's groups wins.
OSR_OIDC_GROUP_ROLES = env_pairs("OSR_OIDC_GROUP_ROLES")
# Entra group object id -> delivery group slug (optional).
OSR_OIDC_GROUP_DELIVERY_GROUPS = env_pairs("OSR_OIDC_GROUP_DELIVERY_GROUPS")
# The role of someone in none of the mapped groups; empty refuses them.
OSR_OIDC_DEFAULT_ROLE = env_str("OSR_OIDC_DEFAULT_ROLE", "viewer")
OIDC_RP_CLIENT_ID = OSR_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = env_str("OSR_OIDC_CLIENT_SECRET")
if OSR_OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured(
        "OSR_OIDC_CLIENT_ID is set but OSR_OIDC_CLIENT_SECRET (or OSR_OIDC_CLIENT_SECRET_FILE) "
        "is not."
    )
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = float(env_str("OSR_OIDC_TIMEOUT_SECONDS", "10"))
OIDC_AUTHENTICATE_CLASS = "osr.core.oidc.AuthenticateView"
OIDC_CALLBACK_CLASS = "osr.core.oidc.CallbackView"
OIDC_AUTHENTICATION_CALLBACK_URL = "core:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = LOGIN_URL

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    *(["osr.core.ratelimit.RateLimitedModelBackend"] if OSR_LOCAL_SIGN_IN else []),
    *(["osr.core.oidc.EntraIdBackend"] if OSR_OIDC_ENABLED else []),
]

# One JSON object a line in production (OSR_LOG_FORMAT=json), readable text in development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "osr.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "osr.core.logging.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_str("OSR_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("OSR_LOG_LEVEL", "INFO")},
    # httpx logs every URL it requests at INFO, query strings (and so email
    # addresses looked up in MyIT) included.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

# MyIT (ServiceNow). Credentials come only from the environment or *_FILE secrets,
# never from the database; OAuth client credentials are used when a client id is set.
OSR_MYIT_URL = env_str("OSR_MYIT_URL").rstrip("/")
OSR_MYIT_USERNAME = env_str("OSR_MYIT_USERNAME")
OSR_MYIT_PASSWORD = env_str("OSR_MYIT_PASSWORD")
OSR_MYIT_CLIENT_ID = env_str("OSR_MYIT_CLIENT_ID")
OSR_MYIT_CLIENT_SECRET = env_str("OSR_MYIT_CLIENT_SECRET")
OSR_MYIT_TIMEOUT_SECONDS = float(env_str("OSR_MYIT_TIMEOUT_SECONDS", "30"))
OSR_MYIT_MAX_ATTEMPTS = int(env_str("OSR_MYIT_MAX_ATTEMPTS", "5"))
OSR_MYIT_MAPPING_FILE = env_str("OSR_MYIT_MAPPING_FILE")

# Webhooks from code hosts (osr.devtools.signing). Fernet keys, comma-separated,
# the newest first, that encrypt the secrets GitHub signs with; independent of
# OSR_SECRET_KEY. A rotated-away secret is still accepted for the grace period.
OSR_WEBHOOK_KEYS = env_list("OSR_WEBHOOK_KEYS") or (
    # Development only: "osr-development-only-not-secret-", useless anywhere else.
    ["b3NyLWRldmVsb3BtZW50LW9ubHktbm90LXNlY3JldC0="] if DEBUG else []
)
OSR_WEBHOOK_SECRET_GRACE_HOURS = int(env_str("OSR_WEBHOOK_SECRET_GRACE_HOURS", "24"))

# The function specialisms of review board panel members (comma-separated).
OSR_REVIEW_SPECIALISMS = env_list(
    "OSR_REVIEW_SPECIALISMS",
    "Security,Service management,Infrastructure and hosting,Architecture,Service desk,"
    "Data protection,Business continuity",
)

# How a Backstage import reads Group entities, by spec.type (comma-separated, any
# case): these types are delivery groups, these are containers above them and
# skipped; every other type is a team (docs/import.md).
OSR_BACKSTAGE_DELIVERY_GROUP_TYPES = env_list(
    "OSR_BACKSTAGE_DELIVERY_GROUP_TYPES", "department,business-unit,delivery-group"
)
OSR_BACKSTAGE_CONTAINER_GROUP_TYPES = env_list(
    "OSR_BACKSTAGE_CONTAINER_GROUP_TYPES", "organization,organisation"
)
# The token ``osr import backstage --url`` sends to Backstage's catalogue API, if any.
OSR_BACKSTAGE_TOKEN = env_str("OSR_BACKSTAGE_TOKEN")
