"""Guildhall settings: everything configurable comes from the environment."""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("GUILDHALL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, else one generated once into var/."""
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Previous keys, still accepted for sessions and password reset links while a new key is
# rolled out (docs/deploying.md, "Rotating the secret key").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "huey.contrib.djhuey",
    "guildhall.core",
    "guildhall.accounts",
    "guildhall.orgs",
    "guildhall.audit",
    "guildhall.notifications",
    "guildhall.reviews",
    "guildhall.records",
    "guildhall.events",
    "guildhall.publications",
    "guildhall.plans",
    "guildhall.meetings",
    "guildhall.incidents",
    "guildhall.study",
    "guildhall.reports",
    "guildhall.dashboard",
    "guildhall.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "guildhall.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "guildhall.core.middleware.IdleTimeoutMiddleware",
    "guildhall.orgs.middleware.CurrentOrganizationMiddleware",
    "guildhall.orgs.middleware.SecondFactorMiddleware",
    "guildhall.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guildhall.urls"
WSGI_APPLICATION = "guildhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "guildhall" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guildhall.site.context_processors.guildhall",
            ],
            "builtins": ["guildhall.core.templatetags.text"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'guildhall.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the job runner share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Keep connections between requests, checked before each request reuses one, so a
    # database restart costs the requests in flight, not a restart of the app servers.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis, every process of this machine (gunicorn workers, the job runner) shares
    # one cache in files, so a saved holiday schedule or a rate-limit count is seen by all
    # of them at once. Several machines need REDIS_URL.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"),
                          # Rate-limit counters live here too: culling at Django's default
                          # of 300 entries could forget them early under many addresses
                          # (each write lists the folder, so not unbounded either).
                          "OPTIONS": {"MAX_ENTRIES": 5000}}}

HUEY = {
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "name": "guildhall",
    "immediate": False,
    "consumer": {"workers": 1, "periodic": True},
}
if REDIS_URL:
    HUEY["url"] = REDIS_URL
else:
    HUEY["filename"] = str(VAR_DIR / "huey.sqlite3")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "guildhall.accounts.backends.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout: keyed on the account and, separately, on the address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "guildhall.accounts.backends.lockout_name"
AXES_LOCKOUT_CALLABLE = "guildhall.accounts.views.locked_out"
# A sign-in forgives only its own account's failures (guildhall.accounts.lockout.forgive).
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# The second factor at sign-in (TOTP app + recovery codes, django-otp): "roles" (the
# admins of supervising bodies, the principals and admins of associations), "everyone",
# or "off" (nobody is asked). Anyone who set one up is asked for it unless "off".
SECOND_FACTOR = env.str("SECOND_FACTOR", default="roles")
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="协会商会工作平台")  # the app's label

# Password reset requests per e-mail address and per client address, per window.
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_IP = env.int("PASSWORD_RESET_PER_IP", default=10)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)

# Invitations an admin may send, and API tokens a person may create, per hour (twice and
# three times that per client address).
INVITATIONS_PER_HOUR = env.int("INVITATIONS_PER_HOUR", default=30)
# How long an invitation's link works after it was (last) sent.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
TOKENS_PER_HOUR = env.int("TOKENS_PER_HOUR", default=10)

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "guildhall" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "guildhall" / "static",
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/quill", BASE_DIR / "node_modules" / "quill" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "guildhall.core.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="guildhall@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The demo's submitted annual reports get their PDF from the job queue (LibreOffice); the
# test suite, whose queue runs at once, leaves them pending instead (settings_test).
REPORTS_DEMO_PDF = env.bool("REPORTS_DEMO_PDF", default=True)

# Production hardening: on unless HTTPS=false (plain-HTTP local serving, tests).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything comes from the application itself; nothing inline (no script or style
# element, style attribute or event handler: core/tests/test_csp.py), no frames of it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Pico draws its icons as data: images
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# The largest file a module takes, and the largest request body: that file and its form.
# A larger body is refused (413) from its Content-Length before it is read
# (core.middleware.RequestSizeLimitMiddleware); the proxy's client_max_body_size matches.
UPLOAD_MAX_SIZE = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
REQUEST_MAX_SIZE = UPLOAD_MAX_SIZE + 1024 * 1024
# Form fields (not files) held in memory, and the size above which an upload being read
# goes to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ONBOARDING_MAX_UPLOAD = 2 * 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

