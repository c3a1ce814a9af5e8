"""Settings, read from the environment (twelve-factor).

Defaults give a zero-setup development instance on SQLite under var/ (created 0700; the
database file 0600). Production (DJANGO_ENV=production) refuses to start without a real
SECRET_KEY or with DEBUG on; anywhere else without SECRET_KEY, the instance makes its own
random key once into var/secret_key (0600) — never a key published in this repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/kechuang
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KECHUANG_VAR_DIR", PROJECT_DIR / "var"))

env = environ.Env()
env_file = PROJECT_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

KECHUANG_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = KECHUANG_ENV == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
TESTING = env.bool("KECHUANG_TESTING", default=False)


def _private_dir(path: Path) -> Path:
    """Create a folder only its owner can enter (0700); an existing one is left as it is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _local_secret_key(var_dir: Path) -> str:
    """This instance's own random key, made once into var/secret_key (0600).

    Written to a temporary file and linked into place, so processes starting together
    (gunicorn workers, the job worker, the scheduler) all read the same complete key.
    """
    import secrets
    import tempfile

    path = _private_dir(var_dir) / "secret_key"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=var_dir, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: use its key
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (DJANGO_ENV=production).")
    if len(SECRET_KEY) < 32 or SECRET_KEY.startswith(("dev-insecure-", "django-insecure-")):
        raise ImproperlyConfigured(
            "SECRET_KEY is too short or a published example key; generate one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (DJANGO_ENV=production).")
elif not SECRET_KEY:
    # the test suite signs nothing that outlives it; every other instance gets its own key
    SECRET_KEY = ("test-only-kechuang-key-0123456789abcdef-0123456789abcdef" if TESTING
                  else _local_secret_key(VAR_DIR))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kechuang.core",
    "kechuang.accounts",
    "kechuang.regions",
    "kechuang.orgs",
    "kechuang.plans",
    "kechuang.workflow",
    "kechuang.notices",
    "kechuang.reported",
    "kechuang.kpi",
    "kechuang.imports",
    "kechuang.cultivation",
    "kechuang.assessment",
    "kechuang.projects",
    "kechuang.audit",
    "kechuang.jobs",
    "kechuang.techmarket",
    "kechuang.cooperation",
    "kechuang.rdinput",
    "kechuang.supervision",
    "kechuang.vouchers",
    "kechuang.carriers",
    "kechuang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kechuang.web.csp.ContentSecurityPolicyMiddleware",  # no 'unsafe-inline' scripts
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kechuang.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kechuang.audit.middleware.RequestContextMiddleware",
    "kechuang.accounts.middleware.IdleTimeoutMiddleware",
    # 2FA before anything else, then a forced/expired password change (accounts/middleware.py)
    "kechuang.accounts.middleware.AuthGateMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"
FORM_RENDERER = "kechuang.core.widgets.FastWidgetRenderer"  # same HTML, no template engine

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.web.context_processors.navigation",
                "kechuang.notices.context_processors.unread_notices",
            ],
        },
    }
]

