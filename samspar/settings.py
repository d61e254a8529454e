"""Django settings. Everything that differs between machines comes from the environment:

- ``SAMSPAR_DEBUG``: "1" for development (the default for ``make demo``), "0" in production.
- ``SAMSPAR_SECRET_KEY``: Django's secret key (required when not in debug mode).
- ``SAMSPAR_FIELD_KEY``: Fernet key(s) encrypting personnummer at rest (required when not
  debug); comma-separated during a key rotation, the current key first.
- ``SAMSPAR_HASH_KEY``: key of the HMAC used to look personnummer up (required when not debug).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/samspar``; SQLite under ``var/`` if unset.
- ``SAMSPAR_ALLOWED_HOSTS``: comma-separated host names.
"""

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SAMSPAR_VAR_DIR", BASE_DIR.parent / "var"))

DEBUG = os.environ.get("SAMSPAR_DEBUG", "0") == "1"
TESTING = os.environ.get("SAMSPAR_TESTING", "0") == "1"


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
    "ninja",  # serves the API docs page's Swagger files locally, not from a CDN
    "simple_history",
    "samspar.core",
    "samspar.organisation",
    "samspar.codelists",
    "samspar.access",
    "samspar.registry",
    "samspar.demo",
    "samspar.reports",
    "samspar.annual",
    "samspar.economics",
    "samspar.bench",
    "samspar.dataprotection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'samspar.sqlite3'}", conn_max_age=60
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
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
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
X_FRAME_OPTIONS = "DENY"
