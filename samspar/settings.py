"""Django settings. Everything that differs between machines comes from the environment:

- ``SAMSPAR_DEBUG``: "1" for development (the default for ``make demo``), "0" in production.
- ``SAMSPAR_SECRET_KEY``: Django's secret key (required when not in debug mode).
- ``SAMSPAR_FIELD_KEY``: Fernet key(s) encrypting personnummer at rest (required when not
  debug); comma-separated during a key rotation, the current key first.
- ``SAMSPAR_HASH_KEY``: key of the HMAC used to look personnummer up (required when not debug).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/samspar``; SQLite under ``var/`` if unset.
- ``SAMSPAR_ALLOWED_HOSTS``: comma-separated host names.
- ``SAMSPAR_BEHIND_PROXY``: "1" when a reverse proxy terminates TLS and sets
  ``X-Forwarded-Proto`` (and ``X-Forwarded-For``, used for log-in throttling).
- ``SAMSPAR_EMAIL_HOST``, ``SAMSPAR_EMAIL_PORT``, ``SAMSPAR_EMAIL_USER``,
  ``SAMSPAR_EMAIL_PASSWORD``, ``SAMSPAR_EMAIL_USE_TLS``, ``SAMSPAR_EMAIL_FROM``: the SMTP
  server that sends new users the link to set their password and tells users their
  password was changed (the console in debug mode); ``SAMSPAR_EMAIL_BACKEND`` overrides
  the backend (a dotted path, e.g. ``django.core.mail.backends.console.EmailBackend``).

In production (neither debug nor the test suite) the site is HTTPS only: SSL redirect,
HSTS, secure cookies. The production environment: docs/deployment.md (and the README).
"""

import base64
import datetime as dt
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from samspar.core.logging import stderr_config

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SAMSPAR_VAR_DIR", BASE_DIR.parent / "var"))

DEBUG = os.environ.get("SAMSPAR_DEBUG", "0") == "1"
TESTING = os.environ.get("SAMSPAR_TESTING", "0") == "1"
PRODUCTION = not DEBUG and not TESTING


def _dev_key(purpose: str) -> str:
    """A fixed key for development and tests only; production must set the variable."""
    return base64.urlsafe_b64encode(
        hashlib.sha256(f"samspar-dev-{purpose}".encode()).digest()
    ).decode()


