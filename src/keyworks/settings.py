"""Settings from the environment (KEYWORKS_*); bad values fail loudly at start-up."""

import datetime
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from keyworks.bootstrap import DEVELOPMENT_SECRET_KEY, offline_command, var_dir

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = var_dir()


def env(name: str, default: str | None = None) -> str | None:
    """Read KEYWORKS_<name>, or the file named by KEYWORKS_<name>_FILE (for secrets)."""
    key = f"KEYWORKS_{name}"
    file_path = os.environ.get(f"{key}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(key, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"KEYWORKS_{name} must be true or false, not {raw!r}")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    # Fail closed: only a development run may use the public key (`check --deploy` flags
    # it). `keyworks demo` keeps a key of its own in var/ (bootstrap.keep_demo_secret_key);
    # the tests and the benchmarks set theirs. A command that only reads the code
    # (makemigrations, compilemessages) gets a throwaway key.
    if offline_command(sys.argv):
        SECRET_KEY = secrets.token_urlsafe(50)
    elif not DEBUG:
        raise ImproperlyConfigured(
            "KEYWORKS_SECRET_KEY (or KEYWORKS_SECRET_KEY_FILE) must be set;"
            " only a development run with KEYWORKS_DEBUG=true goes without one"
        )
    else:
        SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = [
    h.strip() for h in (env("ALLOWED_HOSTS", "127.0.0.1,localhost") or "").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "keyworks.core",
    "keyworks.jobs",
    "keyworks.orgs",
    "keyworks.people",
    "keyworks.accounts",
    "keyworks.audit",
    "keyworks.ledger",
    "keyworks.reporting",
    "keyworks.coordination",
    "keyworks.targets",
    "keyworks.fieldwork",
    "keyworks.reminders",
    "keyworks.tasks",
    "keyworks.meetings",
    "keyworks.rankings",
    "keyworks.factors",
    "keyworks.demo",
    "keyworks.dashboards",
    "keyworks.api",
    "keyworks.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "keyworks.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "keyworks.core.text.TextGuardMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "keyworks.accounts.language.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "keyworks.accounts.policy.AccountPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "keyworks.audit.middleware.SecurityLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "keyworks.core.headers.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "keyworks.urls"
WSGI_APPLICATION = "keyworks.wsgi.application"

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
                "keyworks.portal.context.site",
            ],
        },
    }
]

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'keyworks.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL", DEFAULT_DATABASE_URL) or DEFAULT_DATABASE_URL, conn_max_age=60
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"KEYWORKS_DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo take a second writer without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's cost estimates for the as-of lists (a correlated
    # lookup per problem) pass its thresholds, and compiling then takes ~300 ms for a
    # query that runs in under 100. Short interactive queries never win it back.
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = f"{pg_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ledger:project_list"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = ["keyworks.accounts.lockout.LockoutBackend"]

# Identity (GB/T 22239 身份鉴别): passwords of at least PASSWORD_MIN_LENGTH characters of
# PASSWORD_MIN_CLASSES kinds, not like the user's names, not common; checked on every path.
PASSWORD_MIN_LENGTH = int(env("PASSWORD_MIN_LENGTH", "10") or 10)
PASSWORD_MIN_CLASSES = int(env("PASSWORD_MIN_CLASSES", "3") or 3)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "keyworks.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "keyworks.accounts.passwords.NotYourNameValidator"},
]
# Failed sign-ins (登录失败处理): LOCKOUT_FAILURES within LOCKOUT_WINDOW lock the account,
# and the source address, for LOCKOUT_DURATION (accounts.lockout).
LOCKOUT_FAILURES = int(env("LOCKOUT_FAILURES", "5") or 5)
LOCKOUT_WINDOW = datetime.timedelta(minutes=int(env("LOCKOUT_WINDOW_MINUTES", "10") or 10))
LOCKOUT_DURATION = datetime.timedelta(minutes=int(env("LOCKOUT_MINUTES", "30") or 30))
# Sessions end after SESSION_IDLE seconds without a request and SESSION_MAX_AGE after
# signing in, whichever comes first (accounts.policy).
SESSION_IDLE = int(env("SESSION_IDLE_MINUTES", "30") or 30) * 60
SESSION_MAX_AGE = int(env("SESSION_MAX_HOURS", "12") or 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE
SESSION_COOKIE_HTTPONLY = True
# Rates (core.throttles): sign-in posts and bad API tokens per address, API calls per user.
SIGN_IN_RATE = env("SIGN_IN_RATE", "20/m") or "20/m"
BAD_TOKEN_RATE = env("BAD_TOKEN_RATE", "20/m") or "20/m"
API_RATE = env("API_RATE", "600/m") or "600/m"
# Personal data (phones, e-mail addresses) is encrypted with this SM4 key (core.crypto).
DATA_KEY = env("DATA_KEY", "") or ""
# A second factor (TOTP) for the platform's administrators always; for offices too when set.
OTP_FOR_OFFICE = env_bool("OTP_FOR_OFFICE", False)
OTP_TOTP_ISSUER = "keyworks"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_BYTES = 15 * 1024 * 1024

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "keyworks.core.views.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS enforcement is not silenced: `keyworks check --deploy` flags a production set-up
# without KEYWORKS_SSL_REDIRECT and KEYWORKS_HSTS_SECONDS (both work behind the TLS proxy,
# which passes X-Forwarded-Proto).

# django-filter's empty choice, read lazily in the request's language.
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")

DEMO_PASSWORD = env("DEMO_PASSWORD", "keyworks-demo") or "keyworks-demo"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Stored figures are read, and dashboard bodies reused, until programme data changes
# (reporting.figures, audit.revisions); off, everything is computed afresh per request.
MEASURES_CACHE = env_bool("MEASURES_CACHE", True)


def cache_from_url(url: str) -> dict:
    """KEYWORKS_CACHE_URL: redis://host:port/db (shared by every worker and machine: use it
    whenever more than one process serves) or locmem:// (one process: the embedded
    default)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "keyworks",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    raise ImproperlyConfigured(
        f"KEYWORKS_CACHE_URL must start with redis://, rediss://, unix:// or locmem://: {url!r}"
    )


CACHES = {"default": cache_from_url(env("CACHE_URL", "locmem://") or "locmem://")}
# Links in e-mails (daily reminder digest) start with this address.
KEYWORKS_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000") or "http://127.0.0.1:8000"
# Optional background map tiles (dashboards/tiles.py): XYZ template, key, credit line.
KEYWORKS_MAP_TILES_URL = env("MAP_TILES_URL", "") or ""
KEYWORKS_MAP_TILES_KEY = env("MAP_TILES_KEY", "") or ""
KEYWORKS_MAP_TILES_ATTRIBUTION = env("MAP_TILES_ATTRIBUTION", "") or ""

# Content-Security-Policy (django-csp): scripts from the site's own files only, no inline
# script and no eval; inline styles stay (charts and Tabler set them); images also from the
# map tile service when one is configured.
_tiles = urlsplit(KEYWORKS_MAP_TILES_URL.replace("{", "").replace("}", ""))
_TILE_ORIGIN = [f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_TILE_ORIGIN],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING") or "WARNING"},
}

# Background jobs (keyworks.celery): a broker when KEYWORKS_BROKER_URL is set, else each
# job runs in the process that submits it. The schedule runs under `celery beat`.
CELERY_BROKER_URL = env("BROKER_URL", "") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "escalate": {"task": "keyworks.coordination.escalate", "schedule": crontab(hour=6, minute=0)},
    "remind": {"task": "keyworks.reminders.remind", "schedule": crontab(hour=7, minute=30)},
}
