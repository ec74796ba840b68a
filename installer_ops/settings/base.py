"""Settings shared by every environment. Environment-specific modules import this."""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .environment import env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "csp",
    # Apps in dependency order: kpis -> onboarding -> bootcamp -> installer_ops;
    # hiring -> installer_ops (kpis may read hiring).
    "installer_ops",
    "bootcamp",
    "onboarding",
    "hiring",
    "kpis",
]

MIDDLEWARE = [
    # First: everything below (the lockout, the throttles, the logs) sees the real client in REMOTE_ADDR.
    "installer_ops.client_address.ClientAddressMiddleware",
    # A statement cancelled by the web statement timeout answers 503, not 500.
    "installer_ops.statement_timeout.StatementTimeoutMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a person's chosen language overrides the browser's (LocaleMiddleware's choice).
    "installer_ops.user_language.UserLanguageMiddleware",
    # After authentication: pages show times in the person's geography's zone (installer_ops/time_zones.py).
    "installer_ops.time_zones.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "installer_ops.middleware.AuditSourceMiddleware",
    "csp.middleware.CSPMiddleware",
    "installer_ops.middleware.AdminStyleAttributesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- client address, login lockout, sessions, content security policy ----------------------
# How many reverse proxies of ours stand in front of the web process, each
# appending to X-Forwarded-For. 0 (direct exposure): the header is ignored,
# since any client can write it (installer_ops/client_address.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The sixth wrong password in a row for a username from one address locks
# that login for AXES_COOLOFF_MINUTES; a success resets the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 6)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the one ClientAddressMiddleware settled on; axes must not
# read X-Forwarded-For itself (it would with django-ipware installed).
AXES_CLIENT_IP_CALLABLE = "installer_ops.client_address.remote_addr"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- single sign-on (OpenID Connect): the OIDC_* settings, in their own module ---------------
from .single_sign_on import *  # noqa: E402, F403

if OIDC_ENABLED:  # noqa: F405
    # After axes' check, like the password backend.
    AUTHENTICATION_BACKENDS.append("installer_ops.single_sign_on.EmailMatchBackend")
# django-axes keys a sign-in attempt on (username, address). A sign-on
# callback carries no username, so axes learns the email the provider
# vouched for from the request (installer_ops/single_sign_on.py): refusals
# count against that email from that address, never against everyone
# signing on from one office address. Password logins are keyed as before.
AXES_USERNAME_CALLABLE = "installer_ops.single_sign_on.axes_username"

# Sessions end after SESSION_HOURS (default a working day); the tablet
# then asks its installer to log in again and keeps its outbox meanwhile.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# No inline script anywhere: data reaches scripts through json_script, and
# every script is a static file. Styles likewise come from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "installer_ops.urls"
WSGI_APPLICATION = "installer_ops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Ahead of the app directories, so that our admin/base_site.html (the
        # admin's brand) wins over django.contrib.admin's, which is listed first.
        "DIRS": [BASE_DIR / "installer_ops" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "installer_ops.navigation.navigation",
            ],
        },
    },
]

# SQLite under var/ is the zero-set-up default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'installer_ops.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait rather than fail ("database is locked"): WAL lets
    # readers run beside the one writer, IMMEDIATE takes the write lock at
    # BEGIN (so the busy timeout applies instead of a failed lock upgrade),
    # and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for its turn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
