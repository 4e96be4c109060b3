"""Commonwatch settings: one module, every knob an environment variable.

The defaults run the embedded mode (SQLite, local files, database task queue,
no servers). Setting DATABASE_URL, REDIS_URL and friends moves the same code to
the scale mode. Every variable is listed in docs/configuration.md.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import zoneinfo
from collections.abc import Callable
from email.utils import parseaddr
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import vapid

BASE_DIR = Path(__file__).resolve().parent.parent


class _Env(environ.Env):
    """django-environ's reader, naming the variable whose value it cannot read (its own
    ValueError says only "invalid literal for int()")."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as error:
            raise ImproperlyConfigured(f"{var} cannot be read: {error}") from error


env = _Env()


def _read(name: str, value, parse: Callable):
    """parse(value), or a start-up error naming the variable (the parsers' own errors
    name neither it nor, often, what is wrong: "KeyError: 'ENGINE'")."""
    try:
        return parse(value)
    except Exception as error:  # whatever the parser raises, the operator reads one line
        # The value is not repeated: URLs and keys carry secrets, and logs keep lines.
        raise ImproperlyConfigured(f"{name} cannot be read: {error!r}") from error


# Production is the default. DEMO=true is the embedded demo on one machine over plain
# http: it makes up its own keys in DATA_DIR and sends cookies without Secure, but shows
# visitors the site's own pages. DEBUG=true (the tests, development) implies DEMO and
# adds Django's technical error pages and static files read live from the source.
DEBUG = env.bool("DEBUG", default=False)
DEMO = DEBUG or env.bool("DEMO", default=False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as error:  # a file there, no permission, a read-only disk
    raise ImproperlyConfigured(f"DATA_DIR cannot be used: {error.strerror}: {DATA_DIR}") from error


def _secret(name: str, make: Callable[[], str], how: str) -> str:
    """A secret from the environment; in DEMO (or DEBUG) mode only, one kept in DATA_DIR.

    Nothing secret is in the repository: a demo install makes its own on first use.
    """
    value = env.str(name, default="")
    if value:
        return value
    if not DEMO:
        raise ImproperlyConfigured(f"{name} must be set (DEMO and DEBUG are off). {how}")
    path = DATA_DIR / name.lower()
    if not path.exists():
        # Written aside, then linked into place: processes starting together (workers,
        # app servers) all read the one value that won, never a half-written file.
        draft = DATA_DIR / f".{name.lower()}.{os.getpid()}"
        draft.touch(mode=0o600)
        draft.write_text(make())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret(
    "SECRET_KEY",
    lambda: secrets.token_urlsafe(50),
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
)
# Rotating SECRET_KEY: the old one here keeps sessions and links signed with it valid.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Fernet keys for secrets stored in the database (second factors); comma-separated,
# the first encrypts and all decrypt, so a key can be rotated.
ENCRYPTION_KEYS = _secret(
    "ENCRYPTION_KEYS",
    lambda: Fernet.generate_key().decode(),
    "Generate one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'",
).split(",")
_read("ENCRYPTION_KEYS", ENCRYPTION_KEYS, lambda keys: [Fernet(k.strip().encode()) for k in keys])


# Web push (notifications.push): the VAPID key pair that signs every push, as base64url
# (the raw 32-byte private value; the public key is derived and may be given to check).
# Without a key outside DEMO, web push is off (a deploy check warns); DEMO makes one.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="") or (
    _secret("VAPID_PRIVATE_KEY", vapid.new_private_key, "") if DEMO else ""
)
VAPID_PUBLIC_KEY = (
    _read("VAPID_PRIVATE_KEY", VAPID_PRIVATE_KEY, vapid.public_key) if VAPID_PRIVATE_KEY else ""
)
if env.str("VAPID_PUBLIC_KEY", default="") not in ("", VAPID_PUBLIC_KEY):
    raise ImproperlyConfigured("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = env.str("SITE_NAME", default="Commonwatch")
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
# Prefixes every cache key, task queue and live channel: installs sharing a Redis
# never see each other's data (Redis pub/sub ignores database numbers). Required with
# Redis, where a shared default would mix two installs up.
INSTALL_NAME = env.str("INSTALL_NAME", default="")
if not INSTALL_NAME and REDIS_URL:
    raise ImproperlyConfigured(
        "INSTALL_NAME must be set with REDIS_URL: a name of this install's own, so that "
        "installs sharing a Redis never see each other's live posts, jobs or cache."
    )
INSTALL_NAME = INSTALL_NAME or "commonwatch"
if not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", INSTALL_NAME):
    raise ImproperlyConfigured("INSTALL_NAME must be lowercase letters, digits and dashes.")

INSTALLED_APPS = [
    "daphne",
    "commonwatch.core.apps.OperatorAdminConfig",  # django.contrib.admin, allow-listed
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth, so that web/templates/allauth/ overrides allauth's bare layout.
    "commonwatch.web",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "channels",
    "commonwatch.core",
    "commonwatch.audit",
    "commonwatch.accounts",
    "commonwatch.organizations",
    "commonwatch.notifications",
    "commonwatch.geo",
    "commonwatch.media",
    "commonwatch.community",
    "commonwatch.moderation",
    "commonwatch.cameras",
    "commonwatch.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # its files come compressed already
    # Pages and API answers compressed (the map's points: 388 KB → 76 KB); Django's pads
    # each answer at random against BREACH, and masks the CSRF token per answer.
    "commonwatch.core.compression.CompressionMiddleware",  # Django's GZip, byte ranges left alone
    "commonwatch.core.middleware.PrivateResponsesMiddleware",
    # Sessions, authentication and messages: Django's, stepping aside for API calls
    # with a personal token, which need none of them (accounts/browser_only.py).
    "commonwatch.accounts.browser_only.SessionMiddleware",
    "commonwatch.core.locale.LocaleMiddleware",  # Django's, nothing to negotiate in one language
    "commonwatch.core.time_zone.BrowserTimeZoneMiddleware",  # times as the reader's clock shows
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check would parse (and spool) an oversized body first.
    "commonwatch.media.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "commonwatch.accounts.browser_only.AuthenticationMiddleware",
    "commonwatch.accounts.browser_only.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commonwatch.core.csp.CSPMiddleware",  # django-csp's, its policy built once
    # Inside CSP, frame options, messages and sessions, so its page gets them all.
    "commonwatch.web.middleware.MethodNotAllowedMiddleware",  # the API's JSON, or the site's page
    "allauth.account.middleware.AccountMiddleware",
    "commonwatch.accounts.middleware.IdleSignOutMiddleware",
    "commonwatch.accounts.middleware.SignInStrengthMiddleware",
    "commonwatch.accounts.middleware.AccessRuleMiddleware",
    "commonwatch.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commonwatch.web.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = (
    env.str("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'commonwatch.sqlite3'}"
)
DATABASES = {"default": _read("DATABASE_URL", DATABASE_URL, env.db_url_config)}
if DATABASES["default"].get("ENGINE") not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured(
        "DATABASE_URL names no database we know: use postgres://… or sqlite:///…"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env.str("SQLITE_TEST_NAME", default="") or None}
# Production keeps each app process's connection (its one thread for Django's sync work,
# commonwatch/core/asgi.py): opening one cost more than a whole API request. The demo and
# tests (DEBUG) close it after each request, so test databases can be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0 if DEBUG else 600)
# Django's health check costs every request one more round trip ("SELECT 1") before its
# first query: one of the two a token API call made. Without it, a connection the database
# dropped (a restart) fails the one request that finds it, and Django then closes it so
# the next request reconnects. Set DB_CONN_HEALTH_CHECKS=true to trade that back.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The few statements every request runs (core.prepared.prepared_cursor) are prepared
    # once a connection has run them this many times, and PostgreSQL stops planning them
    # again; every other query binds on the client as Django's do. A pooler in transaction
    # mode needs prepared-statement support (PgBouncer >= 1.21); 0 turns preparing off.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        env.int("DB_PREPARE_THRESHOLD", default=5) or None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    # Redis, or each process's own memory while Redis is unreachable (core.cache):
    # sign-in throttles and cached pages keep working through an outage.
    CACHES = {
        "default": {
            "BACKEND": "commonwatch.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": INSTALL_NAME,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # The embedded mode's one web process: its memory, with a lock that keeps the sign-in
    # throttles' counts exact under simultaneous requests (files could not).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": INSTALL_NAME,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Background tasks: one API (django-tasks, Django 6's django.tasks), two engines.
TASK_BACKEND = env.str("TASK_BACKEND", default="rq" if REDIS_URL else "database")
_TASK_ENGINES = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_ENGINES:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {sorted(_TASK_ENGINES)}.")
# The one queue every task goes to, named after the install (RQ keys are global).
TASK_QUEUE = INSTALL_NAME
TASKS = {"default": {"BACKEND": _TASK_ENGINES[TASK_BACKEND], "QUEUES": [TASK_QUEUE]}}
_RQ_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
_RQ_URL += ("&" if "?" in _RQ_URL else "?") + "socket_connect_timeout=2"
RQ_QUEUES = {TASK_QUEUE: {"URL": _RQ_URL}}
# Work that must follow a commit (alerts, e-mails) is stored first (core.outbox) and
# retried with backoff until done; a worker sweeps what the queue did not take.
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=30)


def redis_channel_layer(url: str, prefix: str = INSTALL_NAME) -> dict:
    """Pub/sub: a post is published once per cell and each app process hands it to its
    own sockets in memory, instead of one Redis queue entry per socket. The read
    timeout outlasts the layer's idle reads, or idle sockets get closed. Channels and
    groups carry the install's name: pub/sub ignores database numbers."""
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [{"address": url, "socket_timeout": 10}], "prefix": prefix},
    }


# Live alerts: one process in the embedded mode, Redis between app servers at scale.
if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["commonwatch.accounts.backends.ResidentAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
# Whoever holds a signed-in browser must not take the account: changing the address (the
# way to a password reset) asks for the password or second factor again (once more
# within 5 minutes needs neither; signing in does not count), and the old address hears
# of every change of address or password.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# allauth keeps an account with a second factor from adding an unverified address, lest
# an unverified sign-up turn on a second factor against the address's owner. Here no
# unverified account signs in (mandatory verification) and an added address counts only
# once confirmed; without this, staff (who must have a second factor) could never move
# to a new address.
MFA_ALLOW_UNVERIFIED_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "commonwatch.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "commonwatch.accounts.forms.SignupForm",
    "request_login_code": "commonwatch.accounts.forms.RequestLoginCodeForm",
    "reset_password": "commonwatch.accounts.forms.ResetPasswordForm",
}
# Confirming the address signs in the browser that signed up (allauth keeps that
# sign-up in its session for ACCOUNT_LOGIN_TIMEOUT) and lands on choosing a home; a
# link opened anywhere else confirms the address and asks for the password.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:home"
# Wrong passwords slow down per account and client address (accounts.throttle), never
# lock the owner out; an e-mailed code signs them in (capped per inbox, below, except
# from where they signed in before). "password_failed" is one address's budget across
# all accounts (spraying); "login_failed" guards the second factor, which only someone
# who knows the password reaches.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# "request_login_code" and "reset_password" are per client address only: allauth's
# defaults also count per e-mail address, so anyone asking three codes a minute for
# someone's address kept the owner from getting one, and past five reset e-mails a
# minute its 429 page told anyone that somebody had just asked for that address. A code
# only signs in the browser that asked for it. What one inbox receives is capped
# instead, per recipient (LOGIN_CODE_EMAILS_PER_HOUR, PASSWORD_RESET_EMAILS_PER_HOUR).
ACCOUNT_RATE_LIMITS = {
    "password_failed": "100/10m/ip",
    "login_failed": "30/10m/ip,10/10m/key",
    "request_login_code": "20/m/ip,60/h/ip",
    "reset_password": "20/m/ip,60/h/ip",
}
# So someone with many client addresses cannot flood one inbox: at most this many code
# e-mails, and this many password-reset e-mails, to one address an hour (accounts.
# mail_caps), whether or not an account has it. Past a cap the page is the same as below
# it and only the e-mail is withheld (a page saying so would tell anyone when somebody
# else asked); everyone who asks is told of the cap. The code the asking browser waits
# for and the latest reset link still work, as does the password. A client address (an
# IPv6 /64) the account signed in from in the last 30 days still gets them: a full cap
# must not leave the owner only the password while someone may be guessing it
# (accounts.throttle then slows it for everyone).
LOGIN_CODE_EMAILS_PER_HOUR = env.int("LOGIN_CODE_EMAILS_PER_HOUR", default=5)
PASSWORD_RESET_EMAILS_PER_HOUR = env.int("PASSWORD_RESET_EMAILS_PER_HOUR", default=5)
# Behind a load balancer: how many proxies append to X-Forwarded-For, or the header a
# trusted proxy sets to the client's address (e.g. X-Real-IP). Unset, the connection's.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_ADAPTER = "commonwatch.accounts.adapters.MfaAdapter"
# allauth's security-key forms, with a credential field that refuses JSON nested too deep
# to parse as invalid rather than failing (accounts.forms.JSONDecoder).
MFA_FORMS = {
    name: f"commonwatch.accounts.forms.{form}"
    for name, form in {
        "add_webauthn": "AddWebAuthnForm",
        "login_webauthn": "LoginWebAuthnForm",
        "authenticate_webauthn": "AuthenticateWebAuthnForm",
        "reauthenticate_webauthn": "ReauthenticateWebAuthnForm",
    }.items()
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Security keys and passkeys (WebAuthn); a passkey alone also signs in.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEMO  # http://127.0.0.1 in the demo and tests
MFA_TOTP_ISSUER = "Commonwatch"
# CJIS 5.5.5: staff sessions end after 30 minutes without activity.
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)

EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(_read("EMAIL_URL", EMAIL_URL, env.email_url_config))
# A send gives up well within the outbox's lease, so a hung relay never makes a
# second worker send the same e-mail while the first still waits.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Commonwatch <noreply@localhost>")
# Push services see who signs a push: a contact for their operators (mailto: or https:).
VAPID_SUBJECT = env.str(
    "VAPID_SUBJECT", default="mailto:" + (parseaddr(DEFAULT_FROM_EMAIL)[1] or "noreply@localhost")
)
# Where browsers' push services live: a subscription naming any other host is refused,
# so nobody can make this server send requests to an address of their choosing.
WEB_PUSH_HOSTS = env.list(
    "WEB_PUSH_HOSTS",
    default=[
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "web.push.apple.com",
        "*.notify.windows.com",
        "*.push.apple.com",
    ],
)
# How long a push service keeps a push for a device that is offline.
WEB_PUSH_TTL_SECONDS = env.int("WEB_PUSH_TTL_SECONDS", default=12 * 3600)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]  # strings are marked; add a language with its catalog
LOCALE_PATHS = [BASE_DIR / "commonwatch" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
_read("TIME_ZONE", TIME_ZONE, zoneinfo.ZoneInfo)  # an IANA name, such as America/Denver
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded photos and videos. No MEDIA_URL: files are served only through the access-
# checked view of commonwatch.media, never from a public path.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
_MEDIA_BACKENDS = {
    "local": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_S3_BUCKET", default=""),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "addressing_style": env.str("MEDIA_S3_ADDRESSING_STYLE", default="") or None,
            # Private objects; readers get a URL signed for a few minutes (media.serving).
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    },
}
if MEDIA_STORAGE not in _MEDIA_BACKENDS:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be one of {sorted(_MEDIA_BACKENDS)}.")
if MEDIA_STORAGE == "s3" and not env.str("MEDIA_S3_BUCKET", default=""):
    raise ImproperlyConfigured("MEDIA_S3_BUCKET must be set with MEDIA_STORAGE=s3.")
