"""Settings for the DMV disclosure-request system, read from the environment.

The embedded default (no variables set) runs on a SQLite file with Celery
tasks executed eagerly in the web process. `DJANGO_ENV=production` refuses to
start without a secret key, allowed hosts and a database URL, or with MFA off.
See README.md for the full table of variables.
"""

import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dmvrequests.codes import STATE_CODES
from dmvrequests.environment import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "production"})
PRODUCTION = DJANGO_ENV == "production"
TESTING = "pytest" in sys.modules or env_bool("DMV_TESTING", False)

if PRODUCTION:
    missing = [
        name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env_str(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these variables set: " + ", ".join(missing) + "."
        )

SECRET_KEY = env_str("SECRET_KEY") or "development-only-insecure-key-do-not-use-in-production"
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")
DEBUG = env_bool("DEBUG", not PRODUCTION and not TESTING)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

DMV_REQUIRE_MFA = env_bool("DMV_REQUIRE_MFA", True)
if PRODUCTION and not DMV_REQUIRE_MFA:
    raise ImproperlyConfigured("DMV_REQUIRE_MFA cannot be switched off when DJANGO_ENV=production.")

DMV_NAME = env_str("DMV_NAME", "Department of Motor Vehicles")
# The state whose DMV this is, as its two-letter postal code (NY): the code its own agencies'
# ORIs start with. Empty: not said, and an ORI of another state given to a state or local
# agency is not questioned (docs/network-queries.md, "Unknown ORIs").
DMV_STATE = env_str("DMV_STATE").upper()
if DMV_STATE and DMV_STATE not in STATE_CODES:
    raise ImproperlyConfigured(
        f"DMV_STATE must be the state's two-letter postal code, such as NY, not {DMV_STATE!r}."
    )
# Letters: a missing PDF engine (WeasyPrint's system libraries) is an error, not a notice
# on the page (CI sets it; docs/letters.md).
DMV_REQUIRE_PDF = env_bool("DMV_REQUIRE_PDF", False)
# A grant of Administrator, Counsel or Auditor waits for a second administrator's approval.
ROLE_GRANT_REQUIRES_SECOND_ADMIN = env_bool("ROLE_GRANT_REQUIRES_SECOND_ADMIN", False)
POLICY_PROFILE = env_str("POLICY_PROFILE", "dppa")
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
INTAKE_TRUSTED_AUTHSERV_ID = env_str("INTAKE_TRUSTED_AUTHSERV_ID")
INTAKE_MAX_ATTACHMENT_BYTES = env_int("INTAKE_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024, minimum=1024)
INTAKE_MAX_MESSAGE_BYTES = env_int("INTAKE_MAX_MESSAGE_BYTES", 40 * 1024 * 1024, minimum=64 * 1024)
INTAKE_MAX_MIME_PARTS = env_int("INTAKE_MAX_MIME_PARTS", 100, minimum=1, maximum=10000)
INTAKE_MAX_MIME_DEPTH = env_int("INTAKE_MAX_MIME_DEPTH", 10, minimum=1, maximum=100)
# A received time older than this many days needs the clerk's confirmation (a typo'd year).
RECEIVED_AT_MAX_AGE_DAYS = env_int("RECEIVED_AT_MAX_AGE_DAYS", 365, minimum=1, maximum=36500)
INTAKE_MAX_HEADER_FIELDS = env_int("INTAKE_MAX_HEADER_FIELDS", 1000, minimum=10, maximum=100000)
INTAKE_OFFICE = env_str("INTAKE_OFFICE")  # office code that receives emailed requests
# Office code that receives portal and API requests (default: INTAKE_OFFICE, else the first).
PORTAL_OFFICE = env_str("PORTAL_OFFICE")
IMAP_URL = env_url("IMAP_URL", schemes={"imap", "imaps"})
# The outbound journal (docs/outbound.md): the mailbox holding the journal of sent mail, the
# DMV's own email domains (comma-separated; subdomains count) and the license-number patterns
# (regular expressions, one per line; "\n" in the environment variable separates them).
OUTBOUND_IMAP_URL = env_url("OUTBOUND_IMAP_URL", schemes={"imap", "imaps"})
DMV_EMAIL_DOMAINS = env_str("DMV_EMAIL_DOMAINS", "dmv.example.gov")
DMV_LICENSE_NUMBER_PATTERNS = (
    env_str("DMV_LICENSE_NUMBER_PATTERNS").replace("\\n", "\n")
    or "\\d{3}([ -]?)\\d{3}\\1\\d{3}\n[A-Za-z]\\d{7,14}"
)
# Years a flagged or linked outbound message (and its attachments) is kept after its review.
OUTBOUND_RETENTION_YEARS = env_int("OUTBOUND_RETENTION_YEARS", 3, minimum=1, maximum=100)
# Years after closing when subject identifiers are removed (0: keep them).
RETENTION_SUBJECT_YEARS = env_int("RETENTION_SUBJECT_YEARS", 0, minimum=0, maximum=100) or None
# Published statistics show counts below this as "fewer than N" (docs/reports.md).
REPORTS_SUPPRESSION_THRESHOLD = env_int("REPORTS_SUPPRESSION_THRESHOLD", 5, minimum=2, maximum=100)
# Case exports larger than this run as a background job; their files expire after N days.
EXPORT_ASYNC_THRESHOLD = env_int("EXPORT_ASYNC_THRESHOLD", 20000, minimum=1)
# Connections that COPY a large case CSV at once on PostgreSQL, each a range of the cases,
# in one snapshot (reports/parallelcopy.py); 1: one COPY. About the database's free cores.
EXPORT_COPY_CONNECTIONS = env_int("EXPORT_COPY_CONNECTIONS", 2, minimum=1, maximum=16)
EXPORT_EXPIRY_DAYS = env_int("EXPORT_EXPIRY_DAYS", 7, minimum=1, maximum=365)
# Proxies in front of the app whose X-Forwarded-For entries are trusted for the audit log.
AUDIT_TRUSTED_PROXY_COUNT = env_int("AUDIT_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10)
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private-media")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "dmvrequests.agencies",
    "dmvrequests.policy",
    "dmvrequests.cases",
    "dmvrequests.intake",
    "dmvrequests.notifications",
    "dmvrequests.reports",
    "dmvrequests.audit",
    "dmvrequests.correspondence",
    "dmvrequests.outbound",
    "dmvrequests.oversight",
    "dmvrequests.switchjournal",
    "dmvrequests.api",
    "dmvrequests.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/ only: JSON errors, no-store, idempotency keys (docs/api.md).
    "dmvrequests.api.middleware.ApiResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every response to a signed-in user (docs/security.md).
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    # A NUL byte in a query string: 400, before any view or database sees it.
    "dmvrequests.middleware.RefuseNulInQueryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The user itself in request.user, not two lazy wrappers (every read of it crossed both).
    "accounts.middleware.ResolvedUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it tells a signed-out user why.
    "accounts.middleware.OneSessionPerUserMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "dmvrequests.access.AccessTableMiddleware",
    # A read whose audit record cannot be written is refused with a 503 page.
    "dmvrequests.audit.middleware.AuditUnavailableMiddleware",
    # A 404 for a case one may not see, on any of its URLs: recorded as denied.
    "dmvrequests.cases.middleware.CaseRefusalAuditMiddleware",
    # Last, so that it sees every failed sign-in (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dmvrequests.urls"
WSGI_APPLICATION = "dmvrequests.wsgi.application"

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
                "dmvrequests.context_processors.site",
                "dmvrequests.notifications.context_processors.failed_notifications",
            ],
            # `form_field` and `error_summary` in every template, as every form uses them.
            "builtins": ["dmvrequests.cases.templatetags.form_tags"],
        },
    },
    # Only the partials drawn many times a page, through a tag of the Django templates
    # (the table of cases: `case_table`); dmvrequests/jinja2env.py.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "dmvrequests.jinja2env.environment"},
    },
]
# Django's own form and widget templates drawn by Jinja2: the same HTML, several times faster
# (dmvrequests/form_renderer.py); the admin's widgets keep Django's engine.
FORM_RENDERER = "dmvrequests.form_renderer.WidgetRenderer"