# Web requests on PostgreSQL give up on a statement after this long
# (installer_ops/statement_timeout.py, turned on by the web entry point only:
# workers, migrations and commands run without a limit). 0 turns it off.
WEB_STATEMENT_TIMEOUT_MS = env_int("WEB_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "installer_ops.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitation and password-reset links both last this long (seconds): Django's
# reset tokens read it, and so does the invitation token generator
# (installer_ops/invitations.py) and the "expired" state a lead sees.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 72, minimum=1) * 3600
# The address people reach the site at, for links in mails sent outside a
# request (invitations go out after a hire commits, from any door).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# A language is offered only once its catalogues in locale/ are complete (tests/installer_ops/
# test_translations.py holds every one listed here to that).
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ja", _("Japanese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# One display format per kind (a date "18 Nov 2026", a time "14:05 CET"), in installer_ops/formats/.
# The thousands separator stays off for plain {{ value }}: templates also render ids and years into
# links and attributes, where "1,234" would break them; figures use |floatformat:"g" to group.
FORMAT_MODULE_PATH = ["installer_ops.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
from .evidence_storage import *  # noqa: E402, F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,  # noqa: F405
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "installer-ops@localhost")

# Celery: with no REDIS_URL, tasks run eagerly in-process so the embedded
# default needs no broker; with it, a real worker and beat do the work.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# The cache holds the API throttles' counts. With Redis every web process
# (gunicorn workers, containers) shares one count per client; in local memory
# each process would count alone and the limit would multiply by their number.
# The prefix keeps its keys apart from Celery's in the same Redis database;
# never cache.clear() there: it empties the whole database, the broker's queues too.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "installer-ops",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Daily overdue reminders, local time (TIME_ZONE) as (hour, minute).
REMINDER_TIME = (6, 30)
CELERY_BEAT_SCHEDULE = {
    "onboarding-advance-completed-bootcamps": {
        "task": "onboarding.tasks.advance_completed_bootcamps",
        "schedule": crontab(minute=15),
    },
    "kpis-nightly": {
        "task": "kpis.tasks.nightly_kpis",
        "schedule": crontab(hour=2, minute=0),
    },
    "bootcamp-overdue-reminders": {
        "task": "bootcamp.tasks.send_overdue_reminders",
        "schedule": crontab(hour=REMINDER_TIME[0], minute=REMINDER_TIME[1]),
    },
    # The sweeps: work recorded while the broker was down gets sent once it is back.
    "bootcamp-catch-up-reminders": {
        "task": "bootcamp.tasks.catch_up_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "kpis-sweep-queued-jobs": {
        "task": "kpis.tasks.sweep_queued_kpi_jobs",
        "schedule": crontab(minute="*/5"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "installer_ops.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "installer_ops.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
    # Throttles key on REMOTE_ADDR alone, already the real client
    # (installer_ops/client_address.py); DRF's default would take the whole,
    # client-written X-Forwarded-For header as the key.
    "NUM_PROXIES": 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Installer Ops API",
    "DESCRIPTION": "Organisation, bootcamp, onboarding and KPI records of the field organisation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags (the API reference's groups, /api/docs/) are the resource after the
    # version: "installers", "sync"; without this every operation was "v1".
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema enum for the ladder, whatever the field that carries a level.
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "installer_ops.models.LEVEL_CODES",
        "GrainEnum": "kpis.models.Grain",
        # Hiring's stages, sources and roles beside the installer's stage, the audit's source and the pod's role.
        "StageEnum": "installer_ops.models.Stage",
        "CandidateStageEnum": "hiring.models.CandidateStage",
        "CandidateSourceEnum": "hiring.models.SOURCE_API_CODES",
        "RequisitionRoleEnum": "hiring.models.RequisitionRole",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_without_traceback": {"()": "installer_ops.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every layout step at INFO; django-axes every login
    # (its lockouts are warnings and still show).
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# The tablet app's release id; empty means "derived from the shell's files".
APP_RELEASE = env_str("APP_RELEASE", "")

# How long a clearance for independent deployment lasts before a refresher drill.
CLEARANCE_VALID_MONTHS = env_int("CLEARANCE_VALID_MONTHS", 12)

# First-time install success: a revisit within this many days of the first visit makes it a failure.
FIRST_TIME_REVISIT_DAYS = env_int("FIRST_TIME_REVISIT_DAYS", 14)

# Organisation time zone in which KPI periods are cut (docs/architecture.md, Field-data import).
KPI_TIME_ZONE = env_str("KPI_TIME_ZONE", "UTC")
# PostgreSQL settings of a KPI computation's transaction (kpis/computation.py):
# memory for its sorts and hashes (a million first visits grouped four ways
# spill to disk at the default 4MB), and no JIT, whose compilation cost about
# a second per grouped statement and saved less (docs/scaling.md).
KPI_WORK_MEM = env_str("KPI_WORK_MEM", "64MB")
# A KPI job not handed to the broker this long after it was recorded is
# sent by the sweep (the broker was down); shorter would race the request's own publish.
KPI_SWEEP_GRACE_SECONDS = env_int("KPI_SWEEP_GRACE_SECONDS", 60)

# Each role's menu and where it lands after logging in.
from .navigation import *  # noqa: E402, F403