# A body carrying files is refused (413) as soon as it passes this, while it streams in.
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
MEDIA_MAX_PHOTO_BYTES = env.int("MEDIA_MAX_PHOTO_BYTES", default=10 * 1024 * 1024)
MEDIA_MAX_VIDEO_BYTES = env.int("MEDIA_MAX_VIDEO_BYTES", default=50 * 1024 * 1024)
MEDIA_MAX_VIDEO_SECONDS = env.int("MEDIA_MAX_VIDEO_SECONDS", default=60)
# Behind nginx: the internal location that serves MEDIA_ROOT (X-Accel-Redirect).
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=300)
# Camera clips: each owner's storage quota (owners may be given another one), and how
# long an unfinished resumable upload is kept before it expires.
CAMERA_QUOTA_BYTES = env.int("CAMERA_QUOTA_BYTES", default=10 * 1024**3)
CAMERA_UPLOAD_EXPIRY_HOURS = env.int("CAMERA_UPLOAD_EXPIRY_HOURS", default=24)
# A zip imported into a camera may unpack to at most this much (zip bombs stop here).
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=4 * 1024**3)
# A clip longer than this is refused when it is processed.
CAMERA_MAX_CLIP_SECONDS = env.int("CAMERA_MAX_CLIP_SECONDS", default=300)
# The largest clip a resumable upload may declare: by default what the media pipeline
# keeps of a video. Every request of an upload fits in it, so it must fit in the body
# limit above (the ASGI door refuses a body past MEDIA_MAX_UPLOAD_BYTES before any view).
CAMERA_MAX_CLIP_BYTES = env.int(
    "CAMERA_MAX_CLIP_BYTES", default=min(MEDIA_MAX_VIDEO_BYTES, MEDIA_MAX_UPLOAD_BYTES)
)
if CAMERA_MAX_CLIP_BYTES > MEDIA_MAX_UPLOAD_BYTES:
    raise ImproperlyConfigured("CAMERA_MAX_CLIP_BYTES must not exceed MEDIA_MAX_UPLOAD_BYTES.")