# Database: SQLite file by default so the app runs with no server at all.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL Django can use: {exc}"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Wait for a writer instead of failing at once under the dev server's threads, and
    # take the write lock at BEGIN so concurrent audit appends queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
# PostgreSQL's JIT compiler, per connection (docs/operations.md, "PostgreSQL settings"):
# "off" (the default) turns it off for this application's connections, whose queries are
# short and whose cost estimates sit just above jit_above_cost, where compiling takes
# longer than the query; "server" keeps the server's own setting.
DATABASE_JIT = env_choice("DATABASE_JIT", "off", {"off", "server"})
if DATABASE_JIT == "off" and "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Server-side prepared statements for the few large queries of fixed shape that every page
# or case page runs (dmvrequests/prepared.py; docs/operations.md, "PostgreSQL settings"):
# true (the default) lets psycopg prepare them, when they are asked to be, once per
# connection; false for a pooler that cannot keep a connection's prepared statements
# (PgBouncer before 1.21 in transaction mode). Nothing else is ever prepared: psycopg
# would prepare a query on its own only after this many runs of it on a server-binding
# cursor, and Django's own cursors bind on the client and never prepare.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        PREPARE_ONLY_WHEN_ASKED if DATABASE_PREPARED_STATEMENTS else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out usernames before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the roles and the officer read with the account (accounts/backends.py).
    "accounts.backends.SignedInUserBackend",
    # Kept for sessions signed in before SignedInUserBackend: they stay signed in.
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what the tests measure; Argon2 stays first in every other run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.BannedPasswordValidator"},
]

