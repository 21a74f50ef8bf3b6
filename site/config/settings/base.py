"""Settings shared by every environment.

Everything runs on embedded defaults (SQLite, SqliteHuey, local-memory cache,
console email, local media) until an environment variable says otherwise:
DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS, SITE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("CONVENE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The back office's admin layer: before django.contrib.admin, import_export and simple_history, whose
    # templates it restyles (config.backoffice holds its navigation and the home shaped by role).
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "config",
    "approvals",
    "cms",
    "registry",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "allauth",
    "allauth.account",
    "csp",
    "config.apps.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "registry.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.csp.AreaCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "registry.middleware.AdminOTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Answers anonymous page views from the cache when PAGE_CACHE_SECONDS > 0; otherwise not loaded.
    "cms.cache.PublicPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.middleware.AdminPreviewFramingMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last: it turns lockouts raised anywhere above into its response.
    "django_ratelimit.middleware.RatelimitMiddleware",
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "registry.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'convene.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue
    # instead of failing with "database is locked" halfway through; WAL lets
    # readers carry on meanwhile. Connections persist like PostgreSQL's: opening
    # one (and its pragmas) on every request was a fifth of a registration's time.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, jobs ----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "convene",
        }
    }
    # Sessions are read from the shared cache and written through to the database: one query less on
    # every signed-in request. Only with a shared cache: a per-process one would serve stale sessions.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": "convene",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "convene",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# How long an API caller's identity, permissions and organizations are remembered (registry.access).
# Writes drop them at once; this bounds changes made behind the ORM's back. Only with a shared cache:
# a per-process one would not hear of changes made in other processes.
ACCESS_CACHE_SECONDS = int(os.environ.get("ACCESS_CACHE_SECONDS", "60" if REDIS_URL else "0"))

# --- Email ----------------------------------------------------------------
_email = dj_email_url.parse(os.environ.get("EMAIL_URL", "console:"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Convene <no-reply@convene.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "registry.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "registry.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "wagtail_login_override"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Sign-up verification and password reset send a code to type in, not a link: the person stays in the browser
# they started in, and a new account is signed in as soon as its code is accepted. A code is 6 digits, works for
# ACCOUNT_CODE_MINUTES and for ACCOUNT_CODE_ATTEMPTS tries; then the person asks for a new one.
ACCOUNT_CODE_MINUTES = int(os.environ.get("ACCOUNT_CODE_MINUTES", "15"))
ACCOUNT_CODE_ATTEMPTS = int(os.environ.get("ACCOUNT_CODE_ATTEMPTS", "3"))
ALLAUTH_USER_CODE_FORMAT = {"length": 6, "numeric": True, "dashed": False}
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = ACCOUNT_CODE_MINUTES * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = ACCOUNT_CODE_ATTEMPTS
# "Send me a new code", twice. Not "use a different address": allauth offers that only when the account is real,
# so showing it would tell a stranger whether an address was already taken.
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = ACCOUNT_CODE_MINUTES * 60
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = ACCOUNT_CODE_ATTEMPTS
# A reset asked for an address without an account shows the same pages and mails nobody.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Convene] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Keys allauth's limits on registry.security.client_address and paces logins like the API does.
ACCOUNT_ADAPTER = "registry.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "registry.account_forms.LoginForm",
    "signup": "registry.account_forms.SignupForm",
    "change_password": "registry.account_forms.ChangePasswordForm",
    "reset_password_from_key": "registry.account_forms.ResetPasswordKeyForm",
    "set_password": "registry.account_forms.SetPasswordForm",
    "confirm_email_verification_code": "registry.account_forms.ConfirmEmailVerificationCodeForm",
    "confirm_password_reset_code": "registry.account_forms.ConfirmPasswordResetCodeForm",
}
# allauth's own limits (per IP and per account, cache-backed) guard sign-up,
# login, verification and reset, in the seeds' minute/hour/day spirit.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per address only: a per-account limit would lock the owner out everywhere (the lockout policy is below).
    "login_failed": "20/m/ip",
    "signup": "20/m/ip,100/h/ip",
    # A new code (sign-in while unverified, "send a new code") at most every 10 seconds, 10 an hour per address.
    "confirm_email": "1/10s/key,10/h/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# The lockout policy (README, "Sign-in protection"). Axes locks an account+address pair for 15 minutes after
# 5 failures; across addresses the account is never locked. When failed sign-ins to one account come from
# LOGIN_SPREAD_ADDRESSES addresses within LOGIN_SPREAD_WINDOW, sign-ins to it from addresses it has not signed
# in from are paced to one every LOGIN_SLOWDOWN_SECONDS, and its owner is emailed (at most once a day).
LOGIN_SPREAD_ADDRESSES = 10
LOGIN_SPREAD_WINDOW = timedelta(hours=1)
LOGIN_SLOWDOWN_SECONDS = 10
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "registry.security.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registry/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "registry.security.client_address"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Convene"
# Every staff screen, inside both admins and outside them (organizers' hall bookings), needs the second factor.
OTP_ADMIN_PATH_PREFIXES = ("/admin/", "/staff/", "/bookings/")

# --- i18n, static, media --------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Certificates hold people's names: kept apart from the public media, never served by URL, only by views
# that check who asks (the holder's download, the back office).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail --------------------------------------------------------------
WAGTAIL_SITE_NAME = "Convene"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Avatars are Wagtail's own default image: no staff member's email hash goes to gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Whole-page cache for anonymous visitors (cms.cache); 0 turns it off. Publishing purges it.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))

# --- Misc -----------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Exports quote cells that start like a formula (registry/formats.py explains why not
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT).
from registry.formats import EXPORT_FORMATS  # noqa: E402, F401

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing needs the model's change permission and exporting its view permission (not just a staff login).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Imports: the upload's size, what an XLSX unpacks to, and its rows, each checked before parsing (registry.uploads).
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_INFLATED_BYTES = int(os.environ.get("IMPORT_MAX_INFLATED_BYTES", str(25 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "20000"))
# An uploaded file waits this long for its preview to be confirmed; a sweep then deletes it.
IMPORT_UPLOAD_MAX_AGE_MINUTES = int(os.environ.get("IMPORT_UPLOAD_MAX_AGE_MINUTES", "120"))
# History is a record: versions are read and compared, never restored over a service's rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, enforced: the public site's policy. config.csp says what each admin and the API
# documents replace in it, and why. Images may be data: URIs (a ticket's QR code is drawn into its page);
# MEDIA_ORIGINS: where uploaded images come from when MEDIA_STORAGE is a bucket.
MEDIA_ORIGINS = env_list("MEDIA_ORIGINS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # On the handler too: Django's own loggers pass their records up whatever the root's level.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}
RATELIMIT_VIEW = "registry.views.security.rate_limited"
# The client address (registry.security.client_address), which axes, allauth, django-ratelimit and the API's
# throttles all key on. Only hops in TRUSTED_PROXIES (addresses or networks) may name the client, in the header
# TRUSTED_CLIENT_IP_HEADER; by default nobody is trusted and REMOTE_ADDR is the client. fly.toml sets Fly's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER", "X-Forwarded-For")
RATELIMIT_IP_META_KEY = "registry.security.client_address"

# --- Registration ---------------------------------------------------------
REGISTRATION_HOLD_MINUTES = int(os.environ.get("REGISTRATION_HOLD_MINUTES", "60"))
WAITLIST_OFFER_HOURS = int(os.environ.get("WAITLIST_OFFER_HOURS", "24"))
REMINDER_OFFSETS_MINUTES = [int(m) for m in env_list("REMINDER_OFFSETS_MINUTES", "1440,60")]
FOLLOW_UP_DELAY_MINUTES = int(os.environ.get("FOLLOW_UP_DELAY_MINUTES", "60"))
REGISTRATION_MIN_FILL_SECONDS = 3
# A registration's own page (the signed link in its emails) works until this many days after its event ends.
REGISTRATION_LINK_DAYS_AFTER_EVENT = int(os.environ.get("REGISTRATION_LINK_DAYS_AFTER_EVENT", "30"))
# A running certificate batch renews its lease as it goes; one whose lease lapsed (its worker died) is resumed.
CERTIFICATE_BATCH_LEASE_SECONDS = int(os.environ.get("CERTIFICATE_BATCH_LEASE_SECONDS", "120"))
# A ticket admits at the door from this long before its event starts ("too early" before that)...
CHECKIN_OPENS_BEFORE_START_MINUTES = int(os.environ.get("CHECKIN_OPENS_BEFORE_START_MINUTES", "120"))
# ...until this long after its event ends; later scans are refused as expired.
CHECKIN_CLOSES_AFTER_END_MINUTES = int(os.environ.get("CHECKIN_CLOSES_AFTER_END_MINUTES", "120"))
# django-ratelimit's switch; benchmarks that measure the seat lock, not the throttle, turn it off.
RATELIMIT_ENABLE = os.environ.get("RATELIMIT_ENABLE", "1") == "1"
# Per IP and per email address, in the seeds' minute/hour/day windows.
REGISTRATION_RATE_LIMITS = {
    "ip": ["10/m", "60/h", "300/d"],
    "email": ["3/m", "10/h", "20/d"],
}

# --- Back office (django-unfold) -------------------------------------------
from config.backoffice import UNFOLD  # noqa: E402, F401

# --- API ------------------------------------------------------------------
# REST API under /api/v1/ (config.api_urls): JWT for apps, the session for the browser.
INSTALLED_APPS += ["rest_framework_simplejwt.token_blacklist", "drf_spectacular", "drf_spectacular_sidecar"]


def _api_rate(scope: str, default: str) -> str:
    """Each throttle scope's rate; API_RATE_<SCOPE> overrides it (benchmarks, the schema fuzzer)."""
    return os.environ.get(f"API_RATE_{scope.upper()}", default)


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "registry.api.authentication.RememberingJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
        "registry.api.common.SecondFactorIfStaff",
    ],
    "DEFAULT_PAGINATION_CLASS": "registry.api.common.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # DRF's throttles, keyed on registry.security.client_address instead of DRF's own NUM_PROXIES reading.
    "DEFAULT_THROTTLE_CLASSES": [
        "registry.api.throttles.AnonRateThrottle",
        "registry.api.throttles.UserRateThrottle",
        "registry.api.throttles.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _api_rate("anon", "120/min"),
        "user": _api_rate("user", "600/min"),
        "login": _api_rate("login", "20/min"),
        "register": _api_rate("register", "10/min"),
        "verify": _api_rate("verify", "30/min"),
        "checkin": _api_rate("checkin", "3000/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["registry.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "registry.api_errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "USER_ID_FIELD": "id",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Convene API",
    "DESCRIPTION": (
        "Events, registrations, check-in, certificates, halls and credits. Get a token at `POST /api/v1/auth/token` "
        "(staff and editors add `otp`: an authenticator code or a backup code) and send `Authorization: Bearer "
        "<access>`. Errors are RFC 7807 problem documents."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would send the schema's address to validator.swagger.io, which the docs' policy blocks.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["registry.api_errors.api_endpoints_only"],
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
    "ENUM_NAME_OVERRIDES": {
        "RegistrationStatusEnum": "registry.models.RegistrationStatus",
        "CreditEntryStatusEnum": "registry.models.CreditEntry.Status",
        "BookingStatusEnum": "approvals.models.BookingStatus",
        "AttendanceModeEnum": "registry.models.AttendanceMode",
        "EventStatusEnum": "registry.models.EventStatus",
        "MessageKindEnum": "registry.models.MessageKind",
        "EventKindEnum": "cms.models.pages.EventKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api_errors.add_problem_responses",
    ],
}