# Clip uploads whose bytes an app process receives at once (each holds a thread and a
# database connection; more wait, unread), and how long one may send nothing before it
# is dropped (the camera resumes from its offset).
CAMERA_UPLOADS_AT_ONCE = env.int("CAMERA_UPLOADS_AT_ONCE", default=8)
# ... of which one owner's cameras may hold this many (one account cannot take them all).
CAMERA_UPLOADS_PER_OWNER = env.int("CAMERA_UPLOADS_PER_OWNER", default=3)
CAMERA_UPLOAD_IDLE_SECONDS = env.float("CAMERA_UPLOAD_IDLE_SECONDS", default=60)
# Requests carrying files (multipart/form-data: posts with photos, clip imports) whose
# Django code an app process runs at once, each in a thread of its own with its own
# database connection, so a slow object store holds up no other request; one more is
# answered 503 with Retry-After.
FILE_UPLOADS_AT_ONCE = env.int("FILE_UPLOADS_AT_ONCE", default=4)
if FILE_UPLOADS_AT_ONCE < 1:
    raise ImproperlyConfigured("FILE_UPLOADS_AT_ONCE must be at least 1.")
FILE_UPLOAD_HANDLERS = [
    "commonwatch.media.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "media": _MEDIA_BACKENDS[MEDIA_STORAGE],
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The map's basemap (docs/basemap.md): empty draws the map's own plain background; a
# raster URL template ("https://tiles.example.org/{z}/{x}/{y}.png"); a PMTiles URL; or
# the path of a PMTiles file that the app serves itself with range requests.
MAP_TILES = env.str("MAP_TILES", default="")
MAP_ATTRIBUTION = env.str("MAP_ATTRIBUTION", default="")
DEMO_CITY_CENTER = (39.7392, -104.9903)

# Address search and place names: "nominatim" or "photon" (at GEOCODER_URL, any server
# speaking that API), "demo" (the demo city's own streets), or empty for none.
GEOCODER = env.str("GEOCODER", default="")
GEOCODER_URL = env.str("GEOCODER_URL", default="")
GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", default=f"{SITE_NAME} ({SITE_URL})")
GEOCODER_TIMEOUT_SECONDS = env.float("GEOCODER_TIMEOUT_SECONDS", default=5.0)
if GEOCODER in ("nominatim", "photon") and not GEOCODER_URL:
    raise ImproperlyConfigured(f"GEOCODER={GEOCODER} needs GEOCODER_URL (the server to ask).")

# Strict Content-Security-Policy: no inline scripts or styles anywhere. A basemap on
# another server adds its origin: images for raster tiles, fetches for a PMTiles file.
_TILE_ORIGIN = (
    "/".join(MAP_TILES.split("/")[:3]) if MAP_TILES.startswith(("https://", "http://")) else ""
)
_TILE_VECTOR = MAP_TILES.split("?")[0].endswith((".pmtiles", ".mvt", ".pbf"))
_TILE_IMAGES = [_TILE_ORIGIN] if _TILE_ORIGIN and not _TILE_VECTOR else []
_TILE_FETCHES = [_TILE_ORIGIN] if _TILE_ORIGIN and _TILE_VECTOR else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_TILE_IMAGES],
        "connect-src": ["'self'", *_TILE_FETCHES],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Load balancers probe the app server itself over plain HTTP: a redirect is no answer.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
if not DEMO:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The header the TLS-terminating proxy sets to "https" (and strips from clients);
    # empty when nothing stands in front of the app server.
    _PROTO_HEADER = env.str("TRUSTED_PROTO_HEADER", default="X-Forwarded-Proto")
    if _PROTO_HEADER:
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROTO_HEADER.upper().replace("-", "_"), "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Asking browsers to hard-code HTTPS for the domain is the operator's choice to make
    # (slow to undo), so Django's warning that it is off is not one to act on.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if _LOG_LEVEL not in _LOG_LEVELS:
    raise ImproperlyConfigured(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_secret_links": {"()": "commonwatch.core.log_secrets.HideSecretLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_secret_links"]}},
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
}