# Lockout after 5 consecutive failures for 10 minutes (CJIS Security Policy 5.5.3).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
# Locked per account, as CJIS asks. Not per address: a whole office signs in
# from one NAT address, and five typos by five clerks must not lock them all
# out. Rotating user agents or cookies gives an attacker nothing against a
# per-username lock, which is what axes.W006 warns about (docs/decisions/0003).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The rollup index's covering columns (INCLUDE) are a PostgreSQL speed-up; SQLite, the
    # embedded default, simply builds the index without them, which is all it needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = AUDIT_TRUSTED_PROXY_COUNT
OTP_TOTP_ISSUER = DMV_NAME + " disclosure requests"
OTP_TOTP_THROTTLE_FACTOR = 1
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# History rows are looked up by (object, date); one composite index serves both.
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "en-us"
# Dates and times without a format of their own carry the zone (dmvrequests/formats/en).
FORMAT_MODULE_PATH = ["dmvrequests.formats"]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA time zone such as America/New_York, not {TIME_ZONE!r}."
    ) from None
# The state switch's journal (docs/network-queries.md): a burst is at least
# SWITCH_BURST_MIN_QUERIES queries from one ORI within SWITCH_BURST_WINDOW_MINUTES of the
# first; a response without a control field answers a query at most
# SWITCH_RESPONSE_WINDOW_MINUTES older; a response carries data unless its text holds one of
# SWITCH_NO_DATA_PHRASES (comma-separated).
SWITCH_BURST_WINDOW_MINUTES = env_int("SWITCH_BURST_WINDOW_MINUTES", 10, minimum=1, maximum=1440)
SWITCH_BURST_MIN_QUERIES = env_int("SWITCH_BURST_MIN_QUERIES", 50, minimum=2, maximum=100000)
SWITCH_RESPONSE_WINDOW_MINUTES = env_int(
    "SWITCH_RESPONSE_WINDOW_MINUTES", 10, minimum=1, maximum=1440
)
# A journal message dated more than this many seconds after the time of the import is refused
# (the switch's clock set wrong); a negative value is refused by a system check
# (switchjournal/checks.py, docs/operations.md).
SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS = env_int(
    "SWITCH_LOG_FUTURE_ALLOWANCE_SECONDS", 300, maximum=86400
)
# PostgreSQL: the import writes each batch of a new journal in a second thread (its own
# connection) while it reads the next (switchjournal/batchwriter.py); false: in the importing
# thread, one after the other (the same rows; docs/performance.md has both measured).
SWITCH_IMPORT_OVERLAP = env_bool("SWITCH_IMPORT_OVERLAP", True)
# Journal messages older than this many days are removed (whole monthly partitions on
# PostgreSQL): `manage.py apply_switch_log_retention`.
RETENTION_SWITCH_LOG_DAYS = env_int("RETENTION_SWITCH_LOG_DAYS", 1095, minimum=1, maximum=36500)
# A folder the switch's journal files are dropped into, imported by a beat task each minute
# (docs/operations.md, "Switch journal drop folder"); empty: no drop folder.
SWITCH_LOG_DROP_DIR = env_str("SWITCH_LOG_DROP_DIR", "")
SWITCH_NO_DATA_PHRASES = env_list(
    "SWITCH_NO_DATA_PHRASES", ("NO RECORD", "NOT ON FILE", "ACCESS DENIED", "NOT AUTHORIZED")
)
# Screens are in English and letters in other languages come from their own templates
# (docs/letters.md): Django's translation machinery is not needed, and leaving it out makes
# every date and label a template shows cheaper (Django's own advice for such sites).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` puts the files the web server (whitenoise) serves.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Limits on one request (docs/security.md, "Limits"). A request body other than uploaded
# files larger than 5 MiB, or with more than 1,000 fields, is refused with a 400 before a
# view reads it; a form set builds at most its max_num forms (absolute_max), whatever
# TOTAL_FORMS says; uploads above 5 MiB are streamed to a temporary file, and a legal
# document is refused above LEGAL_DOCUMENT_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
LEGAL_DOCUMENT_MAX_BYTES = INTAKE_MAX_ATTACHMENT_BYTES
# How long a link to download released records from the portal works, in days (docs/portal.md).
PORTAL_DOWNLOAD_LINK_DAYS = env_int("PORTAL_DOWNLOAD_LINK_DAYS", 7, minimum=1, maximum=90)
# Requests per API token per minute (dmvrequests/api/ratelimit.py, docs/api.md).
# Days before a certification on file ends when the agency's portal administrators are
# reminded, and from when its status reads "expiring" (dmvrequests/agencies/certifications.py).
CERTIFICATION_REMINDER_DAYS = env_int("CERTIFICATION_REMINDER_DAYS", 30, minimum=1, maximum=365)
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120, minimum=1)

