"""Settings, read from the environment (twelve-factor). `.env.example` documents every variable.

The defaults need no server: SQLite under var/, Celery over a folder on disk, mail to the
console. Production (DEBUG off) refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# After .env is read, so that a VAR_DIR set there counts.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not DEBUG:
    required = (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
    missing = [name for name, value in required if not value]
    if missing:
        raise ImproperlyConfigured(
            f"Production mode (DEBUG off) needs {' and '.join(missing)}. "
            "Set them in the environment or in .env (see .env.example), "
            "or set DEBUG=1 for local development."
        )
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Content in each language (summary_en, summary_ru, ...); before the admin, as its
    # admin classes require.
    "modeltranslation",
    "core.apps.StaffAdminConfig",  # django.contrib.admin behind two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Trigram lookups for name search (PostgreSQL; SQLite searches by exact keys).
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "auditlog",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (see the CSP)
    "config",
    "core.apps.CoreConfig",
    "outbox",
    "supporters",
    "prisoners",
    "declarations",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.security.CSPMiddleware",  # django-csp, with no policy on a 304
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (with Django's BREACH padding), with an ETag and 304 answers to
    # conditional GETs; WhiteNoise serves static files its own way. In this order, so
    # that the ETag is of the uncompressed page.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous GETs of public pages answered from the cache (PAGE_CACHE; core.pagecache).
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "core.middleware.InvalidLinkMiddleware",
    "core.middleware.PublicCacheMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.language_links",
                "config.context_processors.navigation",
                "config.context_processors.organisation",
            ],
        },
    },
    {
        # Plain-text emails: nothing is HTML-escaped, so a letter reads "I'm", not "I&#x27;m".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# The audit trail (django-auditlog): no staff IP addresses from forged headers.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file too, so that concurrency tests run real parallel connections; one
    # per test run, so that two runs on one machine do not share (and destroy) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
    # WAL lets the web server and the Celery worker read while the other writes;
    # IMMEDIATE transactions avoid "database is locked" on upgrade from read to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # One test database per test run, as for SQLite above.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A request waits at most this long for a Redis that stopped answering; then
            # core.ratelimit stops asking it for a while and the limits fail safe.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Staff sign-in. Passwords: 12 characters or more, not common, and hard to guess by
# zxcvbn's estimate, with the site's and the user's own words counted as known.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.ZxcvbnValidator", "OPTIONS": {"min_score": 3}},
]
# Lockout after repeated failures, by account and by client address (behind the trusted
# proxies), for 30 minutes. The page says the same whether or not the account exists.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip"
AXES_USERNAME_CALLABLE = "core.client.sign_in_username"
AXES_PASSWORD_FORM_FIELD = "auth-password"
AXES_SENSITIVE_PARAMETERS = ["password", "auth-password", "auth-username", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False
# Two-factor sign-in (TOTP apps, with recovery codes). Required for Administrators and
# data protection officers (core.roles.TWO_FACTOR_REQUIRED), optional for other staff.
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
TWO_FACTOR_PATCH_ADMIN = False
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Political prisoners staff")
# Staff sessions end after 30 minutes idle and 12 hours at most, and with the browser.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STAFF_SESSION_MAX_AGE = timedelta(hours=env.int("SESSION_MAX_HOURS", default=12))

# Internationalisation: English first, Russian (read widely in Kazakhstan) and Kazakh.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
# Django calls Kazakh "Қазақ" in its own language, which names the people; a language
# switcher in Kazakhstan says "Қазақша".
LANG_INFO["kk"] = {**LANG_INFO["kk"], "name_local": "Қазақша"}
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # Month names as Kazakh writes them inside a date, in lower case: Django's catalogue
    # capitalises them. Kept apart from locale/, which makemessages rewrites.
    BASE_DIR / "config" / "formats" / "locale",
]
# Content (profiles, cases, campaigns, declaration titles) in each language, with
# django-modeltranslation: English is the language the NGO writes first. A missing text
# falls back to one that exists, and core.templatetags.translated marks it with its lang.
# Russian pages fall back to English, and Kazakh pages to Russian before English: most
# Kazakh readers read Russian, fewer English. The last resort is any language at all.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # slugs from the English title
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "ru", "kk"),
    "ru": ("en", "kk"),
    "kk": ("ru", "en"),
}
# How each language writes a date ("29 November 2023", "29 ноября 2023", "2023 жылғы
# 29 қараша"): templates ask for DATE_FORMAT or YEAR_MONTH_FORMAT, never a pattern.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Behind nginx, uploads are handed over with X-Accel-Redirect to this internal location
# (deploy/nginx); unset, the app streams them itself. Either way only public ones.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATIC_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Uploaded photos must not become a way to fill the disk or smuggle large files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: the console unless EMAIL_URL names a real server (smtp+tls://user:pass@host:587).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A mail server that accepts the connection and never answers must not freeze the mail.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="campaigns@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Staff", addr) for addr in env.list("ADMINS", default=[])]

# Security. Persecuting governments read this site: leak nothing, frame nothing.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The CSRF cookie lasts the browser session; only staff pages use it (the public forms
# are guarded without a cookie: core.security.same_origin_post).
CSRF_COOKIE_AGE = None
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is a promise that every subdomain will serve HTTPS for good, and it cannot be
# taken back quickly; an organisation opts in (SECURE_HSTS_PRELOAD=1) when it can keep it.
# Until then `check --deploy` is not asked to warn about it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Who may show the embeddable petitions (/embed/...) in a frame: "*" for any site, or a
# list of origins. No other page may be framed.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])
# No inline script or style anywhere, the admin included; nothing is loaded from elsewhere.
CONTENT_SECURITY_POLICY = {
    # The embeddable pages write their own, with frame-ancestors widened
    # (core.security.embeddable); no 304 carries one (core.security.CSPMiddleware).
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Features no page of the site uses, switched off for every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
# How long browsers and proxies may keep a public page: an edit shows within this time.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
# Anonymous public pages kept rendered in the cache above, each for PUBLIC_PAGE_MAX_AGE
# seconds at most, and dropped at every edit of public content (core.pagecache).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# A petition's page shows its count and recent signers: it is rendered again when they
# change, at most once in this many seconds.
PAGE_TAG_INTERVAL = env.int("PAGE_TAG_INTERVAL", default=1)

# Celery. Without REDIS_URL a real worker still runs, over a folder on disk.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Bounded waits on a Redis that is down or frozen, and a worker that reconnects
    # forever rather than giving up. Never set retry_on_timeout: with it, a prefork worker
    # blocks for good on a pub/sub read after a dropped connection (seen with kombu 5.7).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 25,
        "visibility_timeout": 3600,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 5
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
        "retry_policy": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        }
    }
else:
    CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"
    for folder in ("queue", "control", "results"):
        (VAR_DIR / "celery" / folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for the broker, however long
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A task running when the broker connection drops is stopped and delivered again once;
# every task here is idempotent (outbox keys, conditional updates).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection after every task unless told to
# reuse it: reconnecting cost a quarter of a worker's time. Reused for this many tasks,
# then closed and opened afresh (CONN_HEALTH_CHECKS still drops a broken one).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "config.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=24),
    },
    "declarations-reminders": {
        "task": "declarations.tasks.send_reminders",
        "schedule": timedelta(hours=6),
    },
    "outbox-send-due-emails": {
        "task": "outbox.tasks.send_due_emails",
        "schedule": timedelta(minutes=1),
    },
    "campaigns-remind-unconfirmed": {
        "task": "campaigns.tasks.remind_unconfirmed",
        "schedule": timedelta(hours=1),
    },
    "campaigns-action-reminders": {
        "task": "campaigns.tasks.send_action_reminders",
        "schedule": timedelta(hours=6),
    },
    "campaigns-staff-digest": {
        "task": "campaigns.tasks.send_staff_digest",
        "schedule": timedelta(hours=24),
    },
    "campaigns-purge-unconfirmed": {
        "task": "campaigns.tasks.purge_unconfirmed",
        "schedule": timedelta(hours=24),
    },
    "declarations-deadline-digest": {
        "task": "declarations.tasks.send_deadline_digest",
        "schedule": timedelta(hours=24),
    },
    "campaigns-recount-petitions": {
        "task": "campaigns.tasks.recount_petitions",
        "schedule": crontab(hour=3, minute=30),
    },
    "campaigns-resume-updates": {
        "task": "campaigns.tasks.resume_campaign_updates",
        "schedule": timedelta(minutes=5),
    },
}

# The public open-data API (/api/v1/, config.api): read-only and anonymous. No
# authentication runs, so no session is read and no cookie set; only GET is routed, so a
# POST, PUT or DELETE gets 405. Caching is the public pages' own (core.api).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.PublicPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Political prisoners in Kazakhstan: open data",
    "DESCRIPTION": (
        "Published profiles of political prisoners in Kazakhstan, their cases and charges, "
        "parliamentary written declarations with their signatories, and campaigns with "
        "their petitions' counts. Read-only; no key, no cookie. Values that are choices "
        "come as a code and a label: the code never changes, the label is in the language "
        "of ?lang= (en, ru or kk; en by default). Lists come 50 a page (?page_size= up to "
        f"200). Answers may be kept for {PUBLIC_PAGE_MAX_AGE} seconds (a petition's "
        "count.json for 5) and "
        "carry an ETag for conditional requests."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Only reads to try; no badge fetched from the online validator.
    "SWAGGER_UI_SETTINGS": {"supportedSubmitMethods": ["get"], "validatorUrl": None},
}

# django-import-export: staff previews every import; one bad row rolls the whole file back.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Formula injection is neutralised by the formats in core.spreadsheets, in every cell.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
from import_export.formats.base_formats import JSON  # noqa: E402

from core import spreadsheets  # noqa: E402

IMPORT_EXPORT_FORMATS = [spreadsheets.CSV, spreadsheets.XLSX, spreadsheets.ODS, JSON]
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

COUNTRIES_FIRST = ["KZ"]

# The public address, for links in emails (sent by workers, which have no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Who runs the site: the data controller named in the privacy notice, and the contact in
# every page's footer. The postal address is optional.
ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="Political prisoners campaign (demo)")
ORGANISATION_EMAIL = env.str("ORGANISATION_EMAIL", default=DEFAULT_FROM_EMAIL)
ORGANISATION_ADDRESS = env.str("ORGANISATION_ADDRESS", default="", multiline=True)

# The reverse proxies whose X-Forwarded-For is believed: addresses or networks, and "unix"
# for a proxy that reaches gunicorn over a unix socket. Empty: the peer is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Petitions. Abuse limits are (count, seconds) windows per IP address and petition.
# Submissions over these (count, seconds) windows are held for staff, not refused: per
# client address and per /24 (IPv4) or /48 (IPv6) network, across all petitions.
SIGNING_ADDRESS_LIMITS = [(3, 60), (10, 3600)]
SIGNING_NETWORK_LIMITS = [(30, 60), (300, 3600)]
PRIVACY_LIMITS = [(3, 60), (10, 3600)]
SIGNING_MAX_EMAILS = env.int("SIGNING_MAX_EMAILS", default=5)
SIGNING_RESEND_COOLDOWN = timedelta(minutes=env.int("SIGNING_RESEND_COOLDOWN_MINUTES", default=2))
SIGNING_CONFIRM_MAX_AGE = env.int("SIGNING_CONFIRM_MAX_AGE_DAYS", default=30) * 24 * 3600
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
# Letters and messages over these windows are refused with a message (per address, across
# all actions).
LETTER_IP_LIMITS = [(2, 60), (10, 3600)]
MESSAGE_IP_LIMITS = [(2, 60), (10, 3600)]
# Builds of the public export per client address. A download the page cache already holds
# costs nothing and is not counted; one that must be built holds a worker for a while.
EXPORT_IP_LIMITS = [(5, 60), (30, 3600)]
HEARING_NOTICE_DAYS = env.int("HEARING_NOTICE_DAYS", default=3)
BIRTHDAY_NOTICE_DAYS = env.int("BIRTHDAY_NOTICE_DAYS", default=10)
PRIVACY_LINK_MAX_AGE = 24 * 3600
# How long a worker's claim on an email lasts; past it, the sweep sends what a dead worker
# left half done.
OUTBOX_CLAIM_TIMEOUT = timedelta(seconds=env.float("OUTBOX_CLAIM_SECONDS", default=600))
# A task sending one email, or the sweep's batch, is stopped after this many seconds.
OUTBOX_TASK_SOFT_LIMIT = env.int("OUTBOX_TASK_SOFT_LIMIT", default=300)
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=2000)
# The one permission in front of supporters' personal data, wherever it is shown.
PERSONAL_DATA_PERMISSION = "supporters.view_personal_data"

# Written declarations: personal pledge links, reminders and staff notices.
DECLARATION_LINK_MAX_AGE = env.int("DECLARATION_LINK_MAX_AGE_DAYS", default=30) * 24 * 3600
DECLARATION_REMINDER_EVERY = timedelta(days=env.int("DECLARATION_REMINDER_EVERY_DAYS", default=7))
DECLARATION_MAX_REMINDERS = env.int("DECLARATION_MAX_REMINDERS", default=2)
DECLARATION_THRESHOLD_MARGIN = env.int("DECLARATION_THRESHOLD_MARGIN", default=3)
CAMPAIGN_STAFF_EMAILS = env.list(
    "CAMPAIGN_STAFF_EMAILS", default=[address for _, address in ADMINS]
)
DECLARATION_STAFF_EMAILS = env.list(
    "DECLARATION_STAFF_EMAILS", default=[address for _, address in ADMINS]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