_private_dir(VAR_DIR)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _db_file = str(DATABASES["default"]["NAME"])
    if not TESTING and _db_file not in ("", ":memory:"):
        # SQLite would create the file 0644; an empty file is a valid new database, and its
        # -wal/-shm files take the database file's mode
        for _path in (_db_file, f"{_db_file}-wal", f"{_db_file}-shm"):
            try:
                if _path == _db_file and not os.path.exists(_path):
                    os.close(os.open(_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                elif os.path.exists(_path) and os.stat(_path).st_mode & 0o077:
                    os.chmod(_path, 0o600)
            except OSError:
                pass  # created meanwhile by another process, or owned by someone else
    # IMMEDIATE transactions wait for the write lock instead of failing with
    # "database is locked" (see shared/docs/dependencies.md, gotcha 4).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Django-admin rights from the role (accounts.roles.ADMIN_PERMISSIONS); no superusers
    "kechuang.accounts.backends.RolePermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "kechuang.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kechuang.accounts.validators.ComplexityValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The admin never shows a TOTP secret or QR code (an administrator could clone a user's 2FA)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# MLPS level-3 practice: lock after repeated failures, expire idle sessions.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
# Lock the account *from that address* (username + address): an attacker elsewhere cannot
# lock an administrator out, and a county office behind one NAT address is not locked as a
# whole. Each address also has its own failure budget (AUTH_ADDRESS_*; accounts/throttle.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Behind nginx the client address is in X-Forwarded-For: set TRUSTED_PROXY_COUNT=1 there
# (the number of proxies in front that append to it). 0: X-Forwarded-For is ignored.
# One resolver (django-ipware) for axes, login events and the address limits.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "kechuang.accounts.clientip.client_ip"
AUTH_ADDRESS_FAILURE_LIMIT = env.int("AUTH_ADDRESS_FAILURE_LIMIT", default=20)
AUTH_ADDRESS_WINDOW_SECONDS = env.int("AUTH_ADDRESS_WINDOW_SECONDS", default=60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # seconds
# absolute lifetime from sign-in, whatever the activity (accounts/middleware.py)
SESSION_MAX_LIFETIME = env.int("SESSION_MAX_LIFETIME", default=12 * 3600)  # seconds
SESSION_COOKIE_AGE = SESSION_MAX_LIFETIME
# TOTP two-factor for staff and administrator roles (accounts/twofactor.py). On by default in
# production; off in development/demo (a user who enrolled is still asked for a code).
KECHUANG_REQUIRE_2FA = env.bool("KECHUANG_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "科创平台"
# staff roles must change their password after this many days (0: never)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
SESSION_COOKIE_HTTPONLY = True
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=12)

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"  # evidence files: outside the web root, served by views only
# uploaded evidence (core/uploads.py): neither STATIC_ROOT nor MEDIA_ROOT, no URL serves it;
# views stream files with serve_private() after their own permission check
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# file intake caps (core/safe_files.py). Zip containers (.xlsx/.docx): at most this much
# unpacked in all, no big part compressed more than RATIO:1 (real sheets ~5–20:1, deflate
# bombs ~1000:1), at most MEMBERS parts.
UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_MAX_UNCOMPRESSED_BYTES",
                                        default=256 * 1024 * 1024)
UPLOAD_MAX_COMPRESSION_RATIO = env.int("UPLOAD_MAX_COMPRESSION_RATIO", default=100)
UPLOAD_MAX_ZIP_MEMBERS = env.int("UPLOAD_MAX_ZIP_MEMBERS", default=1000)
# imported sheets: last used row (header included) and column, and rows × columns. 100,000
# rows is twice the 50,000-row benchmark and above one year of every enterprise of a city; a
# check pass of that size takes ~1 min and ~200 MB in the worker. 200 columns: the widest spec
# has 26, the rest is room for a clerk's own notes columns (ignored).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=5_000_000)
# the sandboxed reader (a child process): address-space limit, CPU seconds (and wall clock + 10)
IMPORT_PARSE_MEMORY_BYTES = env.int("IMPORT_PARSE_MEMORY_BYTES", default=1024 * 1024 * 1024)
IMPORT_PARSE_SECONDS = env.int("IMPORT_PARSE_SECONDS", default=120)
# residual information (docs/security.md §0): a daily check deletes the stored files of
# finished import runs / jobs this many days after they finished; the rows are kept
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
JOB_RESULT_RETENTION_DAYS = env.int("JOB_RESULT_RETENTION_DAYS", default=7)
# evidence, imports, job results: readable by the service account only
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
        # public files: nginx (another user) serves them in production
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # token first: anonymous API calls get 401 with a WWW-Authenticate header
        "kechuang.core.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "kechuang.core.api.Pagination",
    # JSON nesting capped before decoding (a deep body is a 400, not a RecursionError 500)
    # JSON nesting capped before decoding (a deep body is a 400, not a RecursionError 500).
    # Forms stay accepted (body-less actions, curl -d), but the schema declares JSON only.
    "DEFAULT_PARSER_CLASSES": [
        "kechuang.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular's, with decimal patterns and closed objects as the server checks them
    "DEFAULT_SCHEMA_CLASS": "kechuang.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "kechuang.core.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kechuang API",
    "DESCRIPTION": "科创平台 REST API (v1). Errors: {code, message, errors:[{field, message}]}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # no badge from validator.swagger.io: the docs page makes no request off the site
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ChainRoleEnum": "kechuang.orgs.models.ChainMembership.Role",
        "UserRoleEnum": "kechuang.accounts.roles.Role",
    },
    # JSON is the documented body format (forms are accepted, not declared): core/parsers.py
    "PARSER_WHITELIST": ["kechuang.core.parsers.SafeJSONParser"],
    # the one error format, declared on every operation (core/api.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kechuang.core.api.error_responses_hook",
    ],
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.bool("KECHUANG_TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

KECHUANG_REGION_FILE = env.str(
    "KECHUANG_REGION_FILE", default=str(BASE_DIR / "regions" / "data" / "changzhi.yaml")
)
KECHUANG_PLAN_FILE = env.str(
    "KECHUANG_PLAN_FILE", default=str(BASE_DIR / "plans" / "data" / "plan-2025.yaml")
)

# one line per refused request (no traceback for a 403), timestamps in TIME_ZONE with offset
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "kechuang.core.logs.OneLineRefusals"}},
    "formatters": {"zoned": {"()": "kechuang.core.logs.ZonedFormatter",
                             "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "zoned",
                             "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS += ["security.W021"]  # preload is an operator's decision