# Sessions and cookies.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
# Database sessions, an existing one saved in one UPDATE without a savepoint (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# An expired form gets the house page that says what to do, not Django's bare 403.
CSRF_FAILURE_VIEW = "dmvrequests.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy: everything from our own origin, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])

# Celery: with no REDIS_URL, tasks run eagerly in the calling process.
REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"})
# memory://localhost/: with no host named, kombu logs a warning on every task sent.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Task time limits stay below the broker's visibility timeout so a task is
# never handed to a second worker while the first is still within its limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# With the broker down, give up publishing quickly: the outbox sweep sends later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_TIME_LIMIT = 1800
CELERY_TASK_SOFT_TIME_LIMIT = 1500
CELERY_TIMEZONE = TIME_ZONE
# One static schedule (exactly one beat process runs); each app keeps its entries.
from dmvrequests.intake.schedule import BEAT_SCHEDULE as INTAKE_BEAT_SCHEDULE  # noqa: E402
from dmvrequests.notifications.schedule import (  # noqa: E402
    BEAT_SCHEDULE as NOTIFICATIONS_BEAT_SCHEDULE,
)
from dmvrequests.outbound.schedule import BEAT_SCHEDULE as OUTBOUND_BEAT_SCHEDULE  # noqa: E402
from dmvrequests.oversight.schedule import BEAT_SCHEDULE as AUDIT_BEAT_SCHEDULE  # noqa: E402
from dmvrequests.portal.schedule import BEAT_SCHEDULE as PORTAL_BEAT_SCHEDULE  # noqa: E402
from dmvrequests.reports.schedule import BEAT_SCHEDULE as REPORTS_BEAT_SCHEDULE  # noqa: E402
from dmvrequests.switchjournal.schedule import (  # noqa: E402
    BEAT_SCHEDULE as SWITCHJOURNAL_BEAT_SCHEDULE,
)

CELERY_BEAT_SCHEDULE = {
    **INTAKE_BEAT_SCHEDULE,
    **OUTBOUND_BEAT_SCHEDULE,
    **NOTIFICATIONS_BEAT_SCHEDULE,
    **AUDIT_BEAT_SCHEDULE,
    **REPORTS_BEAT_SCHEDULE,
    **SWITCHJOURNAL_BEAT_SCHEDULE,
    **PORTAL_BEAT_SCHEDULE,
}

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def parse_email_url(url):
    """EMAIL_URL: smtp://user:pass@host:587?tls=1, smtps://…, console:, locmem:, file:DIR."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        # One file per email in DIR (relative to the project), e.g. file:sent-mail.
        folder = Path(unquote(parsed.path) or "sent-mail")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": folder if folder.is_absolute() else BASE_DIR / folder,
        }
    if scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            "EMAIL_URL must start with smtp://, smtps://, console:, locmem: or file:, "
            f"not {scheme!r}."
        )
    query = parse_qs(parsed.query)
    try:
        port = parsed.port or (465 if scheme == "smtps" else 25)
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in ("1", "true"),
    }


# Development keeps the emails it sends in sent-mail/ (git-ignored), out of the terminal.
globals().update(parse_email_url(env_str("EMAIL_URL") or ("" if PRODUCTION else "file:sent-mail")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dmv-legal@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403's line without its traceback (dmvrequests/logfilters.py).
    "filters": {"refusals": {"()": "dmvrequests.logfilters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"dmvrequests": {"level": "INFO"}},
}