def _secret(name: str, purpose: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if DEBUG or TESTING:
        return _dev_key(purpose)
    raise ImproperlyConfigured(f"{name} must be set when SAMSPAR_DEBUG is not 1")


SECRET_KEY = _secret("SAMSPAR_SECRET_KEY", "django")
SAMSPAR_FIELD_KEY = _secret("SAMSPAR_FIELD_KEY", "field")
SAMSPAR_HASH_KEY = _secret("SAMSPAR_HASH_KEY", "hash")

ALLOWED_HOSTS = [h for h in os.environ.get("SAMSPAR_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG or TESTING:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",  # serves the API docs page's Swagger files locally, not from a CDN
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "samspar.core",
    "samspar.organisation",
    "samspar.codelists",
    "samspar.access",
    "samspar.registry",
    "samspar.reports",
    "samspar.annual",
    "samspar.economics",
    "samspar.dataprotection",
    "samspar.imports",
    "samspar.transfer",
]
# The demo world (`samspar demo`, `demo_code`) and the benchmarks (`samspar bench`) exist
# only on a development or demo installation (SAMSPAR_DEBUG=1) and in the test suite: in
# production neither is installed nor imported, and their commands do not exist.
DEVELOPMENT_APPS = ["samspar.demo", "samspar.bench"]
if not PRODUCTION:
    INSTALLED_APPS += DEVELOPMENT_APPS

# Background work (an import's check and write) through Django's tasks framework
# (the django-tasks backport) kept in the database: `samspar worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Days a finished import's error list (whose values may be personnummer) is kept before
# `samspar gallring` removes it; the counts stay (docs/import.md, docs/security.md §4).
SAMSPAR_IMPORT_RETENTION_DAYS = int(os.environ.get("SAMSPAR_IMPORT_RETENTION_DAYS", "30"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Production only (below): WhiteNoise serves the collected static files.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Inside the locale middleware, so the 404 page is in the user's language.
    "samspar.core.middleware.not_found_page",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samspar.access.sessions.end_session_after_working_day",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samspar.access.twofactor.TwoFactorRequiredMiddleware",
    "samspar.core.middleware.no_store_for_signed_in",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]
if PRODUCTION:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "samspar.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "samspar.wsgi.application"

# A connection is kept for a minute between requests and checked before a request uses
# it again, so a restarted database costs no failed page (samspar/core/outage.py).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'samspar.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# SQLite: a page load waits up to 20 s for a concurrent write instead of failing at once,
# and every transaction takes the write lock when it begins. Otherwise a transaction that
# read and then wants to write fails at once with "database is locked" when another one
# wrote meanwhile (SQLite cannot wait there without a deadlock); now writers queue.
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite cannot create the directory itself.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses every log-in of a locked-out username and address before the password is read.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password rules (docs/security.md, chapter 3).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "samspar.access.passwords.PersonalPartsValidator"},
    {"NAME": "samspar.access.passwords.CalendarWordValidator"},
]
if DEBUG or TESTING:
    # Fast hashing for demo users and tests; production keeps Django's default.
    PASSWORD_HASHERS = (
        ["django.contrib.auth.hashers.MD5PasswordHasher"]
        if TESTING
        else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    )

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# Swedish dates as 2024-03-31 on every page (samspar/formats/sv).
FORMAT_MODULE_PATH = ["samspar.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The definitions of the figures, shown on each report's help page (reports.definitions).
SAMSPAR_DEFINITIONS = BASE_DIR.parent / "docs" / "definitions.md"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# In production `samspar serve` collects the static files into STATIC_ROOT under names
# that carry a hash of their content, compressed (gzip, Brotli), and WhiteNoise serves
# them to be cached for good (immutable); a page names the hashed file, so a new version is
# fetched at once. Development and tests use the files where they lie.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Source maps (half of the bytes, fetched only by a browser's developer tools) are served
# as they are: compressing them would double the time of a collection.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session lasts one working day at most and ends when the browser closes.
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"

# HTTPS only in production: redirect, HSTS for a year (with sub-domains, preload-ready).
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
BEHIND_PROXY = os.environ.get("SAMSPAR_BEHIND_PROXY", "0") == "1"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: everything from this site only; no inline script or style.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Log-in throttling (django-axes): five wrong passwords for one username from one address
# lock that pair out for 15 minutes; each further try during the lock-out restarts it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins go to access.SecurityEvent
# The client's address: REMOTE_ADDR, or behind the proxy the address the proxy added.
AXES_CLIENT_IP_CALLABLE = "samspar.access.addresses.client_address"

# Two-factor log-in (django-otp): the issuer shown in authenticator apps; the admin site
# never shows anyone's TOTP secret.
OTP_TOTP_ISSUER = "Samspår"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Mail: the link a new user sets a password with, and the notice that a password was
# changed. SAMSPAR_EMAIL_BACKEND (a Django e-mail backend's dotted path) overrides the
# choice below, e.g. the console backend on a test server.
if DEBUG or TESTING or not os.environ.get("SAMSPAR_EMAIL_HOST"):
    EMAIL_BACKEND = (
        "django.core.mail.backends.locmem.EmailBackend"
        if TESTING
        else "django.core.mail.backends.console.EmailBackend"
    )
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SAMSPAR_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("SAMSPAR_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("SAMSPAR_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SAMSPAR_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("SAMSPAR_EMAIL_USE_TLS", "1") == "1"
if os.environ.get("SAMSPAR_EMAIL_BACKEND") and not TESTING:
    EMAIL_BACKEND = os.environ["SAMSPAR_EMAIL_BACKEND"]
DEFAULT_FROM_EMAIL = os.environ.get("SAMSPAR_EMAIL_FROM", "samspar@localhost")
# How long the link to set a password works (Django's password-reset token): three days,
# and only until the password is set.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60

# Errors of requests (every 500) go to stderr with the path only — no query string, no
# body — and anything shaped like a personnummer masked.
# Everything else (django-axes' lock-out warnings, other libraries) goes through the same
# masking handler, from WARNING.
LOGGING = stderr_config(
    {"django.request": "ERROR", "django.security": "WARNING", "samspar": "WARNING"}
)
